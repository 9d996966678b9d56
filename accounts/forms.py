"""Storefront forms: they collect fields; accounts.services validates and saves."""

from django import forms

from accounts.models import PaymentMethod


class SignupForm(forms.Form):
    email = forms.EmailField(max_length=254)
    username = forms.CharField(max_length=150)
    full_name = forms.CharField(max_length=150, required=False, label="Full name")
    phone = forms.CharField(max_length=32, required=False)
    password = forms.CharField(
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class SigninForm(forms.Form):
    login = forms.CharField(max_length=254, label="Email or username")
    password = forms.CharField(
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=150, required=False, label="Full name")
    phone = forms.RegexField(r"^[0-9+() .-]{0,32}$", max_length=32, required=False)


class AddressForm(forms.Form):
    # Its own element ids: the account page shows it beside the payment form, both with is_default.
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "address_%s")
        super().__init__(*args, **kwargs)

    street = forms.CharField(max_length=200)
    city = forms.CharField(max_length=100)
    state = forms.CharField(max_length=100, required=False)
    zip_code = forms.CharField(max_length=20, label="ZIP code")
    country = forms.CharField(max_length=100)
    is_default = forms.BooleanField(required=False, label="Make this my default address")


class PaymentMethodForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "payment_%s")
        super().__init__(*args, **kwargs)

    type = forms.ChoiceField(choices=PaymentMethod.Type.choices, label="Kind")
    card_number = forms.CharField(
        max_length=32,
        required=False,
        label="Card number",
        widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    exp_month = forms.IntegerField(min_value=1, max_value=12, required=False, label="Expiry month")
    exp_year = forms.IntegerField(required=False, label="Expiry year")
    upi_id = forms.CharField(max_length=100, required=False, label="UPI id")
    code = forms.CharField(max_length=40, required=False, label="Gift card code")
    is_default = forms.BooleanField(required=False, label="Make this my default")


class CheckoutAddressForm(AddressForm):
    """A new address typed at checkout. Its fields are only filled in when the shopper picks
    "a new address", so the browser must not insist on them otherwise."""

    use_required_attribute = False


class CheckoutCardForm(forms.Form):
    """A new card typed at checkout; saved to the account like one added there."""

    use_required_attribute = False
    card_number = PaymentMethodForm.base_fields["card_number"]
    exp_month = forms.IntegerField(min_value=1, max_value=12, label="Expiry month")
    exp_year = forms.IntegerField(label="Expiry year")


class PasswordResetForm(forms.Form):
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )


def _new_password_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class NewPasswordForm(forms.Form):
    """A new password typed twice; accounts.services checks it against the validators."""

    new_password = _new_password_field("New password")
    new_password_again = _new_password_field("New password, again")

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", "The two passwords differ.")
        data.pop("new_password_again", None)
        return data


class PasswordChangeForm(NewPasswordForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "password_%s")
        super().__init__(*args, **kwargs)
        self.order_fields(["current_password", "new_password", "new_password_again"])

    current_password = forms.CharField(
        label="Current password",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class MailPreferencesForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "mail_%s")
        kwargs.setdefault("label_suffix", "")  # a checkbox's label reads as a sentence
        super().__init__(*args, **kwargs)

    order_updates = forms.BooleanField(
        required=False, label="Order updates: shipped, delivered, refunds and returns"
    )
    back_in_stock = forms.BooleanField(
        required=False, label="When something I asked about is back in stock"
    )
    marketing = forms.BooleanField(required=False, label="News and offers")

"""Storefront forms: they collect fields; accounts.services validates and saves."""

from django import forms

from accounts.models import PaymentMethod


class SignupForm(forms.Form):
    email = forms.EmailField(max_length=254)
    username = forms.CharField(max_length=150)
    full_name = forms.CharField(max_length=150, required=False, label="Full name")
    phone = forms.CharField(max_length=32, required=False)
    password = forms.CharField(
        max_length=128, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class SigninForm(forms.Form):
    login = forms.CharField(max_length=254, label="Email or username")
    password = forms.CharField(
        max_length=128, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=150, required=False, label="Full name")
    phone = forms.RegexField(r"^[0-9+() .-]{0,32}$", max_length=32, required=False)


class AddressForm(forms.Form):
    street = forms.CharField(max_length=200)
    city = forms.CharField(max_length=100)
    state = forms.CharField(max_length=100, required=False)
    zip_code = forms.CharField(max_length=20, label="ZIP code")
    country = forms.CharField(max_length=100)
    is_default = forms.BooleanField(required=False, label="Make this my default address")


class PaymentMethodForm(forms.Form):
    type = forms.ChoiceField(choices=PaymentMethod.Type.choices, label="Kind")
    card_number = forms.CharField(
        max_length=32, required=False, label="Card number",
        widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    exp_month = forms.IntegerField(min_value=1, max_value=12, required=False, label="Expiry month")
    exp_year = forms.IntegerField(required=False, label="Expiry year")
    upi_id = forms.CharField(max_length=100, required=False, label="UPI id")
    code = forms.CharField(max_length=40, required=False, label="Gift card code")
    is_default = forms.BooleanField(required=False, label="Make this my default")

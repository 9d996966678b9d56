"""Storefront pages for signing up, in and out, and the account page. Thin: forms in,
accounts.services does the work."""

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import (
    AddressForm,
    MailPreferencesForm,
    NewPasswordForm,
    PasswordChangeForm,
    PasswordResetForm,
    PaymentMethodForm,
    ProfileForm,
    SigninForm,
    SignupForm,
)
from accounts.models import Address, PaymentMethod
from core.ratelimit import client_ip
from core.web import attempt, submit_form
from mail import services as mail

BACKEND = "accounts.backends.EmailOrUsernameBackend"


def _next_url(request, default: str = "/account/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        user = submit_form(form, services.register_user)
        if user is not None:
            login(request, user, backend=BACKEND)
            messages.success(request, "Welcome! Your account is ready.")
            return redirect(_next_url(request))
    return render(request, "accounts/signup.html", {"form": form, "next": _next_url(request, "")})


def signin(request):
    form = SigninForm(request.POST or None)
    if request.method == "POST":
        user = submit_form(
            form,
            lambda **credentials: services.sign_in(
                **credentials, client_ip=client_ip(request), request=request
            ),
        )
        if user is not None:
            login(request, user)
            return redirect(_next_url(request))
    return render(request, "accounts/signin.html", {"form": form, "next": _next_url(request, "")})


@require_POST
def signout(request):
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("/")


# Forgotten password: ask for a link, follow it, choose a new password, signed in.


def password_reset(request):
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST":
        sent = submit_form(
            form,
            lambda email: (
                services.request_password_reset(email=email, client_ip=client_ip(request)) or True
            ),
        )
        if sent:
            return redirect("accounts:password-reset-sent")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_sent(request):
    return render(request, "accounts/password_reset_sent.html")


# The link's token moves to the session and out of the address bar at once, so that it can't
# leak through the Referer header or the browser's history (as Django's own reset view does).
RESET_TOKEN_SESSION_KEY = "_password_reset_token"
RESET_URL_TOKEN = "set-password"


@never_cache
def password_reset_confirm(request, uidb64: str, token: str):
    if token != RESET_URL_TOKEN:
        request.session[RESET_TOKEN_SESSION_KEY] = token
        return redirect("accounts:password-reset-confirm", uidb64, RESET_URL_TOKEN)
    token = request.session.get(RESET_TOKEN_SESSION_KEY, "")
    try:
        services.user_for_reset(uidb64=uidb64, token=token)
    except services.InvalidResetToken as exc:
        context = {"invalid": str(exc.detail)}
        return render(request, "accounts/password_reset_confirm.html", context, status=400)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST":
        user = submit_form(
            form,
            lambda new_password: services.reset_password(
                uidb64=uidb64, token=token, new_password=new_password
            ),
        )
        if user is not None:
            request.session.pop(RESET_TOKEN_SESSION_KEY, None)
            login(request, user, backend=BACKEND)
            return redirect("accounts:password-reset-done")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


@login_required
def password_reset_done(request):
    return render(request, "accounts/password_reset_done.html")


@login_required
def account(request):
    return render(request, "accounts/account.html", _account_context(request))


def _account_context(request, **forms) -> dict:
    user = request.user
    return {
        "profile_form": forms.get("profile_form")
        or ProfileForm(initial={"full_name": user.full_name, "phone": user.phone}),
        "address_form": forms.get("address_form") or AddressForm(),
        "payment_form": forms.get("payment_form") or PaymentMethodForm(),
        "password_form": forms.get("password_form") or PasswordChangeForm(),
        "mail_form": forms.get("mail_form")
        or MailPreferencesForm(initial=_choices(mail.preferences_of(user.pk))),
        "addresses": Address.objects.owned_by(user),
        "payment_methods": PaymentMethod.objects.owned_by(user),
    }


def _choices(preferences) -> dict:
    return {name: getattr(preferences, name) for name in MailPreferencesForm.base_fields}


def _account_post(request, form_name: str, form, action, done: str):
    if submit_form(form, action) is not None:
        messages.success(request, done)
        return redirect("accounts:account")
    return render(
        request, "accounts/account.html", _account_context(request, **{form_name: form}), status=400
    )


@login_required
@require_POST
def update_profile(request):
    return _account_post(
        request,
        "profile_form",
        ProfileForm(request.POST),
        lambda **data: services.update_profile(user=request.user, **data),
        "Profile saved.",
    )


@login_required
@require_POST
def change_password(request):
    def change(current_password, new_password):
        user = services.change_password(
            user=request.user,
            current_password=current_password,
            new_password=new_password,
            client_ip=client_ip(request),
        )
        update_session_auth_hash(request, user)  # this session stays; the others end
        return user

    return _account_post(
        request,
        "password_form",
        PasswordChangeForm(request.POST),
        change,
        "Password changed. Every other device has been signed out.",
    )


@login_required
@require_POST
def update_mail_preferences(request):
    return _account_post(
        request,
        "mail_form",
        MailPreferencesForm(request.POST),
        lambda **choices: mail.set_preferences(user=request.user, **choices),
        "Mail preferences saved.",
    )


@login_required
@require_POST
def add_address(request):
    return _account_post(
        request,
        "address_form",
        AddressForm(request.POST),
        lambda **data: services.add_address(user=request.user, **data),
        "Address added.",
    )


@login_required
@require_POST
def add_payment_method(request):
    return _account_post(
        request,
        "payment_form",
        PaymentMethodForm(request.POST),
        lambda **data: services.add_payment_method(user=request.user, **data),
        "Payment method added.",
    )


@login_required
@require_POST
def delete_saved(request, pk: int, model):
    return _row_action(
        request,
        lambda: services.delete_saved(user=request.user, model=model, pk=pk),
        f"{model._meta.verbose_name.capitalize()} removed.",
    )


@login_required
@require_POST
def make_default(request, pk: int, model):
    return _row_action(
        request,
        lambda: services.make_default(user=request.user, model=model, pk=pk),
        f"Default {model._meta.verbose_name} changed.",
    )


def _row_action(request, action, done: str):
    attempt(request, action, done)
    return redirect("accounts:account")

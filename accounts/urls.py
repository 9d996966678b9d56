from django.urls import path

from accounts import views
from accounts.models import Address, PaymentMethod

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signin/", views.signin, name="signin"),
    path("accounts/signout/", views.signout, name="signout"),
    path("accounts/password-reset/", views.password_reset, name="password-reset"),
    path("accounts/password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path(
        "accounts/reset/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("accounts/reset/done/", views.password_reset_done, name="password-reset-done"),
    path("account/", views.account, name="account"),
    path("account/password/", views.change_password, name="password-change"),
    path("account/mail/", views.update_mail_preferences, name="mail-preferences"),
    path("account/profile/", views.update_profile, name="profile"),
    path("account/addresses/", views.add_address, name="address-add"),
    path(
        "account/addresses/<int:pk>/delete/",
        views.delete_saved,
        {"model": Address},
        name="address-delete",
    ),
    path(
        "account/addresses/<int:pk>/default/",
        views.make_default,
        {"model": Address},
        name="address-default",
    ),
    path("account/payment-methods/", views.add_payment_method, name="payment-add"),
    path(
        "account/payment-methods/<int:pk>/delete/",
        views.delete_saved,
        {"model": PaymentMethod},
        name="payment-delete",
    ),
    path(
        "account/payment-methods/<int:pk>/default/",
        views.make_default,
        {"model": PaymentMethod},
        name="payment-default",
    ),
]

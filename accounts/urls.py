from django.urls import path

from accounts import views
from accounts.models import Address, PaymentMethod

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signin/", views.signin, name="signin"),
    path("accounts/signout/", views.signout, name="signout"),
    path("account/", views.account, name="account"),
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

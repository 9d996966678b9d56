"""Storefront pages: sign up, sign in, sign out and the account page (session auth, CSRF)."""

import pytest
from django.test import Client

from accounts.models import Address, PaymentMethod, User
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_signup_page_creates_the_account_and_signs_in(client):
    assert client.get("/accounts/signup/").status_code == 200
    response = client.post(
        "/accounts/signup/",
        {
            "email": "Cleo@Example.com",
            "username": "cleo",
            "password": "a-fine-password-3",
            "full_name": "Cleo",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    page = client.get("/account/")
    assert page.status_code == 200
    assert b"cleo@example.com" in page.content
    assert User.objects.get(username="cleo").check_password("a-fine-password-3")


def test_signup_page_shows_field_errors(client, user):
    response = client.post(
        "/accounts/signup/", {"email": "ann@example.com", "username": "x y", "password": "123"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "An account with this email already exists." in html
    assert "letters, digits" in html
    assert "too short" in html
    assert User.objects.count() == 1


def test_signin_page_by_username_then_back_to_next(client, user):
    response = client.post(
        "/accounts/signin/", {"login": "ann", "password": DEFAULT_PASSWORD, "next": "/account/"}
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signin_page_never_redirects_off_site(client, user):
    response = client.post(
        "/accounts/signin/",
        {"login": "ann", "password": DEFAULT_PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/account/"


def test_signin_page_says_when_credentials_are_wrong_and_when_to_wait(client, user):
    for _ in range(5):
        response = client.post(
            "/accounts/signin/", {"login": "ann@example.com", "password": "nope"}
        )
        assert "not right" in response.content.decode()
    response = client.post(
        "/accounts/signin/", {"login": "ann@example.com", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_storefront_forms_need_a_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/signin/", {"login": "ann", "password": DEFAULT_PASSWORD})
    assert response.status_code == 403
    page = client.get("/accounts/signin/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/accounts/signin/",
        {"login": "ann", "password": DEFAULT_PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_signout_is_a_post(client, user):
    client.force_login(user)
    assert client.get("/accounts/signout/").status_code == 405
    assert client.post("/accounts/signout/").status_code == 302
    assert client.get("/account/").status_code == 302


def test_account_page_needs_sign_in(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signin/?next=/account/"


def test_account_page_edits_profile_addresses_and_payment_methods(client, user):
    client.force_login(user)
    assert (
        client.post(
            "/account/profile/", {"full_name": "Ann Smith", "phone": "555-0100"}
        ).status_code
        == 302
    )
    user.refresh_from_db()
    assert user.full_name == "Ann Smith"

    address = {"street": "1 Main St", "city": "Springfield", "zip_code": "62701", "country": "US"}
    assert client.post("/account/addresses/", address).status_code == 302
    assert client.post("/account/addresses/", {**address, "street": "2 Side St"}).status_code == 302
    card = {
        "type": "card",
        "card_number": "4242424242424242",
        "exp_month": "11",
        "exp_year": "2030",
    }
    assert client.post("/account/payment-methods/", card).status_code == 302

    page = client.get("/account/").content.decode()
    assert "1 Main St" in page and "2 Side St" in page
    assert "Visa •••• 4242" in page
    assert "4242424242424242" not in page

    second = Address.objects.get(street="2 Side St")
    client.post(f"/account/addresses/{second.pk}/default/")
    second.refresh_from_db()
    assert second.is_default
    client.post(f"/account/addresses/{second.pk}/delete/")
    assert Address.objects.get(user=user).is_default


def test_account_page_shows_service_errors_on_the_form(client, user):
    client.force_login(user)
    bad_card = {
        "type": "card",
        "card_number": "4242424242424241",
        "exp_month": "11",
        "exp_year": "2030",
    }
    response = client.post("/account/payment-methods/", bad_card)
    assert response.status_code == 400
    assert "not valid; please check the digits" in response.content.decode()
    assert not PaymentMethod.objects.exists()


def test_account_page_cannot_touch_another_users_rows(client, user, other_user):
    from accounts import services

    theirs = services.add_address(
        user=other_user, street="9 Elm", city="X", zip_code="1", country="US"
    )
    client.force_login(user)
    response = client.post(f"/account/addresses/{theirs.pk}/delete/", follow=True)
    assert "No address" in response.content.decode()
    assert Address.objects.filter(pk=theirs.pk).exists()


def test_header_shows_account_links(client, user):
    assert b"Sign in" in client.get("/").content
    client.force_login(user)
    home = client.get("/").content.decode()
    assert "Sign out" in home and "/account/" in home

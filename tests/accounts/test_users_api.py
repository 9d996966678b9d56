"""Profile, addresses and payment methods: each user sees and changes only their own."""

import io

import pytest
from django.core.management import call_command

from accounts.models import Address, PaymentMethod

pytestmark = pytest.mark.django_db

HOME = {
    "street": "1 Main St",
    "city": "Springfield",
    "state": "IL",
    "zip_code": "62701",
    "country": "US",
}
WORK = {**HOME, "street": "500 Office Park"}
CARD = {"type": "card", "card_number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2031}


def test_profile_shows_the_user_with_loyalty(user_api, user):
    body = user_api.get("/api/users/profile").json()
    assert body["id"] == user.id and body["email"] == "ann@example.com"
    assert body["loyalty"] == {"tier": "bronze", "points": 0}
    assert set(body) == {
        "id",
        "email",
        "username",
        "full_name",
        "phone",
        "is_staff",
        "date_joined",
        "loyalty",
    }


def test_profile_update_changes_name_and_phone_only(user_api, user):
    response = user_api.put(
        "/api/users/profile",
        {
            "full_name": "Ann Smith",
            "phone": "+1 (555) 010-2030",
            "email": "evil@example.com",
            "username": "root",
        },
        format="json",
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.full_name, user.phone) == ("Ann Smith", "+1 (555) 010-2030")
    assert (user.email, user.username) == ("ann@example.com", "ann")
    assert (
        user_api.patch("/api/users/profile", {"phone": ""}, format="json").json()["full_name"]
        == "Ann Smith"
    )


def test_profile_refuses_a_bad_phone_naming_it(user_api):
    response = user_api.put(
        "/api/users/profile", {"full_name": "A", "phone": "call me maybe"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["phone"]


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/users/profile"),
        ("get", "/api/users/addresses"),
        ("post", "/api/users/addresses"),
        ("get", "/api/users/payment-methods"),
        ("post", "/api/users/payment-methods"),
        ("delete", "/api/users/addresses/1"),
    ],
)
def test_users_endpoints_need_authentication(api, method, path):
    response = getattr(api, method)(path, {}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


# Addresses


def test_the_first_address_is_the_default(user_api):
    first = user_api.post("/api/users/addresses", HOME, format="json")
    assert first.status_code == 201
    assert first.json() == {"id": first.json()["id"], **HOME, "is_default": True}
    second = user_api.post("/api/users/addresses/", WORK, format="json").json()
    assert second["is_default"] is False


def test_a_new_default_address_replaces_the_old_one(user_api, user):
    first = user_api.post("/api/users/addresses", HOME, format="json").json()
    second = user_api.post(
        "/api/users/addresses", {**WORK, "is_default": True}, format="json"
    ).json()
    defaults = list(Address.objects.filter(user=user, is_default=True).values_list("id", flat=True))
    assert defaults == [second["id"]]
    listed = user_api.get("/api/users/addresses").json()
    assert [(a["id"], a["is_default"]) for a in listed] == [
        (second["id"], True),
        (first["id"], False),
    ]


def test_deleting_the_default_address_promotes_another(user_api):
    first = user_api.post("/api/users/addresses", HOME, format="json").json()
    second = user_api.post("/api/users/addresses", WORK, format="json").json()
    assert user_api.delete(f"/api/users/addresses/{first['id']}").status_code == 204
    [remaining] = user_api.get("/api/users/addresses").json()
    assert remaining["id"] == second["id"] and remaining["is_default"] is True


def test_address_needs_its_fields(user_api):
    response = user_api.post("/api/users/addresses", {"street": "1 Main St"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"city", "zip_code", "country"}


def test_another_users_address_is_a_404(user_api, other_api, other_user):
    theirs = other_api.post("/api/users/addresses", HOME, format="json").json()
    assert user_api.get("/api/users/addresses").json() == []
    assert user_api.get(f"/api/users/addresses/{theirs['id']}").status_code == 404
    response = user_api.delete(f"/api/users/addresses/{theirs['id']}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert user_api.post(f"/api/users/addresses/{theirs['id']}/default").status_code == 404
    assert Address.objects.filter(user=other_user, is_default=True).count() == 1


def test_malformed_address_id_is_a_404(user_api):
    assert user_api.delete("/api/users/addresses/abc").status_code == 404
    assert user_api.delete("/api/users/addresses/999999").status_code == 404


# Payment methods


def test_a_card_is_stored_as_brand_last_four_and_expiry(user_api, user):
    response = user_api.post("/api/users/payment-methods", CARD, format="json")
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("type", "brand", "last_four", "is_default")} == {
        "type": "card",
        "brand": "visa",
        "last_four": "4242",
        "is_default": True,
    }
    assert (body["exp_month"], body["exp_year"]) == (12, 2031)
    method = PaymentMethod.objects.get(user=user)
    assert method.gateway_token.startswith("pm_")


def test_no_card_number_anywhere_in_the_database_or_a_response(user_api):
    number = "5555555555554444"
    created = user_api.post(
        "/api/users/payment-methods", {**CARD, "card_number": number}, format="json"
    )
    listed = user_api.get("/api/users/payment-methods")
    for response in (created, listed):
        assert number not in response.content.decode()
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert number not in dump.getvalue()
    assert number[:12] not in dump.getvalue()  # not even most of it
    assert created.json()["brand"] == "mastercard"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"card_number": "4242424242424241"}, "card_number"),  # fails Luhn
        ({"card_number": "4242"}, "card_number"),
        ({"card_number": "not a number"}, "card_number"),
        ({"card_number": ""}, "card_number"),
        ({"exp_month": 13}, "exp_month"),
        ({"exp_year": 2020}, "exp_year"),
    ],
)
def test_a_bad_card_is_refused_naming_the_field(user_api, changes, field):
    response = user_api.post("/api/users/payment-methods", {**CARD, **changes}, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert not PaymentMethod.objects.exists()


def test_an_expired_card_says_so(user_api):
    response = user_api.post(
        "/api/users/payment-methods", {**CARD, "exp_month": 1, "exp_year": 2024}, format="json"
    )
    assert response.json()["error"]["details"]["exp_year"] == ["This card has expired."]


def test_upi_and_gift_cards(user_api):
    upi = user_api.post(
        "/api/users/payment-methods", {"type": "upi", "upi_id": "ann@okbank"}, format="json"
    )
    assert upi.status_code == 201
    assert upi.json()["label"] == "UPI ann@okbank"
    gift = user_api.post(
        "/api/users/payment-methods",
        {"type": "gift_card", "code": "gift-1234-5678-9012"},
        format="json",
    )
    assert gift.status_code == 201
    assert gift.json()["last_four"] == "9012" and gift.json()["is_default"] is False
    assert "GIFT-1234-5678-9012" not in gift.content.decode()

    bad = user_api.post(
        "/api/users/payment-methods", {"type": "upi", "upi_id": "nope"}, format="json"
    )
    assert list(bad.json()["error"]["details"]) == ["upi_id"]
    bad = user_api.post("/api/users/payment-methods", {"type": "gift_card"}, format="json")
    assert list(bad.json()["error"]["details"]) == ["code"]
    bad = user_api.post("/api/users/payment-methods", {"type": "cash"}, format="json")
    assert list(bad.json()["error"]["details"]) == ["type"]


def test_deleting_the_default_payment_method_promotes_another(user_api):
    card = user_api.post("/api/users/payment-methods", CARD, format="json").json()
    upi = user_api.post(
        "/api/users/payment-methods", {"type": "upi", "upi_id": "ann@okbank"}, format="json"
    ).json()
    assert user_api.delete(f"/api/users/payment-methods/{card['id']}").status_code == 204
    [remaining] = user_api.get("/api/users/payment-methods").json()
    assert remaining["id"] == upi["id"] and remaining["is_default"] is True


def test_another_users_payment_method_is_a_404(user_api, other_api):
    theirs = other_api.post("/api/users/payment-methods", CARD, format="json").json()
    assert user_api.get("/api/users/payment-methods").json() == []
    assert user_api.delete(f"/api/users/payment-methods/{theirs['id']}").status_code == 404
    assert other_api.get("/api/users/payment-methods").json()[0]["id"] == theirs["id"]


def test_the_same_payment_method_is_not_saved_twice(user_api):
    assert user_api.post("/api/users/payment-methods", CARD, format="json").status_code == 201
    again = user_api.post(
        "/api/users/payment-methods", {**CARD, "card_number": "4242424242424242"}, format="json"
    )
    assert again.status_code == 400
    assert again.json()["error"]["details"] == {"type": ["This payment method is already saved."]}
    renewed = user_api.post("/api/users/payment-methods", {**CARD, "exp_year": 2032}, format="json")
    assert renewed.status_code == 201

"""API requests signed with an access token: the token's user id is enough for most of them (no
user row read), yet revoked tokens, deactivated or deleted accounts and shoppers on staff
endpoints are still refused."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.tokens import AccessToken

from accounts.authentication import user_from_token
from tests.catalog import builders
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def lamp(db):
    return builders.product("Desk Lamp", price="30.00", variants=[("", "", 10)])


def add_lamp(client, lamp):
    return client.post("/api/cart/items", {"product_id": lamp.pk, "quantity": 1}, format="json")


def reads_users(queries) -> bool:
    return any('FROM "accounts_user"' in query["sql"] for query in queries)


def test_adding_to_the_cart_with_a_token_reads_no_user(user_api, lamp):
    add_lamp(user_api, lamp)  # the cart exists from now on
    with CaptureQueriesContext(connection) as queries:
        response = add_lamp(user_api, lamp)
    assert response.status_code == 201, response.content
    assert response.json()["items"][0]["quantity"] == 2
    assert not reads_users(queries.captured_queries)


def test_the_tokens_user_is_loaded_once_when_a_field_is_read(user, django_assert_num_queries):
    token_user = user_from_token(user.pk)
    with django_assert_num_queries(1):
        assert (token_user.email, token_user.full_name, token_user.is_staff) == (
            user.email,
            user.full_name,
            False,
        )
        assert token_user.username == user.username and token_user.is_active


def test_me_answers_the_account_as_it_is_now(user, user_api):
    user.full_name = "Ann Renamed"
    user.save()
    assert user_api.get("/api/auth/me").json()["full_name"] == "Ann Renamed"


def test_a_revoked_token_is_refused_when_adding_to_the_cart(user, lamp):
    client = bearer_client(user)
    client.post("/api/auth/logout", {"refresh": client.tokens["refresh"]}, format="json")
    response = add_lamp(client, lamp)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_revoked"


def test_staff_endpoints_refuse_a_shoppers_token_and_take_a_staff_token(user_api, staff_user):
    refused = user_api.get("/api/staff/locations")
    assert refused.status_code == 403
    assert bearer_client(staff_user).get("/api/staff/locations").status_code == 200


def test_a_staff_member_demoted_is_refused_with_the_token_they_already_hold(staff_user):
    client = bearer_client(staff_user)
    staff_user.is_staff = False
    staff_user.save()
    assert client.get("/api/staff/locations").status_code == 403


def test_a_deactivated_account_is_refused_at_once_and_welcome_back_when_reactivated(
    user, user_api, lamp
):
    user.is_active = False
    user.save()
    response = add_lamp(user_api, lamp)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "user_inactive"

    user.is_active = True
    user.save()
    assert add_lamp(user_api, lamp).status_code == 201


def test_a_deleted_accounts_token_is_refused(user, user_api, lamp):
    user.delete()
    response = add_lamp(user_api, lamp)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "user_inactive"


def test_a_token_is_refused_once_it_expires_though_it_was_accepted_before(user, lamp):
    client = bearer_client(user)
    short = AccessToken(client.tokens["access"])
    short.set_exp(lifetime=timedelta(seconds=1))  # re-signed: good for one second
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {short}")
    assert add_lamp(client, lamp).status_code == 201  # verified, and remembered by this process
    time.sleep(1.1)
    response = add_lamp(client, lamp)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"


def test_a_tampered_token_is_refused_though_the_real_one_was_accepted(user, lamp):
    client = bearer_client(user)
    assert add_lamp(client, lamp).status_code == 201
    header, payload, signature = client.tokens["access"].split(".")
    forged = ".".join(
        [header, payload, signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")]
    )
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert add_lamp(client, lamp).status_code == 401

"""Sign-up, sign-in, refresh, logout and me, as API.md describes them."""

import threading

import jwt
import pytest
from django.db import connection

from tests.conftest import bearer_client, full_mode_only
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "New@Example.com", "username": "newbie", "password": "plenty-long-secret-7"}


def error_of(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    if code:
        assert error["code"] == code
    return error


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


# Sign-up


def test_signup_creates_the_user_and_signs_them_in(api):
    response = api.post("/api/auth/signup", {**SIGNUP, "full_name": "New Bie"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["email"] == "new@example.com"
    assert body["user"]["username"] == "newbie"
    assert body["user"]["full_name"] == "New Bie"
    assert body["user"]["loyalty"] == {"tier": "bronze", "points": 0}
    assert "password" not in body["user"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert api.get("/api/auth/me").json()["username"] == "newbie"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"email": "ANN@example.com"}, "email"),
        ({"username": "ANN"}, "username"),
    ],
)
def test_signup_refuses_a_taken_email_or_username_whatever_the_case(api, user, changes, field):
    response = api.post("/api/auth/signup", {**SIGNUP, **changes}, format="json")
    error = error_of(response, 400, "validation_error")
    assert list(error["details"]) == [field]


@pytest.mark.parametrize(
    "password, reason",
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("8342719056", "entirely numeric"),
        ("newbie123", "too similar"),
    ],
)
def test_signup_refuses_a_weak_password_saying_why(api, password, reason):
    error = error_of(
        api.post("/api/auth/signup", {**SIGNUP, "password": password}, format="json"), 400
    )
    assert reason in " ".join(error["details"]["password"])


def test_signup_names_every_missing_field(api):
    error = error_of(api.post("/api/auth/signup", {}, format="json"), 400, "validation_error")
    assert set(error["details"]) == {"email", "username", "password"}


def test_signup_refuses_a_malformed_email_and_username(api):
    response = api.post(
        "/api/auth/signup", {**SIGNUP, "email": "not-an-email", "username": "a b"}, format="json"
    )
    assert set(error_of(response, 400)["details"]) == {"email", "username"}


def test_signup_with_bad_json_is_a_clear_400(api):
    response = api.post("/api/auth/signup", "{email:", content_type="application/json")
    error_of(response, 400, "invalid_json")


# Sign-in


@pytest.mark.parametrize("field, login", [("email", "ANN@Example.com"), ("username", "ann")])
def test_signin_by_email_or_username(api, user, field, login):
    response = api.post(
        "/api/auth/signin", {field: login, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["user"]["id"] == user.id
    access, refresh = claims(body["access"]), claims(body["refresh"])
    assert access["exp"] - access["iat"] == 3600
    assert refresh["exp"] - refresh["iat"] == 7 * 24 * 3600


@pytest.mark.parametrize(
    "body",
    [
        {"email": "ann@example.com", "password": "wrong-password"},
        {"username": "nobody", "password": "x"},
    ],
)
def test_signin_with_wrong_credentials_is_a_401(api, user, body):
    error = error_of(api.post("/api/auth/signin", body, format="json"), 401, "invalid_credentials")
    assert "password" in error["message"]


def test_signin_needs_an_email_or_username(api):
    error = error_of(api.post("/api/auth/signin", {"password": "x"}, format="json"), 400)
    assert "email" in error["details"]


def test_signin_refuses_an_inactive_account(api, user):
    user.is_active = False
    user.save()
    body = {"email": user.email, "password": DEFAULT_PASSWORD}
    error_of(api.post("/api/auth/signin", body, format="json"), 401, "invalid_credentials")


# Sign-in rate limit: 5 a minute per client and per account


def attempt(api, login, ip, password="wrong-password"):
    field = "email" if "@" in login else "username"
    return api.post(
        "/api/auth/signin", {field: login, "password": password}, format="json", REMOTE_ADDR=ip
    )


def test_the_sixth_attempt_from_one_client_is_a_429_with_retry_after(api, user):
    for n in range(5):
        assert attempt(api, f"someone{n}@example.com", "10.0.0.1").status_code == 401
    response = attempt(api, "ann@example.com", "10.0.0.1", password=DEFAULT_PASSWORD)
    error = error_of(response, 429, "too_many_attempts")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert error["details"]["retry_after"] == int(response["Retry-After"])
    # Another client is not held back.
    assert attempt(api, "ann@example.com", "10.0.0.2", password=DEFAULT_PASSWORD).status_code == 200


def test_the_sixth_attempt_on_one_account_is_a_429_from_any_client(api, user):
    logins = ["ann@example.com", "ANN", "ann@EXAMPLE.com", "ann", "Ann@example.com"]
    for n, login in enumerate(logins):
        assert attempt(api, login, f"10.0.1.{n}").status_code == 401
    response = attempt(api, "ann", "10.0.1.99", password=DEFAULT_PASSWORD)
    error_of(response, 429, "too_many_attempts")


# Me, refresh and logout


def test_me_needs_a_valid_token(api, user_api):
    error_of(api.get("/api/auth/me"), 401, "not_authenticated")
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-jwt")
    error_of(api.get("/api/auth/me"), 401, "token_not_valid")
    assert user_api.get("/api/auth/me").status_code == 200


def test_refresh_rotates_and_a_used_refresh_token_is_refused(api, user):
    client = bearer_client(user)
    old = client.tokens["refresh"]
    response = api.post("/api/auth/refresh", {"refresh": old}, format="json")
    assert response.status_code == 200
    pair = response.json()
    assert set(pair) == {"access", "refresh"} and pair["refresh"] != old

    error_of(api.post("/api/auth/refresh", {"refresh": old}, format="json"), 401, "token_not_valid")
    assert (
        api.post("/api/auth/refresh", {"refresh": pair["refresh"]}, format="json").status_code
        == 200
    )


def test_refresh_refuses_garbage_and_access_tokens(api, user_api):
    error_of(api.post("/api/auth/refresh", {"refresh": "garbage"}, format="json"), 401)
    error_of(
        api.post("/api/auth/refresh", {"refresh": user_api.tokens["access"]}, format="json"), 401
    )
    error_of(api.post("/api/auth/refresh", {}, format="json"), 400, "validation_error")


def test_refresh_refuses_a_deactivated_account(api, user):
    client = bearer_client(user)
    user.is_active = False
    user.save()
    error_of(
        api.post("/api/auth/refresh", {"refresh": client.tokens["refresh"]}, format="json"), 401
    )


def test_logout_refuses_its_refresh_and_access_token_from_then_on(api, user):
    client = bearer_client(user)
    other_session = bearer_client(user)
    response = client.post("/api/auth/logout", {"refresh": client.tokens["refresh"]}, format="json")
    assert response.status_code == 204

    error_of(client.get("/api/auth/me"), 401, "token_revoked")
    error_of(
        api.post("/api/auth/refresh", {"refresh": client.tokens["refresh"]}, format="json"), 401
    )
    # Other sessions of the same user carry on.
    assert other_session.get("/api/auth/me").status_code == 200


def test_logout_needs_authentication_and_the_users_own_refresh_token(api, user_api, other_api):
    error_of(
        api.post("/api/auth/logout", {"refresh": user_api.tokens["refresh"]}, format="json"), 401
    )
    error_of(
        other_api.post("/api/auth/logout", {"refresh": user_api.tokens["refresh"]}, format="json"),
        401,
    )
    # Neither attempt used the token up.
    assert (
        api.post(
            "/api/auth/refresh", {"refresh": user_api.tokens["refresh"]}, format="json"
        ).status_code
        == 200
    )


@full_mode_only
@pytest.mark.django_db(transaction=True)
def test_one_refresh_token_used_twice_at_once_rotates_only_once(user):
    from accounts.tokens import InvalidRefreshToken, rotate_refresh_token

    raw = bearer_client(user).tokens["refresh"]
    start = threading.Barrier(8)
    outcomes = []

    def use_it():
        start.wait()
        try:
            rotate_refresh_token(raw_refresh=raw)
            outcomes.append("rotated")
        except InvalidRefreshToken:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=use_it) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 7 + ["rotated"]

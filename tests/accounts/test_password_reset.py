"""Account recovery and password changes, as API.md's "Account recovery and e-mail" says: the
API pair, the storefront pages, and every other session ending with the old password."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail as django_mail

from accounts.models import User
from mail.models import Email
from tests.accounts.test_auth_api import error_of
from tests.conftest import bearer_client
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-fine-passphrase-9"
RESET_LINK = re.compile(r"https?://[^/\s]+/accounts/reset/(?P<uid>[\w-]+)/(?P<token>[\w-]+)/")


@pytest.fixture
def request_reset(api, django_capture_on_commit_callbacks):
    def request(email: str, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return api.post("/api/auth/password-reset", {"email": email}, format="json", **extra)

    return request


def reset_link(message) -> dict:
    found = RESET_LINK.search(message.body)
    assert found, message.body
    return found.groupdict()


def confirm(api, link: dict, password: str = NEW_PASSWORD):
    return api.post(
        "/api/auth/password-reset/confirm", {**link, "new_password": password}, format="json"
    )


# Asking for a link


def test_a_known_address_gets_a_link_in_text_and_html(user, request_reset):
    response = request_reset("ANN@example.com ")
    assert response.status_code == 202
    [message] = django_mail.outbox
    assert message.to == ["ann@example.com"]
    assert message.subject == "Reset your password"
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    link = reset_link(message)
    assert f"/accounts/reset/{link['uid']}/{link['token']}/" in html
    assert "within 60 minutes" in message.body
    assert Email.objects.get(event="password_reset").status == "sent"


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(user, request_reset):
    known = request_reset("ann@example.com")
    unknown = request_reset("nobody@example.com")
    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    assert [m.to for m in django_mail.outbox] == [["ann@example.com"]]
    assert not Email.objects.filter(to="nobody@example.com").exists()


def test_a_deactivated_account_gets_no_link(user, request_reset):
    user.is_active = False
    user.save()
    assert request_reset("ann@example.com").status_code == 202
    assert django_mail.outbox == []


@pytest.mark.parametrize("email", ["not-an-address", "", "ann@"])
def test_a_malformed_address_is_a_400_naming_email(api, email):
    response = api.post("/api/auth/password-reset", {"email": email}, format="json")
    error = error_of(response, 400)
    assert list(error["details"]) == ["email"]


def test_requests_are_limited_per_address_and_per_client(user, request_reset):
    for _ in range(5):
        assert request_reset("ann@example.com").status_code == 202
    refused = request_reset("ann@example.com")
    error_of(refused, 429, "too_many_requests")
    assert int(refused["Retry-After"]) > 0
    assert len(django_mail.outbox) == 5
    # Another address from the same client is refused too: the client's own limit is spent.
    error_of(request_reset("bob@example.com"), 429)
    # Another client may still ask for another address.
    assert request_reset("bob@example.com", REMOTE_ADDR="10.0.0.9").status_code == 202


# Using the link


def test_the_link_sets_a_new_password_once(api, user, request_reset):
    request_reset("ann@example.com")
    link = reset_link(django_mail.outbox[0])
    response = confirm(api, link)
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    signin = api.post(
        "/api/auth/signin", {"email": "ann@example.com", "password": NEW_PASSWORD}, format="json"
    )
    assert signin.status_code == 200
    # Used: the same link again is refused, and the password stays.
    error_of(confirm(api, link, "yet-another-passphrase-3"), 400, "invalid_token")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_new_password_is_mailed_about(
    api, user, request_reset, django_capture_on_commit_callbacks
):
    request_reset("ann@example.com")
    link = reset_link(django_mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        confirm(api, link)
    notice = django_mail.outbox[-1]
    assert notice.subject == "Your password was changed"
    assert "was reset" in notice.body and "signed out" in notice.body


def test_a_link_expires_after_an_hour(api, user, request_reset, monkeypatch, settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    request_reset("ann@example.com")
    link = reset_link(django_mail.outbox[0])
    an_hour_later = datetime.now() + timedelta(seconds=3601)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: an_hour_later)
    error_of(confirm(api, link), 400, "invalid_token")
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize(
    "link",
    [
        {"uid": "MQ", "token": "bad-token"},
        {"uid": "!!!", "token": "x"},
        {"uid": "OTk5OTk", "token": "cx0abc-0123456789abcdef0123456789abcdef"},
    ],
)
def test_a_bad_link_is_a_400_invalid_token(api, user, link):
    error_of(confirm(api, link), 400, "invalid_token")


def test_a_weak_new_password_is_a_400_naming_new_password(api, user, request_reset):
    request_reset("ann@example.com")
    link = reset_link(django_mail.outbox[0])
    error = error_of(confirm(api, link, "password"), 400, "validation_error")
    assert list(error["details"]) == ["new_password"]
    # The link still works for a good one.
    assert confirm(api, link).status_code == 200


def test_a_reset_ends_every_other_session(api, user, request_reset, client):
    phone = bearer_client(user)
    laptop = bearer_client(user)
    client.force_login(user)
    assert client.get("/account/").status_code == 200
    request_reset("ann@example.com")
    assert confirm(api, reset_link(django_mail.outbox[0])).status_code == 200

    # Access tokens signed for the old password are refused, and so are its refresh tokens.
    error_of(phone.get("/api/auth/me"), 401)
    refreshed = api.post("/api/auth/refresh", {"refresh": laptop.tokens["refresh"]}, format="json")
    error_of(refreshed, 401)
    # The storefront session signed in with the old password is signed out.
    assert client.get("/account/").status_code == 302
    # Signing in again works, and its tokens too.
    signin = api.post(
        "/api/auth/signin", {"email": "ann@example.com", "password": NEW_PASSWORD}, format="json"
    )
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {signin.json()['access']}")
    assert api.get("/api/auth/me").status_code == 200


# Changing the password while signed in


def test_changing_the_password_keeps_this_client_and_ends_the_others(
    api, user, django_capture_on_commit_callbacks
):
    this, other = bearer_client(user), bearer_client(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = this.post(
            "/api/auth/change-password",
            {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
            format="json",
        )
    assert response.status_code == 200, response.content
    fresh = response.json()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The new pair works; the old tokens (this client's too) are refused.
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {fresh['access']}")
    assert api.get("/api/auth/me").status_code == 200
    assert (
        api.post("/api/auth/refresh", {"refresh": fresh["refresh"]}, format="json").status_code
        == 200
    )
    error_of(other.get("/api/auth/me"), 401)
    for old in (this.tokens["refresh"], other.tokens["refresh"]):
        error_of(api.post("/api/auth/refresh", {"refresh": old}, format="json"), 401)
    assert [m.subject for m in django_mail.outbox] == ["Your password was changed"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"current_password": "not-it-at-all", "new_password": NEW_PASSWORD}, "current_password"),
        ({"current_password": DEFAULT_PASSWORD, "new_password": "12345678"}, "new_password"),
        ({"current_password": DEFAULT_PASSWORD, "new_password": "ann"}, "new_password"),
        ({"new_password": NEW_PASSWORD}, "current_password"),
    ],
)
def test_a_bad_change_is_a_400_naming_the_field_and_changes_nothing(user_api, user, body, field):
    error = error_of(user_api.post("/api/auth/change-password", body, format="json"), 400)
    assert field in error["details"]
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
    assert user_api.get("/api/auth/me").status_code == 200  # nothing was revoked


def test_guessing_the_current_password_is_limited_like_signing_in(user_api):
    wrong = {"current_password": "guess-guess-guess", "new_password": NEW_PASSWORD}
    for _ in range(5):
        error_of(user_api.post("/api/auth/change-password", wrong, format="json"), 400)
    error_of(user_api.post("/api/auth/change-password", wrong, format="json"), 429)


def test_changing_the_password_needs_a_signed_in_user(api):
    body = {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    error_of(api.post("/api/auth/change-password", body, format="json"), 401)


# Storefront pages


def test_forgot_password_pages(client, user, django_capture_on_commit_callbacks):
    signin = client.get("/accounts/signin/")
    assert b"Forgot your password?" in signin.content
    assert client.get("/accounts/password-reset/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/accounts/password-reset/", {"email": "ann@example.com"})
    assert sent["Location"] == "/accounts/password-reset/sent/"
    assert b"Check your inbox" in client.get(sent["Location"]).content
    link = RESET_LINK.search(django_mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    # The token leaves the address bar at once.
    opened = client.get(f"/{path}")
    assert opened.status_code == 302 and opened["Location"].endswith("/set-password/")
    form_page = client.get(opened["Location"])
    assert b"Choose a new password" in form_page.content
    mismatch = client.post(
        opened["Location"], {"new_password": NEW_PASSWORD, "new_password_again": "other"}
    )
    assert b"The two passwords differ." in mismatch.content
    weak = client.post(opened["Location"], {"new_password": "abc", "new_password_again": "abc"})
    assert b"This password is too short" in weak.content
    done = client.post(
        opened["Location"], {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
    )
    assert done["Location"] == "/accounts/reset/done/"
    page = client.get(done["Location"])
    assert b"Your new password is set" in page.content
    assert page.context["user"] == user  # signed in
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)

    # The link is spent.
    client.logout()
    again = client.get(client.get(f"/{path}")["Location"])
    assert again.status_code == 400 and b"This link doesn't work" in again.content


def test_forgot_password_page_names_a_malformed_address(client):
    response = client.post("/accounts/password-reset/", {"email": "nope"})
    assert response.status_code == 200
    assert b"Enter a valid email address." in response.content


def test_account_page_changes_the_password_and_stays_signed_in(client, user):
    other = bearer_client(user)
    client.force_login(user)
    page = client.get("/account/")
    assert b"Change your password" in page.content
    response = client.post(
        "/account/password/",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200  # this session carries on
    error_of(other.get("/api/auth/me"), 401)  # the API client signed in before doesn't
    bad = client.post(
        "/account/password/",
        {
            "current_password": "wrong-one-entirely",
            "new_password": "x-new-passphrase-77",
            "new_password_again": "x-new-passphrase-77",
        },
    )
    assert bad.status_code == 400
    assert b"This is not your current password." in bad.content


def test_asking_reads_nothing_in_the_request_whether_the_address_is_known_or_not(
    api, user, django_assert_num_queries
):
    # The lookup happens in a worker after the answer, so the answer can't tell (or take longer
    # for) an address with an account.
    for email in ("ann@example.com", "nobody@example.com"):
        with django_assert_num_queries(0):
            response = api.post("/api/auth/password-reset", {"email": email}, format="json")
        assert response.status_code == 202

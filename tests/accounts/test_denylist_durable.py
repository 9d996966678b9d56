"""Revoked access tokens stay revoked when the cache loses its denylists (Redis restarted empty)
or is away: the database keeps a copy, read in one query, and the cache is refilled once."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import AccessRefusal
from tests.conftest import bearer_client
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "core.cache.FailSoftRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def signed_out(user):
    """A client whose access token was revoked by signing out."""
    client = bearer_client(user)
    response = client.post("/api/auth/logout", {"refresh": client.tokens["refresh"]}, format="json")
    assert response.status_code == 204
    return client


def test_a_signed_out_token_stays_refused_after_the_cache_is_emptied(user):
    client = signed_out(user)
    cache.clear()  # Redis restarted: every denylist entry, and the mark, gone
    response = client.get("/api/users/profile")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_revoked"


def test_the_first_request_refills_the_cache_and_the_next_read_no_database(user, other_user):
    revoked = AccessToken(signed_out(user).tokens["access"])["jti"]
    working = bearer_client(other_user)
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        assert working.get("/api/cart").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert working.get("/api/cart").status_code == 200
    refusal_reads = [q for q in first if "accounts_accessrefusal" in q["sql"]]
    assert len(refusal_reads) == 2  # this token's refusals, then every refusal for the cache
    assert not [q for q in second if "accounts_accessrefusal" in q["sql"]]
    # The refilled cache refuses the signed-out token by itself.
    assert cache.get("jwt:refusals-loaded") is True
    assert cache.get(f"jwt:revoked-access:{revoked}") is True


def test_while_the_cache_is_away_every_refusal_is_read_from_the_database(
    user, other_user, settings
):
    client = signed_out(user)
    cut_off = bearer_client(other_user)
    other_user.is_active = False
    other_user.save()
    settings.CACHES = DEAD_REDIS
    from django.core.cache import caches

    caches._settings = caches.settings = DEAD_REDIS  # the cache handler reads the new setting
    try:
        del caches._connections.default
    except AttributeError:
        pass
    revoked = client.get("/api/users/profile")
    assert revoked.status_code == 401
    assert revoked.json()["error"]["code"] == "token_revoked"
    assert cut_off.get("/api/users/profile").status_code == 401


def test_a_new_password_refuses_old_tokens_without_the_cache(user, client):
    old = bearer_client(user)
    fresh = bearer_client(user)
    response = fresh.post(
        "/api/auth/change-password",
        {"current_password": DEFAULT_PASSWORD, "new_password": "a-new-Passw0rd-2026"},
        format="json",
    )
    assert response.status_code == 200, response.content
    cache.clear()
    assert old.get("/api/users/profile").status_code == 401
    user.refresh_from_db()  # signed for the new password
    renewed = bearer_client(user)
    assert renewed.get("/api/users/profile").status_code == 200


def test_a_reactivated_account_is_let_in_again_even_from_the_database(user):
    user.is_active = False
    user.save()
    assert AccessRefusal.objects.filter(kind="user", key=str(user.pk)).exists()
    user.is_active = True
    user.save()
    assert not AccessRefusal.objects.filter(kind="user", key=str(user.pk)).exists()
    cache.clear()
    assert bearer_client(user).get("/api/users/profile").status_code == 200


def test_expired_refusals_are_flushed_by_the_daily_job(user):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.tasks import flush_expired_tokens

    signed_out(user)
    AccessRefusal.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    flush_expired_tokens.delay()
    assert not AccessRefusal.objects.exists()

import os

import pytest
from django.conf import settings

FULL_MODE = bool(os.environ.get("REDIS_URL")) and settings.USING_POSTGRES

full_mode_only = pytest.mark.skipif(
    not FULL_MODE, reason="needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL"
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, cached pages), as a shop that is
    running: the denylists of access tokens (empty) known to be in it."""
    from django.core.cache import cache

    from accounts.authentication import mark_refusals_loaded

    cache.clear()
    mark_refusals_loaded()
    yield


@pytest.fixture(autouse=True)
def _tasks_run_here(request):
    """Celery tasks queued by the code under test (mail after an order, a reset link) run in the
    test, as in the embedded default, instead of waiting in Redis for a worker that full mode's
    suite doesn't start. Tests that start a real worker take ``tasks_go_to_a_worker``."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = "tasks_go_to_a_worker" not in request.fixturenames
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def tasks_go_to_a_worker():
    """Tasks sent with .delay() go through the broker to a worker the test starts."""


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory(username="ann", email="ann@example.com")


@pytest.fixture
def other_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="bob", email="bob@example.com")


@pytest.fixture
def staff_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="sam", email="sam@example.com", is_staff=True)


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


def bearer_client(user):
    """An API client signed in as ``user`` with a fresh JWT pair (kept on .tokens)."""
    from rest_framework.test import APIClient

    from accounts.tokens import issue_token_pair

    client = APIClient()
    client.tokens = issue_token_pair(user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {client.tokens['access']}")
    return client


@pytest.fixture
def user_api(user):
    return bearer_client(user)


@pytest.fixture
def other_api(other_user):
    return bearer_client(other_user)


@pytest.fixture
def redis_down(settings):
    """The cache pointed at a Redis that isn't there; the rate limits' per-process counts
    start empty, whatever earlier tests counted."""
    from core import ratelimit

    ratelimit._PROCESS_COUNTS.clear()
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

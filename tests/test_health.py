"""GET /health answers 200 when database, cache and channel layer answer; 200 "degraded" naming
the part when only the cache or channel layer is down; 503 without the database."""

import json

import pytest

from tests.helpers import run_django

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_health_is_ok_when_every_part_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "channel_layer": "ok",
    }
    assert client.get("/health/").status_code == 200


def test_health_refuses_writes(client):
    assert client.post("/health").status_code == 405


def test_health_names_the_cache_when_it_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "down",
        "channel_layer": "ok",
    }


def test_health_names_the_channel_layer_when_it_is_down(client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": DEAD_REDIS, "socket_connect_timeout": 1}]},
        }
    }
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["channel_layer"] == "down"
    assert body["database"] == body["cache"] == "ok"


def test_health_names_the_database_when_it_is_down():
    # A real server process whose PostgreSQL is unreachable (nothing listens on port 1).
    result = run_django(
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/health');"
        "print(json.dumps({'status_code': r.status_code, 'body': r.json()}))",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/shop",
        REDIS_URL=None,
        SECRET_KEY="health-test-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="CRITICAL",
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status_code"] == 503
    assert outcome["body"] == {
        "status": "unavailable",
        "database": "down",
        "cache": "ok",
        "channel_layer": "ok",
    }

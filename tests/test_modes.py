"""The embedded default needs nothing installed; full mode shares state through Redis."""

import pytest
from asgiref.sync import async_to_sync
from channels_redis.core import RedisChannelLayer
from django.conf import settings

from tests.conftest import full_mode_only
from tests.helpers import run_django

pytestmark = pytest.mark.django_db


def test_embedded_default_uses_sqlite_memory_layers_and_eager_tasks():
    result = run_django(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'],"
        " s.CHANNEL_LAYERS['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER)",
        DATABASE_URL=None,
        REDIS_URL=None,
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "channels.layers.InMemoryChannelLayer",
        "True",
    ]


@full_mode_only
def test_full_mode_runs_on_postgres_and_redis():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CACHES["default"]["BACKEND"] == "core.cache.FailSoftRedisCache"
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


@full_mode_only
def test_a_group_message_reaches_a_member_on_another_layer_instance():
    # Two layer instances stand for two server processes sharing one Redis.
    config = settings.CHANNEL_LAYERS["default"]["CONFIG"]

    async def exchange():
        sender, receiver = RedisChannelLayer(**config), RedisChannelLayer(**config)
        channel = await receiver.new_channel()
        await receiver.group_add("mode-test", channel)
        await sender.group_send("mode-test", {"type": "stock.changed", "sku": "SKU-1"})
        message = await receiver.receive(channel)
        await receiver.group_discard("mode-test", channel)
        return message

    assert async_to_sync(exchange)() == {"type": "stock.changed", "sku": "SKU-1"}

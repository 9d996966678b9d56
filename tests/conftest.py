import os

import pytest
from django.conf import settings

FULL_MODE = bool(os.environ.get("REDIS_URL")) and settings.USING_POSTGRES

full_mode_only = pytest.mark.skipif(
    not FULL_MODE, reason="needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL"
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, cached pages)."""
    from django.core.cache import cache

    cache.clear()
    yield

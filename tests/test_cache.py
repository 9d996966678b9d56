"""core.cache's writes of many keys: add_many (the versions of cached answers and cards start
with it), set_many and incr_existing (versions bumped), in one command each on Redis. The same behaviour on the local-memory
cache of the embedded default."""

import pytest
from django.core.cache import cache, caches

from core import ratelimit
from core.cache import CacheUnavailable, FailSoftRedisCache, add_many, incr_existing
from tests.conftest import full_mode_only


def test_add_many_keeps_what_a_key_holds_and_answers_what_each_holds():
    cache.set("version:a", 7, timeout=None)
    held = add_many(cache, {"version:a": 100, "version:b": 100, "version:c": "text"})
    assert held == {"version:a": 7, "version:b": 100, "version:c": "text"}
    assert cache.get_many(["version:a", "version:b", "version:c"]) == held


def test_set_many_stores_every_value():
    cache.set_many({"card:1": (("v", 1), b'{"id":1}'), "card:2": 2}, timeout=60)
    assert cache.get_many(["card:1", "card:2"]) == {"card:1": (("v", 1), b'{"id":1}'), "card:2": 2}


def test_incr_existing_raises_the_counters_that_are_set_and_leaves_the_others_unset():
    cache.set_many({"version:a": 7, "version:b": 1}, timeout=None)
    incr_existing(cache, ["version:a", "version:b", "version:never-set"])
    incr_existing(cache, ["version:a"])
    assert cache.get_many(["version:a", "version:b", "version:never-set"]) == {
        "version:a": 9,
        "version:b": 2,
    }


def test_with_redis_down_incr_existing_says_so(redis_down):
    with pytest.raises(CacheUnavailable):
        incr_existing(caches["default"], ["version:a"])


@full_mode_only
def test_on_redis_each_key_gets_the_expiry_asked_for():
    redis_cache = caches["default"]
    assert isinstance(redis_cache, FailSoftRedisCache)
    client = redis_cache._cache.get_client(write=True)
    add_many(cache, {"forever": 1}, timeout=None)
    add_many(cache, {"for-a-while": 1}, timeout=120)
    cache.set_many({"card:1": 1, "card:2": b"x" * 2000}, timeout=300)
    ttl = {key: client.ttl(cache.make_key(key)) for key in ("forever", "for-a-while", "card:1")}
    assert ttl["forever"] == -1 and 100 < ttl["for-a-while"] <= 120 and 280 < ttl["card:1"] <= 300
    assert cache.get("card:2") == b"x" * 2000


def test_with_redis_down_add_many_reads_nothing_and_set_many_drops_the_writes(redis_down):
    down = caches["default"]
    assert add_many(down, {"version:a": 1}) == {}
    assert down.set_many({"card:1": 1}) == ["card:1"]


@full_mode_only
def test_on_redis_a_window_counter_counts_each_hit_and_opens_its_window_at_the_first():
    redis_cache = caches["default"]
    assert [redis_cache.count_in_window("hits", 60)[0] for _ in range(3)] == [1, 2, 3]
    client = redis_cache._cache.get_client(write=True)
    assert 55 < client.ttl(cache.make_key("hits")) <= 60
    assert 55 < redis_cache.count_in_window("hits", 60)[1] <= 60


def test_rate_limits_still_refuse_while_redis_is_down(redis_down):
    rate = ratelimit.RateLimit("test-down", limit=2, window_seconds=60)
    verdicts = [ratelimit.hit(rate, "ann") for _ in range(3)]
    assert [verdict.allowed for verdict in verdicts] == [True, True, False]
    assert 0 < verdicts[-1].retry_after <= 60

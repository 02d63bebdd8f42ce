import time

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from core import cache as cache_module
from core.cache import ResilientRedisCache
from tests.integration.redis_server import needs_redis_server, own_redis

DEAD_REDIS = {
    "default": {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@override_settings(CACHES=DEAD_REDIS)
def test_an_unreachable_redis_cache_misses_instead_of_failing():
    cache = caches["default"]
    assert cache.get("key", "fallback") == "fallback"
    assert cache.add("key", 1) is False
    cache.set("key", 1)
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        cache.incr("key")


@pytest.mark.django_db
@override_settings(CACHES=DEAD_REDIS, RATELIMIT_FAIL_OPEN=True, HEALTH_TOKEN="monitoring-token")
def test_health_answers_while_the_cache_is_down(client):
    response = client.get("/sante/", headers={"Authorization": "Bearer monitoring-token"})
    assert response.status_code == 200
    assert response.json()["beat"]["status"] == "unknown"


def test_the_redis_cache_reuses_its_client_between_operations(settings):
    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    assert cache.get("missing", "fallback") == "fallback"


@needs_redis_server
def test_after_a_timeout_the_cache_leaves_redis_alone_for_a_few_seconds(monkeypatch):
    """A Redis that hangs must cost a page one timeout, not one per cache call: after a failed call the
    process answers as if Redis were down, without calling it, for ``FAILURE_PAUSE`` seconds."""
    monkeypatch.setattr(cache_module, "FAILURE_PAUSE", 3.0, raising=False)
    with own_redis() as (_process, url):
        cache = ResilientRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}})
        cache.set("key", 1)
        direct = redis.Redis.from_url(url)
        direct.client_pause(1000)  # the server holds every client's command for one second: a hang

        assert cache.get("key", "miss") == "miss"
        direct.ping()  # answered once the server's pause is over: Redis answers again

        assert cache.get("key", "miss") == "miss"  # but this process leaves it alone for now
        assert cache.add("other", 1) is False
        with pytest.raises(ValueError):
            cache.incr("key")
        time.sleep(3.0)
        assert cache.get("key", "miss") == 1
        assert cache.incr("key") == 2

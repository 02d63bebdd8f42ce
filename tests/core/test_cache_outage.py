import pytest
from django.core.cache import caches
from django.test import override_settings

DEAD_REDIS = {
    "default": {
        "BACKEND": "ess_portal.cache.ResilientRedisCache",
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
@override_settings(CACHES=DEAD_REDIS, RATELIMIT_FAIL_OPEN=True)
def test_health_answers_while_the_cache_is_down(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json()["beat"]["status"] == "unknown"


def test_the_redis_cache_reuses_its_client_between_operations(settings):
    from ess_portal.cache import ResilientRedisCache

    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    assert cache.get("missing", "fallback") == "fallback"

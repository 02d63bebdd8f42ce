"""A Redis cache that degrades to "no cache" when Redis is unreachable or hangs.

The public site, the GeoJSON caches and the rate limits all use the cache; an outage of Redis must not
turn pages into errors, nor make them wait. Reads then miss, writes are dropped, and ``incr`` raises
``ValueError`` so that django-ratelimit applies ``RATELIMIT_FAIL_OPEN`` (see README, "Abuse protection").

Every call gives up after ``REDIS_TIMEOUT`` (the connect and read timeouts of the settings). A page makes
several cache calls, so after a failed call the process leaves that Redis alone for ``FAILURE_PAUSE``
seconds, answering as if it were down: a Redis that hangs costs each process one timeout every few
seconds, not one per call. Writes made during that pause are lost, as during an outage.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from . import local_caches

logger = logging.getLogger(__name__)

#: Seconds during which a process answers without calling a Redis whose last call failed.
FAILURE_PAUSE = 5.0
#: Per cache location: the monotonic time until which it is left alone (shared by the process's threads).
_paused_until: dict[str, float] = {}
local_caches.register(_paused_until.clear)


def _tolerant(fallback=None, *, raise_value_error=False):
    """Wrap a cache method: on a Redis error, or while the pause lasts, answer ``fallback``."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            return self._call(method.__name__, fallback, raise_value_error, method, self, *args, **kwargs)

        return wrapper

    return decorator


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client wrapper, keeping one ``redis.Redis`` object per connection pool.

    The stock wrapper builds a new client object on every cache operation (about 140 µs of CPU each,
    measured by ``make bench``); the client is thread-safe and its pool does the connection handling.
    """

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, with every operation tolerant of connection errors and timeouts."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._location = ",".join(self._servers)

    def _call(self, name, fallback, raise_value_error, method, *args, **kwargs):
        if _paused_until.get(self._location, 0.0) > time.monotonic():
            exc = None
        else:
            try:
                return method(*args, **kwargs)
            except RedisError as error:
                exc = error
                _paused_until[self._location] = time.monotonic() + FAILURE_PAUSE
                logger.warning("cache unavailable (%s.%s): %s", type(self).__name__, name, exc)
        if raise_value_error:
            raise ValueError("cache unavailable") from exc
        return fallback() if callable(fallback) else fallback

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, False, super().get, key, default, version)

    get_many = _tolerant(dict)(RedisCache.get_many)
    has_key = _tolerant(False)(RedisCache.has_key)
    add = _tolerant(False)(RedisCache.add)
    set = _tolerant()(RedisCache.set)
    set_many = _tolerant(list)(RedisCache.set_many)
    touch = _tolerant(False)(RedisCache.touch)
    delete = _tolerant(False)(RedisCache.delete)
    delete_many = _tolerant()(RedisCache.delete_many)
    clear = _tolerant(False)(RedisCache.clear)
    incr = _tolerant(raise_value_error=True)(RedisCache.incr)
    decr = _tolerant(raise_value_error=True)(RedisCache.decr)

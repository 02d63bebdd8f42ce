"""Settings of the benchmark: the production profile, plus a trivial view to compare against.

Run by ``bench/run.sh`` with ``DEBUG=False``; the database comes from ``DATABASE_URL`` like everywhere.
"""

from ess_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# No collectstatic for a benchmark: serve pages without the manifest of hashed static names.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
SECURE_SSL_REDIRECT = False
LOGGING = {"version": 1, "disable_existing_loggers": False}

# The page cache and the map data's ETags are shared by the gunicorn workers, as with Redis in production
# (a cache in each worker's memory gives each worker its own data version, hence its own ETags). Celery
# stays eager (REDIS_URL unset): emails go straight to the benchmark's SMTP sink.
BENCH_CACHE_URL = env.str("BENCH_CACHE_URL", default="")  # noqa: F405
if BENCH_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": BENCH_CACHE_URL,
            "KEY_PREFIX": "ess-bench",
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},  # noqa: F405
        }
    }

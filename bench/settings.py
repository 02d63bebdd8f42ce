"""Settings of the benchmark: the production profile, plus a trivial view to compare against.

Run by ``bench/run.sh`` with ``DEBUG=False``; the database comes from ``DATABASE_URL`` like everywhere.
"""

from ess_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# No collectstatic for a benchmark: serve pages without the manifest of hashed static names.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
SECURE_SSL_REDIRECT = False
LOGGING = {"version": 1, "disable_existing_loggers": False}

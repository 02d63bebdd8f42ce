"""Shared fixtures. Services are detected, never mocked: tests that need PostgreSQL, a Celery worker on
Redis or Chromium say why they are skipped when the service is absent (``make test`` on a bare machine)."""

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

from tests import factories

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    reasons = {}
    if not settings.REDIS_URL:
        reasons["integration"] = "needs a Celery worker on Redis: set REDIS_URL (.ci/run does)"
    if not shutil.which(CHROMIUM):
        reasons["e2e"] = f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        reasons["postgres"] = "needs PostgreSQL row locks: set DATABASE_URL=postgres://… (.ci/run does)"
    for item in items:
        for marker, reason in reasons.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's language: a request served in English leaves English active in
    the thread, which would otherwise leak into the next test's messages."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from ess_portal.cache import _paused_until
    from ess_portal.public_cache import _local

    _paused_until.clear()
    cache.clear()
    _local.clear()
    yield


@pytest.fixture
def pole(db):
    return factories.PoleFactory()


@pytest.fixture
def other_pole(db):
    return factories.PoleFactory()


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"

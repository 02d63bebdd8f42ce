"""Shared fixtures. Services are detected, never mocked: tests that need PostgreSQL, a Celery worker on
Redis or Chromium say why they are skipped when the service is absent (``make test`` on a bare machine)."""

import os
import shutil
from functools import partial
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection

from poles.models import Epci
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


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``client.force_login(user)`` stands for a complete login, second factor included: an account that
    must use one gets a confirmed TOTP device and a session verified by it, as the code step leaves it.
    The login itself, with its two steps, is tested through the real pages (tests/accounts)."""
    from django.test.client import ClientMixin
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.policy import otp_required

    original = ClientMixin._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        if otp_required(user):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or factories.totp_device(
                user
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(ClientMixin, "_login", _login)


@pytest.fixture
def places(db):
    """Real communes (their INSEE codes have outlines in the contours file): three neighbours of the
    CA Redon Agglomération, and Allineuc (Côtes-d'Armor), which no pole's territory includes."""
    agglo = factories.EpciFactory(siren="243500741", name="CA Redon Agglomération", kind=Epci.Kind.CA)
    elsewhere = factories.EpciFactory(siren="200067460", name="Loudéac Communauté Bretagne Centre")

    def commune(code, name, lat, lon, epci, postal):
        return factories.CommuneFactory(
            insee_code=code,
            name=name,
            department_code=code[:2],
            postal_codes=postal,
            latitude=lat,
            longitude=lon,
            epci=epci,
        )

    return SimpleNamespace(
        agglo=agglo,
        redon=commune("35236", "Redon", 47.65165, -2.08421, agglo, "35600"),
        bains=commune("35013", "Bains-sur-Oust", 47.70335, -2.07199, agglo, "35600"),
        sainte_marie=commune("35294", "Sainte-Marie", 47.69401, -2.00082, agglo, "35600"),
        allineuc=commune("22001", "Allineuc", 48.31159, -2.87279, elsewhere, "22460"),
    )


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit(): …`` runs what the block registered with ``transaction.on_commit`` on leaving it,
    as its commit would (a test's own writes never commit: the test runs in one transaction). The public
    data version, for one, is renewed only then."""
    return partial(django_capture_on_commit_callbacks, execute=True)


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

"""Shared fixtures. Services are detected, never mocked: tests that need PostgreSQL, a Celery worker on
Redis or Chromium say why they are skipped when the service is absent (``make test`` on a bare machine)."""

import os
import shutil
from dataclasses import dataclass
from functools import partial
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection

from actors.models import Actor, LegalForm
from ess_portal.management.commands.setup_roles import roles_setup
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
    """A fresh shared cache and a fresh memory in this process (every registered per-process cache)."""
    from django.core.cache import cache

    from core.local_caches import clear_process_caches

    clear_process_caches()
    cache.clear()
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


# A small directory: two poles, three sectors, organisations in three departments, one unpublished.


@dataclass
class Directory:
    redon: object
    brest: object
    ecoconstruction: object
    culture: object
    insertion: object
    rennes: object
    brest_commune: object
    redon_commune: object
    unlocated_commune: object
    scop_redon: Actor
    asso_brest: Actor
    mutual_rennes: Actor
    asso_unlocated: Actor
    hidden: Actor


@pytest.fixture
def directory(db) -> Directory:
    redon = factories.PoleFactory(name="CADES", slug="cades", territory_name="pays de Redon")
    brest = factories.PoleFactory(
        name="ADESS Pays de Brest", slug="adess-pays-de-brest", territory_name="pays de Brest"
    )
    eco = factories.SectorFactory(name="Éco-construction", slug="eco-construction")
    culture = factories.SectorFactory(name="Culture", slug="culture")
    insertion = factories.SectorFactory(name="Insertion", slug="insertion")
    rennes = factories.CommuneFactory(
        insee_code="35238", name="Rennes", department_code="35", latitude=48.11, longitude=-1.68
    )
    brest_commune = factories.CommuneFactory(
        insee_code="29019", name="Brest", department_code="29", latitude=48.39, longitude=-4.49
    )
    redon_commune = factories.CommuneFactory(
        insee_code="35236", name="Redon", department_code="35", latitude=47.65, longitude=-2.08
    )
    unlocated = factories.CommuneFactory(
        insee_code="22006", name="Berhet", department_code="22", latitude=None, longitude=None
    )
    scop_redon = factories.ActorFactory(
        name="Les Charpentiers du Pays de Redon",
        legal_form=LegalForm.SCOP,
        pole=redon,
        commune=redon_commune,
        description="Éco-construction en bois local.",
        latitude=47.66,
        longitude=-2.09,
        sectors=[eco],
    )
    asso_brest = factories.ActorFactory(
        name="Théâtre du Ponant",
        legal_form=LegalForm.ASSOCIATION,
        pole=brest,
        commune=brest_commune,
        description="Compagnie de théâtre.",
        sectors=[culture],
    )
    mutual_rennes = factories.ActorFactory(
        name="Mutuelle Solidaire d'Ille",
        acronym="MSI",
        legal_form=LegalForm.MUTUAL,
        pole=None,
        commune=rennes,
        description="Eco construction et habitat : prêts aux ménages.",
        sectors=[eco, insertion],
    )
    asso_unlocated = factories.ActorFactory(
        name="Ressourcerie du Trégor",
        legal_form=LegalForm.ASSOCIATION,
        pole=brest,
        commune=unlocated,
        sectors=[insertion],
    )
    hidden = factories.ActorFactory(
        name="Coopérative Cachée",
        legal_form=LegalForm.SCIC,
        pole=redon,
        commune=redon_commune,
        is_published=False,
        description="ecoconstruction",
        sectors=[eco],
    )
    return Directory(
        redon,
        brest,
        eco,
        culture,
        insertion,
        rennes,
        brest_commune,
        redon_commune,
        unlocated,
        scop_redon,
        asso_brest,
        mutual_rennes,
        asso_unlocated,
        hidden,
    )


# The back-office: the real roles (setup_roles), two poles, a coordinator of the first.


@pytest.fixture
def roles(db):
    roles_setup()


@pytest.fixture
def pole_a(db):
    return factories.PoleFactory(name="Pôle Alpha", acronym="ALPHA")


@pytest.fixture
def pole_b(db):
    return factories.PoleFactory(name="Pôle Bravo", acronym="BRAVO")


@pytest.fixture
def coordinator(roles, pole_a):
    return factories.make_coordinator(pole_a, username="coord-a")


@pytest.fixture
def regional(roles):
    return factories.make_regional(username="region")


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def regional_client(client, regional):
    client.force_login(regional)
    return client


@pytest.fixture
def eager_celery():
    """Published tasks run in-process at once, as with no REDIS_URL (``make run``). CI sets REDIS_URL,
    which would otherwise queue them for a worker that tests without ``running_worker()`` do not start."""
    from ess_portal.celery import app as celery_app

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous

"""Personal data: the privacy page, export and erasure of one address, the periodic anonymisation."""

import json
from datetime import timedelta
from http import HTTPStatus
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from actors.models import Actor, ErrorReport
from core.models import AuditEvent
from events.models import EmailRecord, Event, Registration
from events.services import personal_data
from events.tasks import purge_personal_data
from tests import factories

pytestmark = pytest.mark.django_db


def past_event(days_ago):
    start = timezone.now() - timedelta(days=days_ago)
    return factories.EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))


def test_the_privacy_page_states_controller_purpose_basis_retention_and_rights(client, settings):
    settings.REGISTRATION_RETENTION_DAYS = 365

    response = client.get("/confidentialite/")

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    for text in ("Responsable du traitement", "Base légale", "12 mois après l’événement", "Vos droits"):
        assert text in content


def test_the_purge_anonymises_only_what_is_past_retention(settings):
    settings.REGISTRATION_RETENTION_DAYS = 365
    old = factories.RegistrationFactory(
        event=past_event(400), status=Registration.Status.CONFIRMED, attended=True
    )
    EmailRecord.objects.create(registration=old, kind=EmailRecord.Kind.CONFIRMED)
    recent = factories.RegistrationFactory(event=past_event(300))
    upcoming = factories.RegistrationFactory()

    assert purge_personal_data.apply().get()["registrations"] == 1

    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert (old.full_name, old.email, old.organisation_name) == ("", "", "")
    assert old.status == Registration.Status.CONFIRMED and old.attended is True  # counts survive
    assert not EmailRecord.objects.filter(registration=old).exists()
    for kept in (recent, upcoming):
        kept.refresh_from_db()
        assert kept.anonymised_at is None and kept.email


def test_the_purge_runs_again_without_harm(settings):
    settings.REGISTRATION_RETENTION_DAYS = 30
    factories.RegistrationFactory.create_batch(2, event=past_event(40), status=Registration.Status.CONFIRMED)

    assert personal_data.personal_data_purge()["registrations"] == 2
    assert set(personal_data.personal_data_purge().values()) == {0}


def test_the_export_command_prints_everything_about_one_address():
    registration = factories.RegistrationFactory(email="Anne@Example.org", full_name="Anne Le Goff")
    factories.RegistrationFactory(email="other@example.org")
    out = StringIO()

    call_command("export_personal_data", "anne@example.org", stdout=out)

    data = json.loads(out.getvalue())
    assert [r["full_name"] for r in data["registrations"]] == ["Anne Le Goff"]
    assert data["registrations"][0]["event"]["title"] == registration.event.title


def test_erasing_an_address_frees_its_seat_and_anonymises_its_rows(committed):
    event = factories.EventFactory(capacity=1)
    mine = factories.RegistrationFactory(
        event=event, email="anne@example.org", status=Registration.Status.CONFIRMED
    )
    old = factories.RegistrationFactory(event=past_event(10), email="anne@example.org")
    waiting = factories.RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)

    committed(call_command, "erase_personal_data", "anne@example.org", "--yes", stdout=StringIO())

    for row in (mine, old):
        row.refresh_from_db()
        assert row.anonymised_at is not None and row.email == "" and row.full_name == ""
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert personal_data.personal_data_export(email="anne@example.org")["registrations"] == []


def test_erasing_needs_an_explicit_confirmation():
    factories.RegistrationFactory(email="anne@example.org")

    with pytest.raises(CommandError):
        call_command("erase_personal_data", "anne@example.org")
    assert Registration.objects.get().anonymised_at is None


def test_an_anonymised_registration_page_is_gone(client):
    registration = factories.RegistrationFactory(event=past_event(500))
    personal_data.personal_data_purge()

    assert client.get(registration.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


# --------------------------------------------------------------------------------------------------
# One person, everywhere the portal keeps their data

NAME = "Zoé Kerhervé"
EMAIL = "zoe.kerherve@example.org"
#: The places a person's data is kept (events.services.personal_data.PLACES), as the export names them.
PLACE_KEYS = [
    "registrations",
    "outbox",
    "admin_history",
    "proposals",
    "error_reports",
    "login_records",
    "audit_log",
]


def rows_mentioning(*needles: str) -> list[str]:
    """Every row of every table whose text holds one of ``needles`` (also JSON-escaped), as
    ``"table.column"`` strings: what a search of the whole database would find."""
    forms = {form for needle in needles for form in (needle, json.dumps(needle)[1:-1])}
    hits = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            query = Q()
            for form in forms:
                query |= Q(**{f"{field.name}__icontains": form})
            if model._default_manager.filter(query).exists():
                hits.append(f"{model._meta.db_table}.{field.column}")
    return hits


@pytest.fixture
def person_everywhere(client, committed, settings):
    """Zoé registers for an event (and confirms), a coordinator edits her registration in the admin,
    she proposes an organisation, reports an error on another's page, and someone tries her address as
    a back-office user name."""
    settings.AXES_ENABLED = True
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    settings.RATELIMIT_ENABLE = False
    commune = factories.CommuneFactory(name="Redon", postal_codes="35600")
    event = factories.EventFactory(capacity=10)
    register = reverse("events:register", kwargs={"slug": event.slug})
    data = {"full_name": NAME, "email": EMAIL, "organisation_name": "Collectif Éco", "consent": "on"}
    committed(client.post, register, data)
    registration = Registration.objects.get(email=EMAIL)
    committed(client.post, registration.get_absolute_url(), {"action": "confirm"})
    committed(
        client.post,
        "/acteurs/proposer/",
        {
            "name": "La Fabrique Solidaire",
            "legal_form": "association",
            "postal_code": "35600",
            "commune_name": commune.name,
            "description": "Un atelier de réparation de vélos.",
            "proposer_name": NAME,
            "proposer_email": EMAIL,
        },
    )
    reported = factories.ActorFactory(name="Le Café des Possibles", commune=commune)
    committed(
        client.post,
        reverse("actors:report_error", kwargs={"slug": reported.slug}),
        {"message": f"Le téléphone a changé. {NAME}", "email": EMAIL},
    )
    client.post("/admin/login/", {"username": EMAIL, "password": "pas le bon"})
    AccessLog.objects.create(
        username=EMAIL, ip_address="192.0.2.8", user_agent="Firefox", path_info="/admin/"
    )
    staff = factories.UserFactory(username="regional", is_superuser=True)
    client.force_login(staff)
    change = reverse("admin:events_registration_change", args=[registration.pk])
    response = client.post(
        change,
        {"full_name": NAME, "organisation": "", "organisation_name": "Collectif Écolo", "attended": "true"},
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    client.logout()
    assert set(rows_mentioning(NAME, EMAIL)) >= {
        "events_registration.full_name",
        "events_registration.email",
        "django_admin_log.object_repr",
        "actors_actor.proposer_name",
        "actors_actor.proposer_email",
        "actors_errorreport.message",
        "actors_errorreport.email",
        "axes_accessattempt.username",
        "axes_accessfailurelog.username",
        "axes_accesslog.username",
    }
    return {"event": event, "registration": registration}


def test_the_export_holds_every_place_the_person_is_kept(person_everywhere):
    from events.services.personal_data import PLACES

    out = StringIO()
    call_command("export_personal_data", EMAIL, stdout=out)

    data = json.loads(out.getvalue())
    assert [place.key for place in PLACES] == PLACE_KEYS
    assert {key: bool(data.get(key)) for key in PLACE_KEYS} == dict.fromkeys(PLACE_KEYS, True)
    assert data["registrations"][0]["full_name"] == NAME
    assert {row["kind"] for row in data["outbox"]} >= {"confirmation_request", "confirmed"}
    assert NAME in data["admin_history"][0]["object"]
    assert data["proposals"][0]["proposer_name"] == NAME
    assert data["error_reports"][0]["organisation"] == "Le Café des Possibles"
    assert {row["username"] for row in data["login_records"]} == {EMAIL}


def test_erasure_leaves_the_name_and_address_nowhere(person_everywhere, committed):
    committed(call_command, "erase_personal_data", EMAIL.upper(), "--yes", stdout=StringIO())

    assert rows_mentioning(NAME, EMAIL) == []
    registration = Registration.objects.get()
    assert registration.anonymised_at is not None and registration.status == Registration.Status.CANCELLED
    assert Actor.objects.filter(name="La Fabrique Solidaire").exists()  # the organisation stays
    assert ErrorReport.objects.get().email == ""  # the report stays, without its author
    assert LogEntry.objects.count() == 1  # the history keeps who changed a registration, and when


def test_the_retention_purge_leaves_the_name_and_address_nowhere(person_everywhere, settings):
    settings.REGISTRATION_RETENTION_DAYS = 365
    long_ago = timezone.now() - timedelta(days=400)
    Event.objects.update(starts_at=long_ago, ends_at=long_ago + timedelta(hours=2))
    Actor.objects.update(created_at=long_ago)
    ErrorReport.objects.update(created_at=long_ago)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.update(attempt_time=long_ago)
    AuditEvent.objects.update(at=long_ago)

    purge_personal_data.apply()

    assert rows_mentioning(NAME, EMAIL) == []
    assert Registration.objects.get().status == Registration.Status.CONFIRMED  # the count survives


def test_the_purge_keeps_what_is_within_retention(person_everywhere, settings):
    settings.REGISTRATION_RETENTION_DAYS = 365

    purge_personal_data.apply()

    assert set(rows_mentioning(NAME, EMAIL)) >= {
        "events_registration.full_name",
        "django_admin_log.object_repr",
        "actors_actor.proposer_email",
        "axes_accesslog.username",
    }


def test_the_privacy_page_lists_every_place_from_the_same_definition(client, settings):
    from events.services.personal_data import PLACES

    content = client.get("/confidentialite/").content.decode()

    for place in PLACES:
        for text in (place.label, place.holds, place.basis, place.kept()):
            assert escape(str(text)) in content
    assert "Propositions d’organisations" in content


def test_the_purge_removes_the_name_of_a_registration_deleted_long_ago_from_the_history(client, settings):
    settings.REGISTRATION_RETENTION_DAYS = 365
    registration = factories.RegistrationFactory(full_name=NAME, email=EMAIL)
    client.force_login(factories.UserFactory(username="regional", is_superuser=True))
    delete = reverse("admin:events_registration_delete", args=[registration.pk])
    assert client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert LogEntry.objects.get().object_repr.startswith(NAME)

    assert personal_data.personal_data_purge()["admin_history"] == 0  # recent: kept
    LogEntry.objects.update(action_time=timezone.now() - timedelta(days=400))
    assert personal_data.personal_data_purge()["admin_history"] == 1

    assert rows_mentioning(NAME, EMAIL) == []
    assert personal_data.personal_data_purge()["admin_history"] == 0

"""Personal data: the privacy page, export and erasure of one address, the periodic anonymisation."""

import json
from datetime import timedelta
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from events import services
from events.models import EmailRecord, Registration
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

    assert purge_personal_data.apply().get() == 1

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

    assert services.registrations_anonymise_expired() == 2
    assert services.registrations_anonymise_expired() == 0


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
    assert services.personal_data_export(email="anne@example.org")["registrations"] == []


def test_erasing_needs_an_explicit_confirmation():
    factories.RegistrationFactory(email="anne@example.org")

    with pytest.raises(CommandError):
        call_command("erase_personal_data", "anne@example.org")
    assert Registration.objects.get().anonymised_at is None


def test_an_anonymised_registration_page_is_gone(client):
    registration = factories.RegistrationFactory(event=past_event(500))
    services.registrations_anonymise_expired()

    assert client.get(registration.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND

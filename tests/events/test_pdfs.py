"""The attendance sheet and the certificates of attendance, read back with pdftotext."""

import subprocess
from datetime import datetime, timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]
Status = Registration.Status
PARIS = ZoneInfo("Europe/Paris")


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def pdf_page_size(content: bytes) -> str:
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return next(line for line in info.splitlines() if line.startswith("Page size"))


@pytest.fixture
def meeting(pole):
    commune = factories.CommuneFactory(name="Redon")
    return factories.EventFactory(
        pole=pole,
        title="Rencontre de l'habitat partagé",
        starts_at=datetime(2026, 3, 12, 14, 0, tzinfo=PARIS),
        ends_at=datetime(2026, 3, 12, 17, 30, tzinfo=PARIS),
        venue="Maison des associations",
        commune=commune,
    )


def test_the_attendance_sheet_is_an_a4_page_with_the_pole_event_and_each_confirmed_registrant(
    coordinator_client, meeting, pole
):
    actor = factories.ActorFactory(pole=pole, name="Coopérative du Marais")
    factories.RegistrationFactory(
        event=meeting, full_name="Maëlle Riou", status=Status.CONFIRMED, organisation=actor
    )
    factories.RegistrationFactory(event=meeting, full_name="Yves Attente", status=Status.WAITLISTED)

    response = coordinator_client.get(reverse("admin:events_event_attendance_sheet", args=[meeting.pk]))

    assert response.status_code == HTTPStatus.OK and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Feuille d’émargement" in text or "Feuille d'émargement" in text
    assert pole.name in text and "Rencontre de l'habitat partagé" in text
    assert "jeudi 12 mars 2026" in text and "14:00" in text and "17:30" in text
    assert "Maison des associations" in text and "Redon" in text
    assert "Maëlle Riou" in text and "Coopérative du Marais" in text
    assert "Yves Attente" not in text
    assert "Signature" in text
    assert "(A4)" in pdf_page_size(response.content)


def test_a_certificate_in_french_for_someone_marked_present(coordinator_client, meeting, pole):
    person = factories.RegistrationFactory(
        event=meeting,
        full_name="Maëlle Riou",
        status=Status.CONFIRMED,
        attended=True,
        organisation_name="SCIC Terre",
    )

    response = coordinator_client.get(reverse("admin:events_registration_certificate", args=[person.pk]))

    assert response.status_code == HTTPStatus.OK
    text = " ".join(pdf_text(response.content).split())
    assert "Attestation de présence" in text
    assert f"{pole.name} atteste que Maëlle Riou (SCIC Terre)" in text
    assert "a participé à" in text and "jeudi 12 mars 2026, de 14:00 à 17:30" in text


def test_no_certificate_for_someone_not_marked_present(coordinator_client, meeting):
    person = factories.RegistrationFactory(event=meeting, status=Status.CONFIRMED, attended=False)

    response = coordinator_client.get(reverse("admin:events_registration_certificate", args=[person.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_coordinator_cannot_get_another_poles_sheet_or_certificate(coordinator_client):
    other = factories.EventFactory()
    person = factories.RegistrationFactory(event=other, status=Status.CONFIRMED, attended=True)

    assert (
        coordinator_client.get(reverse("admin:events_event_attendance_sheet", args=[other.pk])).status_code
        == HTTPStatus.NOT_FOUND
    )
    assert (
        coordinator_client.get(reverse("admin:events_registration_certificate", args=[person.pk])).status_code
        == HTTPStatus.NOT_FOUND
    )


def test_the_registrant_finds_their_certificate_on_their_page_after_the_event(client, meeting):
    person = factories.RegistrationFactory(
        event=meeting, full_name="Maëlle Riou", status=Status.CONFIRMED, attended=True
    )
    certificate = reverse("events:certificate", kwargs={"token": person.token})

    page = client.get(person.get_absolute_url()).content.decode()
    assert certificate in page

    response = client.get(certificate)
    assert response.status_code == HTTPStatus.OK
    assert "Maëlle Riou" in pdf_text(response.content)
    assert "no-store" in response["Cache-Control"]


def test_no_certificate_link_before_the_event_or_for_an_absent_person(client, pole):
    upcoming = factories.EventFactory(pole=pole, starts_at=timezone.now() + timedelta(days=2))
    early = factories.RegistrationFactory(event=upcoming, status=Status.CONFIRMED, attended=True)
    past = factories.EventFactory(pole=pole, starts_at=timezone.now() - timedelta(days=2))
    absent = factories.RegistrationFactory(event=past, status=Status.CONFIRMED, attended=False)

    for registration in (early, absent):
        certificate = reverse("events:certificate", kwargs={"token": registration.token})
        assert certificate not in client.get(registration.get_absolute_url()).content.decode()
        assert client.get(certificate).status_code == HTTPStatus.NOT_FOUND

"""The coordinators' side: event list with seats, registrations, CSV, attendance, promotion, notices."""

import csv
import io
import json
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ess_portal.management.commands.setup_roles import roles_setup
from events.models import EmailRecord, Event, Registration
from tests import factories

pytestmark = pytest.mark.django_db

EVENTS = reverse("admin:events_event_changelist")
REGISTRATIONS = reverse("admin:events_registration_changelist")
PERSONAL_DATA = reverse("admin:events_registration_personal_data")


@pytest.fixture(autouse=True)
def roles(db):
    roles_setup()


@pytest.fixture
def coordinator_client(client, pole):
    client.force_login(factories.make_coordinator(pole))
    return client


def test_the_event_list_shows_seats_taken_capacity_and_waiting(coordinator_client, pole):
    event = factories.EventFactory(pole=pole, capacity=2)
    factories.RegistrationFactory.create_batch(2, event=event, status=Registration.Status.CONFIRMED)
    factories.RegistrationFactory.create_batch(3, event=event, status=Registration.Status.WAITLISTED)
    other = factories.EventFactory(title="Chez les voisins")

    content = coordinator_client.get(EVENTS).content.decode()

    assert event.title in content and other.title not in content
    assert "2 / 2" in content
    assert '<td class="field-waiting">3</td>' in content


def test_the_event_list_runs_the_same_queries_for_one_or_fifty_events(coordinator_client, pole):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert coordinator_client.get(EVENTS).status_code == HTTPStatus.OK
        return len(context)

    factories.EventFactory(pole=pole)
    one = queries()
    for _ in range(49):
        event = factories.EventFactory(pole=pole)
        factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)

    assert queries() == one


def test_a_coordinator_cannot_open_another_poles_registration(coordinator_client):
    registration = factories.RegistrationFactory()

    response = coordinator_client.get(reverse("admin:events_registration_change", args=[registration.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_registrations_filter_by_status(coordinator_client, pole):
    event = factories.EventFactory(pole=pole)
    factories.RegistrationFactory(
        event=event, full_name="Alice Confirmée", status=Registration.Status.CONFIRMED
    )
    factories.RegistrationFactory(
        event=event, full_name="Bruno Attente", status=Registration.Status.WAITLISTED
    )

    content = coordinator_client.get(REGISTRATIONS + "?status__exact=waitlisted").content.decode()

    assert "Bruno Attente" in content and "Alice Confirmée" not in content


def test_the_csv_export_holds_the_scoped_selection(coordinator_client, pole):
    event = factories.EventFactory(pole=pole)
    actor = factories.ActorFactory(name="SCOP Bois")
    mine = factories.RegistrationFactory(
        event=event,
        full_name="Alice",
        organisation=actor,
        status=Registration.Status.CONFIRMED,
        attended=True,
    )
    theirs = factories.RegistrationFactory(full_name="Intruse")

    response = coordinator_client.post(
        REGISTRATIONS, {"action": "export_csv", "_selected_action": [mine.pk, theirs.pk]}
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Nom", "E-mail", "Organisation", "Événement", "Statut", "Inscrit le", "Présent"]
    assert rows[1][:5] == ["Alice", mine.email, "SCOP Bois", event.title, "Confirmée"]
    assert rows[1][6] == "oui"
    assert len(rows) == 2


def test_attendance_is_marked_in_bulk(coordinator_client, pole):
    event = factories.EventFactory(pole=pole)
    people = factories.RegistrationFactory.create_batch(3, event=event, status=Registration.Status.CONFIRMED)

    coordinator_client.post(
        REGISTRATIONS, {"action": "mark_attended", "_selected_action": [p.pk for p in people[:2]]}
    )

    assert list(Registration.objects.order_by("pk").values_list("attended", flat=True)) == [True, True, None]


def test_manual_promotion_from_the_admin_emails_the_person(coordinator_client, pole, committed):
    event = factories.EventFactory(pole=pole, capacity=1)
    factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    waiting = factories.RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)

    response = committed(
        coordinator_client.post,
        REGISTRATIONS,
        {"action": "promote", "_selected_action": [waiting.pk]},
        follow=True,
    )

    assert "1 personne placée ; 0 hors liste d’attente, laissée inchangée." in response.content.decode()

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert mail.outbox[0].to == [waiting.email]


def event_form_data(event, **changes):
    local = {
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
    }
    data = {
        "pole": event.pole_id,
        "kind": event.kind,
        "workshop": "",
        "title": event.title,
        "slug": event.slug,
        "description": event.description,
        "status": event.status,
        "starts_at_0": local["starts_at"].strftime("%d/%m/%Y"),
        "starts_at_1": local["starts_at"].strftime("%H:%M:%S"),
        "ends_at_0": local["ends_at"].strftime("%d/%m/%Y"),
        "ends_at_1": local["ends_at"].strftime("%H:%M:%S"),
        "venue": event.venue,
        "address": event.address,
        "commune": "",
        "position": "",
        "use_commune_position": "on",
        "audience": event.audience,
        "capacity": event.capacity,
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
        "format": event.format,
        "online_url": event.online_url,
        "access_notes": event.access_notes,
        "image_alt": event.image_alt,
        "members_code": event.members_code,
        **INLINES_EMPTY,
    }
    data.update(changes)
    return data


#: The management forms of the event's inlines (questions, documents) with no row.
INLINES_EMPTY = {
    f"{prefix}-{key}": value
    for prefix in ("questions", "documents")
    for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
}


def test_rescheduling_from_the_admin_sends_the_notices(coordinator_client, pole, committed):
    event = factories.EventFactory(pole=pole)
    seat = factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    # A week later, each end moved on its own: an event that ends after midnight keeps ending after it.
    starts = timezone.localtime(event.starts_at + timedelta(days=7))
    ends = timezone.localtime(event.ends_at + timedelta(days=7))

    response = committed(
        coordinator_client.post,
        reverse("admin:events_event_change", args=[event.pk]),
        event_form_data(event, starts_at_0=starts.strftime("%d/%m/%Y"), ends_at_0=ends.strftime("%d/%m/%Y")),
    )

    assert response.status_code == HTTPStatus.FOUND
    event.refresh_from_db()
    assert event.sequence == 1
    assert mail.outbox[0].to == [seat.email]
    assert "SEQUENCE:1" in mail.outbox[0].attachments[0][1]


def test_cancelling_from_the_admin_action_tells_the_registrants(coordinator_client, pole, committed):
    event = factories.EventFactory(pole=pole)
    seat = factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)

    response = committed(
        coordinator_client.post,
        EVENTS,
        {"action": "cancel_events", "_selected_action": [event.pk]},
        follow=True,
    )

    assert "1 événement annulé ; 1 inscrit sera prévenu." in response.content.decode()

    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert mail.outbox[0].to == [seat.email]
    assert mail.outbox[0].subject.startswith("Événement annulé")


def test_personal_data_tools_are_for_regional_staff_only(coordinator_client):
    assert coordinator_client.get(PERSONAL_DATA).status_code == HTTPStatus.FORBIDDEN


def test_regional_staff_export_then_erase_one_address(client):
    client.force_login(factories.make_regional())
    registration = factories.RegistrationFactory(email="anne@example.org", full_name="Anne")

    export = client.post(PERSONAL_DATA, {"email": "anne@example.org", "action": "export"})
    refused = client.post(PERSONAL_DATA, {"email": "anne@example.org", "action": "erase"})
    erased = client.post(PERSONAL_DATA, {"email": "anne@example.org", "action": "erase", "confirm": "on"})

    assert json.loads(export.content)["registrations"][0]["full_name"] == "Anne"
    assert "Cochez cette case" in refused.content.decode()
    assert "Inscriptions aux événements : 1" in erased.content.decode()
    registration.refresh_from_db()
    assert registration.anonymised_at is not None


def test_the_registration_list_runs_the_same_queries_for_one_or_fifty_rows(coordinator_client, pole):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert coordinator_client.get(REGISTRATIONS).status_code == HTTPStatus.OK
        return len(context)

    event = factories.EventFactory(pole=pole)
    factories.RegistrationFactory(event=event, organisation=factories.ActorFactory(pole=pole))
    one = queries()
    for _ in range(49):
        factories.RegistrationFactory(event=event, organisation=factories.ActorFactory(pole=pole))

    assert queries() == one


@pytest.mark.parametrize(
    "url",
    [
        "admin:events_event_change",
        "admin:events_workshop_change",
        "admin:events_registration_change",
        "admin:events_emailrecord_change",
    ],
)
def test_the_change_pages_open_for_a_coordinator(coordinator_client, pole, url):
    workshop = factories.WorkshopFactory(pole=pole)
    event = factories.EventFactory(pole=pole, workshop=workshop)
    registration = factories.RegistrationFactory(event=event)
    record = registration.emails.create(kind="confirmation_request")
    obj, text = {
        "event": (event, event.title),
        "workshop": (workshop, workshop.title),
        "registration": (registration, registration.full_name),
        "emailrecord": (record, "Demande de confirmation"),
    }[url.split("_")[1]]

    response = coordinator_client.get(reverse(url, args=[obj.pk]))

    assert response.status_code == HTTPStatus.OK
    assert text in response.content.decode()


def failed_email(registration, reason):
    return registration.emails.create(
        kind=EmailRecord.Kind.CONFIRMATION_REQUEST,
        status=EmailRecord.Status.FAILED,
        attempts=1,
        last_error=reason,
    )


def test_a_failed_email_shows_on_the_registrants_line_with_its_reason(coordinator_client, pole):
    event = factories.EventFactory(pole=pole)
    registration = factories.RegistrationFactory(event=event, full_name="Anne Le Goff")
    failed_email(registration, "SMTP 550: 5.1.1 <anne@exemple.invalid>: mailbox unavailable")
    factories.RegistrationFactory(event=event, full_name="Yann Morvan")

    content = coordinator_client.get(REGISTRATIONS).content.decode()

    assert "E-mail non envoyé (Demande de confirmation)" in content
    assert "SMTP 550: 5.1.1 &lt;anne@exemple.invalid&gt;: mailbox unavailable" in content
    assert content.count("E-mail non envoyé") == 1
    filtered = coordinator_client.get(REGISTRATIONS + "?email_failed=yes").content.decode()
    assert "Anne Le Goff" in filtered and "Yann Morvan" not in filtered


def test_the_outbox_lists_the_failures_of_the_coordinators_poles_only(coordinator_client, pole):
    mine = factories.RegistrationFactory(event=factories.EventFactory(pole=pole), email="anne@example.org")
    theirs = factories.RegistrationFactory(email="yann@example.org")
    failed_email(mine, "SMTP 550: unknown user anne")
    failed_email(theirs, "SMTP 550: unknown user yann")

    response = coordinator_client.get(
        reverse("admin:events_emailrecord_changelist") + "?status__exact=failed"
    )

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "SMTP 550: unknown user anne" in content
    assert "yann" not in content


def test_the_registration_list_with_failed_emails_runs_the_same_queries_for_one_or_fifty_rows(
    coordinator_client, pole
):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert coordinator_client.get(REGISTRATIONS).status_code == HTTPStatus.OK
        return len(context)

    event = factories.EventFactory(pole=pole)
    failed_email(factories.RegistrationFactory(event=event), "SMTP 550: no such user")
    one = queries()
    for _ in range(49):
        failed_email(factories.RegistrationFactory(event=event), "SMTP 550: no such user")

    assert queries() == one

"""The check-in at the door (/admin/events/event/<id>/pointage/), walk-ins and the registrations list."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import EmailRecord, Registration
from events.services import attendance
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]
Status = Registration.Status


@pytest.fixture
def meeting(pole):
    return factories.EventFactory(pole=pole, capacity=2, starts_at=timezone.now() + timedelta(hours=1))


def checkin_url(event):
    return reverse("admin:events_event_checkin", args=[event.pk])


def test_the_checkin_lists_the_confirmed_then_the_waiting_list_with_counts(coordinator_client, meeting):
    factories.RegistrationFactory(event=meeting, full_name="Zoé Confirmée", status=Status.CONFIRMED)
    factories.RegistrationFactory(
        event=meeting, full_name="Anne Confirmée", status=Status.CONFIRMED, attended=True
    )
    factories.RegistrationFactory(event=meeting, full_name="Aline Attente", status=Status.WAITLISTED)
    factories.RegistrationFactory(event=meeting, full_name="Paul Annulé", status=Status.CANCELLED)

    response = coordinator_client.get(checkin_url(meeting))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert content.index("Anne Confirmée") < content.index("Zoé Confirmée") < content.index("Aline Attente")
    assert "Paul Annulé" not in content
    assert '<dd data-count="present">1</dd>' in content
    assert '<dd data-count="unmarked">1</dd>' in content
    assert '<dd data-count="waitlisted">1</dd>' in content


def test_the_checkin_searches_by_name(coordinator_client, meeting):
    factories.RegistrationFactory(event=meeting, full_name="Zoé Le Gall", status=Status.CONFIRMED)
    factories.RegistrationFactory(event=meeting, full_name="Yann Morvan", status=Status.CONFIRMED)

    content = coordinator_client.get(checkin_url(meeting), {"q": "gall"}).content.decode()

    assert "Zoé Le Gall" in content and "Yann Morvan" not in content


def test_a_tap_without_javascript_marks_present_and_comes_back_to_the_person(coordinator_client, meeting):
    person = factories.RegistrationFactory(event=meeting, status=Status.CONFIRMED)

    response = coordinator_client.post(
        checkin_url(meeting), {"registration": person.pk, "attended": "present", "q": "Pers"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith(f"?q=Pers#inscription-{person.pk}")
    person.refresh_from_db()
    assert person.attended is True


def test_a_tap_with_javascript_answers_json_with_the_new_counts(coordinator_client, meeting):
    person = factories.RegistrationFactory(event=meeting, status=Status.CONFIRMED, attended=True)

    response = coordinator_client.post(
        checkin_url(meeting),
        {"registration": person.pk, "attended": "absent"},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == HTTPStatus.OK
    data = response.json()
    assert data["attended"] is False and data["label"] == "Absent"
    assert data["counts"]["present"] == 0 and data["counts"]["absent"] == 1
    person.refresh_from_db()
    assert person.attended is False


def test_another_events_registration_cannot_be_marked_from_this_page(coordinator_client, meeting, pole):
    other = factories.RegistrationFactory(event=factories.EventFactory(pole=pole), status=Status.CONFIRMED)

    response = coordinator_client.post(
        checkin_url(meeting), {"registration": other.pk, "attended": "present"}
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    other.refresh_from_db()
    assert other.attended is None


def test_a_coordinator_cannot_open_another_poles_checkin(coordinator_client):
    other = factories.EventFactory()
    person = factories.RegistrationFactory(event=other, status=Status.CONFIRMED)

    assert coordinator_client.get(checkin_url(other)).status_code == HTTPStatus.NOT_FOUND
    response = coordinator_client.post(checkin_url(other), {"registration": person.pk, "attended": "present"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    person.refresh_from_db()
    assert person.attended is None


def test_a_walk_in_takes_a_seat_marked_present_without_email_even_when_full(
    coordinator_client, meeting, django_capture_on_commit_callbacks
):
    factories.RegistrationFactory.create_batch(2, event=meeting, status=Status.CONFIRMED)

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            checkin_url(meeting),
            {"action": "walk_in", "full_name": "Nolwenn Sur-Place", "email": "", "organisation_name": "Asso"},
            follow=True,
        )

    walk_in = Registration.objects.get(full_name="Nolwenn Sur-Place")
    assert (walk_in.status, walk_in.attended, walk_in.walk_in) == (Status.CONFIRMED, True, True)
    assert walk_in.organisation_name == "Asso" and walk_in.email == ""
    assert not EmailRecord.objects.filter(registration=walk_in).exists() and mail.outbox == []
    content = response.content.decode()
    assert "Nolwenn Sur-Place : ajout fait, présence notée." in content
    assert attendance.checkin_counts(event=meeting).over_capacity == 1


def test_two_walk_ins_without_email_can_be_added(meeting):
    attendance.walk_in_add(event=meeting, full_name="Un")
    attendance.walk_in_add(event=meeting, full_name="Deux")

    assert meeting.registrations.filter(walk_in=True).count() == 2


def test_a_walk_in_already_registered_is_marked_present_not_duplicated(meeting):
    person = factories.RegistrationFactory(event=meeting, email="gwen@example.org", status=Status.WAITLISTED)

    registration, created = attendance.walk_in_add(event=meeting, full_name="Gwen", email="GWEN@example.org")

    assert not created and registration.pk == person.pk
    person.refresh_from_db()
    assert (person.status, person.attended) == (Status.CONFIRMED, True)
    assert meeting.registrations.count() == 1


def test_a_walk_in_needs_a_name(coordinator_client, meeting):
    response = coordinator_client.post(checkin_url(meeting), {"action": "walk_in", "full_name": ""})

    assert response.status_code == HTTPStatus.OK
    assert not meeting.registrations.exists()


def test_the_registrations_list_sets_attendance_per_line(coordinator_client, meeting):
    first = factories.RegistrationFactory(event=meeting, status=Status.CONFIRMED)
    second = factories.RegistrationFactory(event=meeting, status=Status.CONFIRMED)
    url = reverse("admin:events_registration_changelist")

    page = coordinator_client.get(url).content.decode()
    assert 'name="form-0-attended"' in page
    rows = (
        {0: first, 1: second}
        if page.index(f'value="{first.pk}"') < page.index(f'value="{second.pk}"')
        else {0: second, 1: first}
    )
    response = coordinator_client.post(
        url,
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": rows[0].pk,
            "form-0-attended": "true",
            "form-1-id": rows[1].pk,
            "form-1-attended": "false",
            "_save": "Enregistrer",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    rows[0].refresh_from_db()
    rows[1].refresh_from_db()
    assert (rows[0].attended, rows[1].attended) == (True, False)

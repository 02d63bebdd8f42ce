"""Writing to an event's registrants (/admin/events/event/<id>/message/): preview, test, outbox rows."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import EmailRecord, EventMessage, Registration
from events.services import messaging
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]
Status = Registration.Status


@pytest.fixture
def coordinator(pole):
    user = factories.make_coordinator(pole)
    user.email = "coordination@pole.example"
    user.save()
    return user


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def meeting(pole):
    event = factories.EventFactory(pole=pole, title="Rencontre mobilité")
    factories.RegistrationFactory(
        event=event, full_name="Anne", email="anne@example.org", status=Status.CONFIRMED
    )
    factories.RegistrationFactory(
        event=event, full_name="Bruno", email="bruno@example.org", status=Status.CONFIRMED, attended=True
    )
    factories.RegistrationFactory(
        event=event, full_name="Chloé", email="chloe@example.org", status=Status.WAITLISTED
    )
    factories.RegistrationFactory(
        event=event, full_name="Denis", email="denis@example.org", status=Status.CANCELLED
    )
    return event


def url(event):
    return reverse("admin:events_event_message", args=[event.pk])


FORM = {"audience": "confirmed", "subject": "Changement de salle", "body": "Nous serons salle B.\nÀ jeudi !"}


def test_the_preview_shows_the_email_and_how_many_people_it_reaches(coordinator_client, meeting):
    response = coordinator_client.post(url(meeting), {**FORM, "step": "preview"})

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Nous serons salle B." in content and "Rencontre mobilité" in content
    assert "Ce message partira vers 2 personnes." in content
    assert 'name="draft_key"' in content and "Envoyer à 2 personnes" in content
    assert not EventMessage.objects.exists() and mail.outbox == []


def test_a_test_goes_to_the_coordinator_only(coordinator_client, meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url(meeting), {**FORM, "step": "test"})

    assert [m.to for m in mail.outbox] == [["coordination@pole.example"]]
    assert mail.outbox[0].subject == "[Test] Changement de salle"
    assert not EmailRecord.objects.exists()


def test_sending_writes_one_outbox_row_per_recipient_once_even_on_a_double_click(
    coordinator_client, meeting, django_capture_on_commit_callbacks
):
    data = {**FORM, "step": "send", "draft_key": "a" * 32}
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url(meeting), data)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url(meeting), data)

    message = EventMessage.objects.get()
    assert (message.status, message.recipients) == (EventMessage.Status.WRITTEN, 2)
    rows = EmailRecord.objects.filter(kind=EmailRecord.Kind.MESSAGE)
    assert sorted(rows.values_list("registration__email", flat=True)) == [
        "anne@example.org",
        "bruno@example.org",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["anne@example.org", "bruno@example.org"]
    anne = Registration.objects.get(email="anne@example.org")
    sent = next(m for m in mail.outbox if m.to == ["anne@example.org"])
    assert sent.subject == "Changement de salle"
    assert "Nous serons salle B." in sent.body and f"{anne.get_absolute_url()}#annuler" in sent.body
    assert "Bonjour Anne" in sent.body
    page = coordinator_client.get(url(meeting)).content.decode()
    assert "2 envoyés sur 2" in page


def test_writing_the_outbox_again_sends_nobody_twice(meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = messaging.message_create(
            event=meeting, audience="present", subject="Diapos", body="Les voici.", draft_key="k1"
        )
    with django_capture_on_commit_callbacks(execute=True):
        messaging.message_write_outbox(message=message)

    assert [m.to for m in mail.outbox] == [["bruno@example.org"]]
    assert EmailRecord.objects.filter(kind=EmailRecord.Kind.MESSAGE).count() == 1


def test_the_waiting_list_audience(meeting):
    people = messaging.message_audience(event=meeting, audience="waitlisted")

    assert [r.full_name for r in people] == ["Chloé"]


def test_a_walk_in_without_email_is_left_out(meeting):
    factories.RegistrationFactory(
        event=meeting, email="", status=Status.CONFIRMED, attended=True, walk_in=True
    )

    assert messaging.message_audience(event=meeting, audience="present").count() == 1


def test_a_coordinator_cannot_write_to_another_poles_registrants(coordinator_client):
    other = factories.EventFactory()
    factories.RegistrationFactory(event=other, status=Status.CONFIRMED)

    assert coordinator_client.get(url(other)).status_code == HTTPStatus.NOT_FOUND
    response = coordinator_client.post(url(other), {**FORM, "step": "send", "draft_key": "b" * 32})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not EventMessage.objects.exists()


def test_a_message_left_queued_by_a_dead_broker_is_handed_over_again_by_its_page(coordinator_client, meeting):
    message = EventMessage.objects.create(
        event=meeting, audience="confirmed", subject="Diapos", body="Les voici.", draft_key="stale"
    )
    EventMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    coordinator_client.get(url(meeting))

    message.refresh_from_db()
    assert (message.status, message.recipients) == (EventMessage.Status.WRITTEN, 2)

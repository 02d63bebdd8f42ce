"""Seats under pressure: concurrent confirmations, cancellations, capacity changes, manual promotion."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from events.models import EmailRecord, Registration
from events.services import changes as event_changes
from events.services import registrations as registration_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_confirmations_never_exceed_ten_seats():
    event = factories.EventFactory(capacity=10)
    registrations = factories.RegistrationFactory.create_batch(50, event=event)
    barrier = threading.Barrier(50)
    errors = []

    def confirm(registration):
        try:
            barrier.wait()
            registration_services.registration_confirm(registration=registration)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(r,)) for r in registrations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert event.registrations.confirmed().count() == 10
    assert event.registrations.waitlisted().count() == 40
    assert EmailRecord.objects.filter(kind=EmailRecord.Kind.CONFIRMED).count() == 10
    assert EmailRecord.objects.filter(kind=EmailRecord.Kind.WAITLISTED).count() == 40


def test_confirming_twice_changes_nothing(committed):
    registration = factories.RegistrationFactory()
    committed(registration_services.registration_confirm, registration=registration)
    committed(registration_services.registration_confirm, registration=registration)

    assert Registration.objects.get().status == Registration.Status.CONFIRMED
    assert len(mail.outbox) == 1


def waitlist(event, count):
    now = timezone.now()
    return [
        factories.RegistrationFactory(
            event=event,
            status=Registration.Status.WAITLISTED,
            waitlisted_at=now - timedelta(minutes=count - i),
        )
        for i in range(count)
    ]


def test_raising_the_capacity_promotes_as_many_as_fit(committed):
    event = factories.EventFactory(capacity=1)
    factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    waiting = waitlist(event, 4)

    event.capacity = 3
    changes = committed(event_changes.event_update, event=event)

    assert [r.pk for r in changes.promoted] == [waiting[0].pk, waiting[1].pk]
    assert event.registrations.confirmed().count() == 3
    assert event.registrations.waitlisted().count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([waiting[0].email, waiting[1].email])
    assert all("Une place s’est libérée" in m.subject for m in mail.outbox)


def test_removing_the_limit_promotes_everyone_waiting(committed):
    event = factories.EventFactory(capacity=1)
    factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    waitlist(event, 3)

    event.capacity = None
    committed(event_changes.event_update, event=event)

    assert event.registrations.waitlisted().count() == 0


def test_a_coordinator_can_promote_beyond_the_capacity(committed):
    event = factories.EventFactory(capacity=1)
    factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    (waiting,) = waitlist(event, 1)

    committed(registration_services.registration_promote, registration=waiting)

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert mail.outbox[0].to == [waiting.email]


def test_promoting_someone_not_waiting_is_refused():
    registration = factories.RegistrationFactory(status=Registration.Status.CONFIRMED)

    with pytest.raises(registration_services.RegistrationError):
        registration_services.registration_promote(registration=registration)


def test_cancelling_after_the_start_is_refused():
    event = factories.EventFactory(
        starts_at=timezone.now() - timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=1)
    )
    registration = factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)

    with pytest.raises(registration_services.RegistrationError):
        registration_services.registration_cancel(registration=registration)
    assert Registration.objects.get().status == Registration.Status.CONFIRMED


def test_rescheduling_emails_an_updated_calendar_with_a_higher_sequence(committed):
    event = factories.EventFactory()
    seat = factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    waiting = factories.RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    factories.RegistrationFactory(event=event, status=Registration.Status.CANCELLED)

    changes = committed(
        event_changes.event_reschedule,
        event=event,
        starts_at=event.starts_at + timedelta(days=1),
        ends_at=event.ends_at + timedelta(days=1),
    )

    event.refresh_from_db()
    assert changes.rescheduled and changes.notified == 2
    assert event.sequence == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([seat.email, waiting.email])
    calendar = mail.outbox[0].attachments[0][1]
    assert "SEQUENCE:1" in calendar
    assert f"UID:event-{event.pk}@" in calendar
    assert "Changement de date" in mail.outbox[0].subject


def test_changing_the_venue_notifies_but_editing_the_description_does_not(committed):
    event = factories.EventFactory()
    factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)

    event.description = "Nouveau programme"
    committed(event_changes.event_update, event=event)
    assert mail.outbox == []

    event.venue = "Maison des associations"
    committed(event_changes.event_update, event=event)
    assert len(mail.outbox) == 1
    assert "Maison des associations" in mail.outbox[0].body


def test_cancelling_an_event_tells_everyone_still_registered(committed):
    event = factories.EventFactory()
    people = [
        factories.RegistrationFactory(event=event, status=status)
        for status in (
            Registration.Status.CONFIRMED,
            Registration.Status.WAITLISTED,
            Registration.Status.PENDING,
        )
    ]
    factories.RegistrationFactory(event=event, status=Registration.Status.CANCELLED)

    committed(event_changes.event_cancel, event=event)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert all(m.subject.startswith("Événement annulé") for m in mail.outbox)
    assert "STATUS:CANCELLED" in mail.outbox[0].attachments[0][1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_with_one_address_make_one_registration():
    event = factories.EventFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def register(email):
        try:
            barrier.wait()
            registration_services.registration_create(event=event, full_name="Anne", email=email)
            outcomes.append("created")
        except registration_services.RegistrationExists:
            outcomes.append("exists")
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(e,)) for e in ("anne@example.org", "ANNE@example.org")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["created", "exists"]
    assert Registration.objects.count() == 1

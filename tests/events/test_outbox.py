"""The outbox and its sweep: reminders, SMTP failures with back-off, a dead broker, concurrent sweeps."""

import socket
import threading
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ess_portal.celery import app as celery_app
from events.models import EmailRecord, Event, Registration
from events.services import changes as event_changes
from events.services import outbox, registrations
from tests import factories
from tests.integration.smtp_sink import smtp_sink

pytestmark = pytest.mark.django_db


def confirmed(event, *, confirmed_at, **kwargs):
    return factories.RegistrationFactory(
        event=event, status=Registration.Status.CONFIRMED, confirmed_at=confirmed_at, **kwargs
    )


def reminders():
    return [m for m in mail.outbox if m.subject.startswith(("Rappel", "Reminder"))]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_sweep_sends_a_due_reminder_once():
    now = timezone.now()
    event = factories.EventFactory(starts_at=now + timedelta(hours=10))
    registration = confirmed(event, confirmed_at=now - timedelta(days=3))

    outbox.emails_send_due()
    outbox.emails_send_due()

    assert len(reminders()) == 1
    message = reminders()[0]
    assert message.to == [registration.email]
    assert registration.get_absolute_url() in message.body
    assert message.attachments[0][0] == "evenement.ics"
    record = EmailRecord.objects.get(kind=EmailRecord.Kind.REMINDER)
    assert record.status == EmailRecord.Status.SENT
    assert record.key.startswith("24h@")


def test_no_reminder_before_it_falls_due():
    now = timezone.now()
    event = factories.EventFactory(starts_at=now + timedelta(hours=30))
    confirmed(event, confirmed_at=now - timedelta(days=3))

    outbox.emails_send_due()

    assert reminders() == []
    assert not EmailRecord.objects.exists()


def test_no_reminder_for_a_registration_confirmed_after_it_fell_due():
    now = timezone.now()
    event = factories.EventFactory(starts_at=now + timedelta(hours=10))
    confirmed(event, confirmed_at=now - timedelta(hours=2))

    outbox.emails_send_due()

    assert reminders() == []


def test_no_reminder_for_a_cancelled_event_or_a_cancelled_registration():
    now = timezone.now()
    cancelled_event = factories.EventFactory(
        starts_at=now + timedelta(hours=10), status=Event.Status.CANCELLED
    )
    confirmed(cancelled_event, confirmed_at=now - timedelta(days=3))
    event = factories.EventFactory(starts_at=now + timedelta(hours=10))
    factories.RegistrationFactory(
        event=event, status=Registration.Status.CANCELLED, confirmed_at=now - timedelta(days=3)
    )
    factories.RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)

    outbox.emails_send_due()

    assert reminders() == []


def test_each_configured_offset_sends_its_own_reminder(settings):
    settings.REMINDER_OFFSETS_HOURS = [72, 2]
    now = timezone.now()
    event = factories.EventFactory(starts_at=now + timedelta(hours=48))
    confirmed(event, confirmed_at=now - timedelta(days=5))

    outbox.emails_send_due()
    assert len(reminders()) == 1

    outbox.emails_send_due(now=event.starts_at - timedelta(hours=1))
    assert len(reminders()) == 2
    assert sorted(EmailRecord.objects.values_list("key", flat=True)) == [
        outbox._reminder_key(2, event),
        outbox._reminder_key(72, event),
    ]


def test_the_reminder_is_written_in_the_registrants_language():
    now = timezone.now()
    event = factories.EventFactory(starts_at=now + timedelta(hours=10))
    confirmed(event, confirmed_at=now - timedelta(days=3), language="en")

    outbox.emails_send_due()

    assert reminders()[0].subject == f"Reminder: {event.title}"
    assert "This is a reminder" in reminders()[0].body


def test_a_reminder_that_cannot_leave_before_the_start_is_marked_missed():
    now = timezone.now()
    event = factories.EventFactory(starts_at=now + timedelta(hours=10))
    registration = confirmed(event, confirmed_at=now - timedelta(days=3))
    outbox.reminders_schedule(now=now)

    outbox.emails_send(now=event.starts_at + timedelta(minutes=1))

    record = EmailRecord.objects.get(registration=registration)
    assert record.status == EmailRecord.Status.MISSED
    assert reminders() == []


def test_a_rescheduled_event_gets_a_new_reminder_for_its_new_date():
    now = timezone.now()
    event = factories.EventFactory(starts_at=now + timedelta(hours=10))
    confirmed(event, confirmed_at=now - timedelta(days=3))
    outbox.emails_send_due()

    event_changes.event_reschedule(
        event=event,
        starts_at=event.starts_at + timedelta(hours=5),
        ends_at=event.ends_at + timedelta(hours=5),
    )
    outbox.emails_send_due()

    assert len(reminders()) == 2
    assert EmailRecord.objects.filter(kind=EmailRecord.Kind.REMINDER).count() == 2


def test_an_smtp_failure_is_retried_later_and_nothing_is_dropped(settings, committed):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_USE_TLS = False
    event = factories.EventFactory()

    registration = committed(
        registrations.registration_create, event=event, full_name="Anne", email="anne@example.org"
    )

    record = EmailRecord.objects.get(registration=registration)
    assert record.status == EmailRecord.Status.PENDING
    assert record.attempts == 1
    assert "ConnectionRefused" in record.last_error
    # The first retry comes after the first step of the back-off (5 minutes), not the second.
    assert timezone.now() + timedelta(minutes=4) < record.due_at <= timezone.now() + timedelta(minutes=5)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.emails_send_due() == 0  # not due yet: back-off
    assert outbox.emails_send_due(now=record.due_at + timedelta(seconds=1)) == 1

    record.refresh_from_db()
    assert record.status == EmailRecord.Status.SENT
    assert record.attempts == 2
    assert mail.outbox[0].to == ["anne@example.org"]


def test_the_sweep_sends_a_batch_over_one_smtp_connection(settings):
    now = timezone.now()
    event = factories.EventFactory(starts_at=now + timedelta(hours=10), capacity=None)
    people = [confirmed(event, confirmed_at=now - timedelta(days=2)) for _ in range(3)]

    with smtp_sink() as (sink, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        assert outbox.emails_send_due() == 3

    assert sorted(e.rcpt_tos[0] for e in sink.messages) == sorted(p.email for p in people)
    assert sink.sessions == 1


def test_the_back_off_grows_and_is_capped():
    assert outbox._backoff(1) == timedelta(minutes=5)
    assert outbox._backoff(3) == timedelta(minutes=20)
    assert outbox._backoff(30) == timedelta(hours=6)


@pytest.fixture
def refusing_sink(settings):
    """An SMTP server that refuses some recipients: ``refusing_sink({"x@example.org": "550 …"})``."""
    sinks = []

    def start(refuse):
        context = smtp_sink(refuse=refuse)
        sink, port = context.__enter__()
        sinks.append(context)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        return sink

    yield start
    for context in sinks:
        context.__exit__(None, None, None)


def test_a_permanent_refusal_marks_the_email_failed_with_the_reason_and_is_never_retried(refusing_sink):
    sink = refusing_sink({"nobody@example.org": "550 5.1.1 <nobody@example.org>: mailbox unavailable"})
    now = timezone.now()
    event = factories.EventFactory(starts_at=now + timedelta(hours=10), capacity=None)
    refused = confirmed(event, confirmed_at=now - timedelta(days=2), email="nobody@example.org")
    others = [confirmed(event, confirmed_at=now - timedelta(days=2)) for _ in range(2)]

    assert outbox.emails_send_due() == 2

    record = EmailRecord.objects.get(registration=refused)
    assert record.status == EmailRecord.Status.FAILED
    assert "550 5.1.1 <nobody@example.org>: mailbox unavailable" in record.last_error
    assert record.attempts == 1
    assert sorted(sink.per_recipient()) == sorted(o.email for o in others)
    assert sink.sessions == 1  # the refusal did not cost the batch its connection

    assert outbox.emails_send_due(now=now + timedelta(days=2)) == 0
    record.refresh_from_db()
    assert record.status == EmailRecord.Status.FAILED and record.attempts == 1
    assert "nobody@example.org" not in sink.per_recipient()


def test_after_the_server_hangs_up_the_rest_of_the_batch_goes_over_a_new_connection(refusing_sink):
    sink = refusing_sink({"busy@example.org": "421 4.3.2 Service shutting down, closing channel"})
    now = timezone.now()
    event = factories.EventFactory(starts_at=now + timedelta(hours=10), capacity=None)
    busy = confirmed(event, confirmed_at=now - timedelta(days=2), email="busy@example.org")
    others = [confirmed(event, confirmed_at=now - timedelta(days=2)) for _ in range(3)]
    # The sweep sends in due order: make the refused one go first.
    outbox.reminders_schedule(now=now)
    EmailRecord.objects.filter(registration=busy).update(due_at=now - timedelta(minutes=1))

    assert outbox.emails_send_due() == 3

    assert sorted(sink.per_recipient()) == sorted(o.email for o in others)
    assert sink.sessions == 2
    record = EmailRecord.objects.get(registration=busy)
    assert record.status == EmailRecord.Status.PENDING
    assert "SMTP 421" in record.last_error


def test_a_temporary_refusal_is_retried_with_back_off_then_failed_at_the_cut_off(refusing_sink):
    sink = refusing_sink({"full@example.org": "452 4.2.2 <full@example.org>: mailbox full"})
    event = factories.EventFactory(starts_at=timezone.now() + timedelta(days=30))
    registration = factories.RegistrationFactory(event=event, email="full@example.org")
    record = EmailRecord.objects.create(registration=registration, kind=EmailRecord.Kind.CONFIRMATION_REQUEST)

    delays = []
    now = timezone.now()
    while record.status == EmailRecord.Status.PENDING and len(delays) <= outbox.MAX_ATTEMPTS:
        outbox.emails_send(now=now)
        record.refresh_from_db()
        delays.append(record.due_at - now)
        now = record.due_at + timedelta(seconds=1)

    assert record.status == EmailRecord.Status.FAILED
    assert record.attempts == outbox.MAX_ATTEMPTS
    assert "452 4.2.2 <full@example.org>: mailbox full" in record.last_error
    retries = [round(delay / timedelta(minutes=1)) for delay in delays[:-1]]
    assert retries == [5, 10, 20, 40, 80, 160, 320, 360, 360][: outbox.MAX_ATTEMPTS - 1]
    assert sink.messages == []


@pytest.fixture
def dead_broker():
    """Publish for real (not eagerly) to a Redis URL where nothing listens."""
    previous = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_registering_succeeds_while_the_broker_is_down_and_the_sweep_sends_the_email(
    client, committed, dead_broker
):
    event = factories.EventFactory()

    response = committed(
        client.post,
        reverse("events:register", kwargs={"slug": event.slug}),
        {"full_name": "Anne", "email": "anne@example.org", "consent": "on"},
    )

    assert response.status_code == HTTPStatus.FOUND
    registration = Registration.objects.get()
    assert EmailRecord.objects.get().status == EmailRecord.Status.PENDING
    assert mail.outbox == []

    assert outbox.emails_send_due() == 1

    assert EmailRecord.objects.get().status == EmailRecord.Status.SENT
    assert registration.get_absolute_url() in mail.outbox[0].body


def test_an_email_made_useless_before_sending_is_skipped(committed):
    event = factories.EventFactory()
    registration = registrations.registration_create(event=event, full_name="Anne", email="anne@example.org")
    registrations.registration_cancel(registration=registration, notify=False)

    outbox.emails_send_due()

    assert mail.outbox == []
    assert EmailRecord.objects.get().status == EmailRecord.Status.SKIPPED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_once():
    now = timezone.now()
    event = factories.EventFactory(starts_at=now + timedelta(hours=10), capacity=None)
    registrations = [confirmed(event, confirmed_at=now - timedelta(days=2)) for _ in range(30)]
    barrier = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            barrier.wait()
            outbox.emails_send_due()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    recipients = sorted(m.to[0] for m in reminders())
    assert recipients == sorted(r.email for r in registrations)
    assert EmailRecord.objects.filter(status=EmailRecord.Status.SENT).count() == 30

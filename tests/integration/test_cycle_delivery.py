"""A workshop cycle through a real Celery worker on Redis and a real SMTP server: one link, one
confirmation for the cycle, then one reminder per session from the beat sweep."""

from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.utils import timezone

from events.models import EmailRecord, Event
from events.services import cycles
from events.tasks import send_due_emails
from tests import factories
from tests.integration.conftest import running_worker, wait_for
from tests.integration.smtp_sink import smtp_sink as running_sink


@pytest.fixture
def smtp_sink():
    with running_sink() as sink_and_port:
        yield sink_and_port


def subjects(sink) -> list[str]:
    return [str(make_header(decode_header(message_from_bytes(m.content)["Subject"]))) for m in sink.messages]


@pytest.mark.django_db(transaction=True)
def test_a_cycle_gets_one_link_one_confirmation_and_a_reminder_per_session(smtp_sink, settings):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    sink, port = smtp_sink
    workshop = factories.WorkshopFactory(title="Circuits courts")
    soon = timezone.now() + timedelta(hours=10)
    sessions = [
        factories.EventFactory(
            pole=workshop.pole,
            workshop=workshop,
            kind=Event.Kind.WORKSHOP_SESSION,
            title=title,
            starts_at=start,
        )
        for title, start in (("Séance proche", soon), ("Séance lointaine", soon + timedelta(days=20)))
    ]

    with running_worker({"EMAIL_URL": f"smtp://127.0.0.1:{port}"}):
        booking = cycles.cycle_register(
            workshop=workshop, events=sessions, full_name="Anne", email="anne@example.org"
        )
        wait_for(lambda: len(sink.messages) == 1, timeout=45)
        cycles.cycle_confirm(booking=booking)
        cycles.cycle_confirm(booking=booking)  # pressed twice
        wait_for(lambda: len(sink.messages) == 2, timeout=45)
        # The reminder of the near session only (due 24 h before its start); reminders need a seat
        # confirmed before they fell due: move the confirmation back as if done two days ago.
        booking.registrations.update(confirmed_at=timezone.now() - timedelta(days=2))
        send_due_emails.apply_async()
        wait_for(lambda: len(sink.messages) == 3, timeout=45)
        send_due_emails.apply_async()  # the sweep again: nothing twice
        wait_for(
            lambda: not EmailRecord.objects.filter(status=EmailRecord.Status.PENDING).exists(), timeout=45
        )

    assert subjects(sink) == [
        "Confirmez votre inscription à l’atelier : Circuits courts",
        "Votre inscription à l’atelier : Circuits courts",
        "Rappel : Séance proche",
    ]
    confirmation = message_from_bytes(sink.messages[1].content)
    calendar = next(p for p in confirmation.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_payload(decode=True).decode().count("BEGIN:VEVENT") == 2

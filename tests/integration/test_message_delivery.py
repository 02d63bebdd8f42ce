"""A message to an event's registrants: the worker writes the outbox rows, then sends them over SMTP."""

from email import message_from_bytes
from email.header import decode_header, make_header

import pytest

from events.models import EmailRecord, EventMessage, Registration
from events.services import messaging
from tests import factories
from tests.integration.conftest import running_worker, wait_for
from tests.integration.smtp_sink import smtp_sink as running_sink


@pytest.fixture
def smtp_sink():
    with running_sink() as sink_and_port:
        yield sink_and_port


@pytest.mark.django_db(transaction=True)
def test_a_message_reaches_each_confirmed_registrant_once_through_the_worker(smtp_sink, settings):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    sink, port = smtp_sink
    event = factories.EventFactory(title="Rencontre de Brest")
    people = [
        factories.RegistrationFactory(
            event=event, email=f"p{i}@example.org", status=Registration.Status.CONFIRMED
        )
        for i in range(3)
    ]
    factories.RegistrationFactory(
        event=event, email="attente@example.org", status=Registration.Status.WAITLISTED
    )

    with running_worker({"EMAIL_URL": f"smtp://127.0.0.1:{port}"}):
        message = messaging.message_create(
            event=event,
            audience="confirmed",
            subject="Salle changée",
            body="Rendez-vous salle 2.",
            draft_key="x1",
        )
        wait_for(
            lambda: EmailRecord.objects.filter(kind="message", status=EmailRecord.Status.SENT).count() == 3,
            timeout=60,
        )

    message.refresh_from_db()
    assert (message.status, message.recipients) == (EventMessage.Status.WRITTEN, 3)
    assert sorted(e.rcpt_tos[0] for e in sink.messages) == sorted(p.email for p in people)
    first = message_from_bytes(sink.messages[0].content)
    assert str(make_header(decode_header(first["Subject"]))) == "Salle changée"
    text = (
        next(p for p in first.walk() if p.get_content_type() == "text/plain")
        .get_payload(decode=True)
        .decode()
    )
    assert "Rendez-vous salle 2." in text and "#annuler" in text

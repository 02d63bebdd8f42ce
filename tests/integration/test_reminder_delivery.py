"""A real Celery worker on Redis runs the outbox sweep and a reminder reaches a real SMTP server."""

from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.utils import timezone

from events.models import EmailRecord, Registration
from events.services import registrations
from events.tasks import send_due_emails
from tests import factories
from tests.integration.conftest import running_worker, wait_for
from tests.integration.smtp_sink import smtp_sink as running_sink


@pytest.fixture
def smtp_sink():
    with running_sink() as sink_and_port:
        yield sink_and_port


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_a_due_reminder_to_the_smtp_server(smtp_sink, settings):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    sink, port = smtp_sink
    now = timezone.now()
    event = factories.EventFactory(title="Atelier éco-construction", starts_at=now + timedelta(hours=10))
    registration = factories.RegistrationFactory(
        event=event,
        email="anne@example.org",
        status=Registration.Status.CONFIRMED,
        confirmed_at=now - timedelta(days=2),
    )

    with running_worker({"EMAIL_URL": f"smtp://127.0.0.1:{port}"}):
        send_due_emails.apply_async()
        wait_for(lambda: EmailRecord.objects.filter(status=EmailRecord.Status.SENT).exists(), timeout=45)

    assert len(sink.messages) == 1
    envelope = sink.messages[0]
    assert envelope.rcpt_tos == ["anne@example.org"]
    message = message_from_bytes(envelope.content)
    assert str(make_header(decode_header(message["Subject"]))) == "Rappel : Atelier éco-construction"
    parts = {part.get_content_type(): part for part in message.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= set(parts)
    assert registration.get_absolute_url() in parts["text/plain"].get_payload(decode=True).decode()
    record = EmailRecord.objects.get()
    assert record.kind == EmailRecord.Kind.REMINDER and record.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_registration_email_published_on_commit_is_sent_by_the_worker(smtp_sink):
    sink, port = smtp_sink
    event = factories.EventFactory(title="Rencontre de Redon")

    with running_worker({"EMAIL_URL": f"smtp://127.0.0.1:{port}"}):
        registration = registrations.registration_create(
            event=event, full_name="Anne", email="anne@example.org"
        )
        wait_for(lambda: EmailRecord.objects.filter(status=EmailRecord.Status.SENT).exists(), timeout=45)

    message = message_from_bytes(sink.messages[0].content)
    assert (
        str(make_header(decode_header(message["Subject"])))
        == "Confirmez votre inscription : Rencontre de Redon"
    )
    assert EmailRecord.objects.get(registration=registration).status == EmailRecord.Status.SENT

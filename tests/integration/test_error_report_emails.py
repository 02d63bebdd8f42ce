"""A real Celery worker on Redis sends the error reports' emails to a real SMTP server, exactly once:
the coordinators' notice published on commit, and the reporter's answer left to the beat sweep while
nobody published it."""

from email import message_from_bytes
from email.header import decode_header, make_header

import pytest

from actors.models import ErrorReportEmail
from actors.services import error_reports
from actors.tasks import send_due_error_report_emails
from tests import factories
from tests.integration.conftest import running_worker, wait_for


def _sent(count: int):
    return lambda: ErrorReportEmail.objects.filter(status=ErrorReportEmail.Status.SENT).count() >= count


@pytest.mark.django_db(transaction=True)
def test_a_worker_tells_the_pole_and_then_the_reporter_once(smtp_sink, settings, monkeypatch):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    sink, port = smtp_sink
    settings.LANGUAGE_CODE = "fr"
    pole = factories.PoleFactory(name="Pôle Alpha")
    coordinator = factories.make_coordinator(pole, username="coord-a")
    actor = factories.ActorFactory(name="L’Épicerie Vrac", pole=pole)

    with running_worker({"EMAIL_URL": f"smtp://127.0.0.1:{port}"}):
        report = error_reports.error_report_create(
            actor=actor, message="Fermée le lundi.", email="lea@example.org"
        )
        wait_for(_sent(1), timeout=45)
        monkeypatch.setattr(error_reports, "outbox_publish", lambda name, ids: None)  # the broker "missed" it
        error_reports.error_report_close(report=report, user=coordinator, note="Horaires corrigés.")
        send_due_error_report_emails.apply_async()
        wait_for(_sent(2), timeout=45)
        send_due_error_report_emails.apply_async()  # a second sweep finds nothing left to send

    assert sorted(m.rcpt_tos[0] for m in sink.messages) == sorted([coordinator.email, "lea@example.org"])
    subjects = [
        str(make_header(decode_header(message_from_bytes(m.content)["Subject"]))) for m in sink.messages
    ]
    assert any(s.startswith("Erreur signalée") for s in subjects)
    assert any(s.startswith("Votre signalement") for s in subjects)
    bodies = [message_from_bytes(m.content).get_payload(decode=True).decode() for m in sink.messages]
    assert sum("Horaires corrigés." in body for body in bodies) == 1
    assert ErrorReportEmail.objects.filter(status=ErrorReportEmail.Status.SENT).count() == 2

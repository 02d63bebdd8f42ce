"""A real Celery worker on Redis sends the account emails to a real SMTP server, exactly once: the
invitation published on commit, and a reset request left to the beat sweep while nobody published it."""

from email import message_from_bytes
from email.header import decode_header, make_header

import pytest

from accounts import services
from accounts.models import AccountEmail
from accounts.tasks import send_due_emails
from tests import factories
from tests.integration.conftest import running_worker, wait_for
from tests.integration.smtp_sink import smtp_sink as running_sink


@pytest.fixture
def smtp_sink():
    with running_sink() as sink_and_port:
        yield sink_and_port


def _sent(count: int):
    return lambda: AccountEmail.objects.filter(status=AccountEmail.Status.SENT).count() >= count


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_an_invitation_and_a_swept_reset_once(smtp_sink, settings, monkeypatch):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    sink, port = smtp_sink
    pole = factories.PoleFactory(name="Pôle Alpha")
    regional = factories.make_regional(username="region")
    coordinator = factories.make_coordinator(pole, username="coord-a")

    with running_worker({"EMAIL_URL": f"smtp://127.0.0.1:{port}"}):
        services.invitation_create(email="nina@pole.example", poles=[pole], invited_by=regional)
        wait_for(_sent(1), timeout=45)
        monkeypatch.setattr(services, "_publish", lambda ids: None)  # the broker "missed" this one
        services.password_reset_request(email=coordinator.email)
        send_due_emails.apply_async()
        wait_for(_sent(2), timeout=45)

    assert sorted(m.rcpt_tos[0] for m in sink.messages) == [coordinator.email, "nina@pole.example"]
    subjects = {
        str(make_header(decode_header(message_from_bytes(m.content)["Subject"]))) for m in sink.messages
    }
    assert "Votre accès à l’espace de gestion d’ESS Bretagne" in subjects
    assert AccountEmail.objects.filter(status=AccountEmail.Status.SENT).count() == 2

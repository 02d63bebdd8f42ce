"""A real Celery worker on Redis sends the self-service and freshness emails to a real SMTP server,
exactly once: the private link (to the organisation's own address), the review request (to the
coordinator), the decision, and the yearly "Votre fiche est-elle à jour ?" left to the beat sweep."""

from email import message_from_bytes
from email.header import decode_header, make_header

import pytest

from actors.models import SelfServiceEmail
from actors.services import freshness, selfservice, selfservice_emails
from actors.services.selfservice_tokens import edit_token
from actors.tasks import send_due_selfservice_emails
from tests import factories
from tests.integration.conftest import running_worker, wait_for
from tests.integration.smtp_sink import smtp_sink as running_sink


@pytest.fixture
def smtp_sink():
    with running_sink() as sink_and_port:
        yield sink_and_port


def _sent(count: int):
    return lambda: SelfServiceEmail.objects.filter(status=SelfServiceEmail.Status.SENT).count() >= count


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_each_listing_email_once(smtp_sink, settings, monkeypatch):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    sink, port = smtp_sink
    pole = factories.PoleFactory(name="Pôle Alpha")
    commune = factories.CommuneFactory(name="Redon", postal_codes="35600")
    coordinator = factories.make_coordinator(pole, username="coord-a")
    actor = factories.ActorFactory(
        pole=pole,
        commune=commune,
        name="Ressourcerie",
        email="contact@ressourcerie.example",
        is_published=True,
    )

    with running_worker({"EMAIL_URL": f"smtp://127.0.0.1:{port}"}):
        link = selfservice.edit_link_request(actor=actor)
        wait_for(_sent(1), timeout=45)
        data = {
            **selfservice.listing_values(actor),
            "commune": commune,
            "sectors": [],
            "phone": "02 99 11 22 33",
        }
        change = selfservice.actor_change_submit(token=edit_token(link), data=data)
        wait_for(_sent(2), timeout=45)
        selfservice.actor_change_approve(change=change, user=coordinator)
        wait_for(_sent(3), timeout=45)
        monkeypatch.setattr(
            selfservice_emails, "outbox_publish", lambda task, ids: None
        )  # broker "missed" it
        freshness.freshness_checks_create()
        send_due_selfservice_emails.apply_async()
        wait_for(_sent(4), timeout=45)
        send_due_selfservice_emails.apply_async()  # a second sweep finds nothing left

    recipients = sorted(m.rcpt_tos[0] for m in sink.messages)
    assert recipients == sorted([coordinator.email] + ["contact@ressourcerie.example"] * 3)
    subjects = [
        str(make_header(decode_header(message_from_bytes(m.content)["Subject"]))) for m in sink.messages
    ]
    assert "Mettre à jour la fiche de Ressourcerie" in subjects
    assert "Mise à jour de fiche à examiner : Ressourcerie" in subjects
    assert "Votre fiche « Ressourcerie »" in subjects
    assert "Votre fiche est-elle à jour ? Ressourcerie" in subjects
    assert SelfServiceEmail.objects.filter(status=SelfServiceEmail.Status.SENT).count() == 4

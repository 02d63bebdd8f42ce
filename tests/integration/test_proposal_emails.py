"""A real Celery worker on Redis sends the proposals' emails to a real SMTP server, exactly once: the
reviewers' notice and the proposer's acknowledgement published on commit, a rejection's answer, and an
acceptance's answer left to the beat sweep while nobody published it."""

from email import message_from_bytes
from email.header import decode_header, make_header

import pytest

from actors.models import Actor, ProposalEmail
from actors.services import proposal_emails, proposals
from actors.tasks import send_due_proposal_emails
from tests import factories
from tests.integration.conftest import running_worker, wait_for
from tests.integration.smtp_sink import smtp_sink as running_sink


@pytest.fixture
def smtp_sink():
    with running_sink() as sink_and_port:
        yield sink_and_port


def _sent(count: int):
    return lambda: ProposalEmail.objects.filter(status=ProposalEmail.Status.SENT).count() >= count


def _propose(commune, name: str, email: str) -> Actor:
    return proposals.actor_propose(
        name=name, legal_form="association", commune=commune, proposer_name="Camille", proposer_email=email
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_acknowledges_and_answers_each_proposal_once(smtp_sink, settings, monkeypatch):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    sink, port = smtp_sink
    settings.LANGUAGE_CODE = "fr"
    pole = factories.PoleFactory(name="Pôle Alpha")
    commune = factories.CommuneFactory(name="Redon")
    pole.epcis.add(commune.epci)
    coordinator = factories.make_coordinator(pole, username="coord-a")

    with running_worker({"EMAIL_URL": f"smtp://127.0.0.1:{port}"}):
        refused = _propose(commune, "La Fabrique Solidaire", "camille@example.org")
        accepted = _propose(commune, "L’Épicerie Vrac", "dominique@example.org")
        wait_for(_sent(4), timeout=45)  # two notices to the coordinator, two acknowledgements
        proposals.actor_proposal_reject(actor=refused, message="Elle est hors de Bretagne.")
        wait_for(_sent(5), timeout=45)
        monkeypatch.setattr(proposal_emails, "_publish", lambda ids: None)  # the broker "missed" this one
        proposals.actor_proposals_approve(actors=Actor.objects.filter(pk=accepted.pk))
        send_due_proposal_emails.apply_async()
        wait_for(_sent(6), timeout=45)
        send_due_proposal_emails.apply_async()  # a second sweep finds nothing left to send

    recipients = sorted(m.rcpt_tos[0] for m in sink.messages)
    assert recipients == sorted(
        [coordinator.email] * 2 + ["camille@example.org"] * 2 + ["dominique@example.org"] * 2
    )
    subjects = [
        str(make_header(decode_header(message_from_bytes(m.content)["Subject"]))) for m in sink.messages
    ]
    assert sum(s.startswith("Votre proposition") and "La Fabrique Solidaire" in s for s in subjects) == 2
    assert ProposalEmail.objects.filter(status=ProposalEmail.Status.SENT).count() == 6
    bodies = [message_from_bytes(m.content).get_payload(decode=True).decode() for m in sink.messages]
    assert sum("Nous l’avons bien reçue" in body for body in bodies) == 2
    assert sum("Elle est hors de Bretagne." in body for body in bodies) == 1

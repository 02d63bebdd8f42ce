"""Through a real Celery worker and SMTP server: the documents of a meeting reach each person present
once; a group registration sends each person their own confirmation link once; a confirmed registrant
of an online meeting gets its link."""

from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.core.files.base import ContentFile

from events.models import EmailRecord, Event, EventDocument, Registration
from events.services import documents, groups, registrations
from tests import factories
from tests.integration.conftest import running_worker, wait_for
from tests.integration.smtp_sink import smtp_sink as running_sink


@pytest.fixture
def smtp_sink():
    with running_sink() as sink_and_port:
        yield sink_and_port


def _text(raw: bytes) -> str:
    message = message_from_bytes(raw)
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def _subject(raw: bytes) -> str:
    return str(make_header(decode_header(message_from_bytes(raw)["Subject"])))


@pytest.mark.django_db(transaction=True)
def test_documents_reach_each_person_present_once_through_the_worker(smtp_sink, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sink, port = smtp_sink
    event = factories.EventFactory(title="Rencontre éco-construction")
    document = EventDocument.objects.create(
        event=event, title="Compte rendu", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="cr.pdf")
    )
    present = [
        factories.RegistrationFactory(
            event=event, email=f"p{i}@example.org", status=Registration.Status.CONFIRMED, attended=True
        )
        for i in range(3)
    ]
    factories.RegistrationFactory(event=event, email="absent@example.org", status="confirmed", attended=False)

    with running_worker({"EMAIL_URL": f"smtp://127.0.0.1:{port}"}):
        documents.documents_send(event=event)
        documents.documents_send(event=event)  # twice: still once per person
        wait_for(
            lambda: EmailRecord.objects.filter(kind="message", status=EmailRecord.Status.SENT).count() == 3,
            timeout=60,
        )

    assert sorted(m.rcpt_tos[0] for m in sink.messages) == sorted(p.email for p in present)
    first = sink.messages[0].content
    assert _subject(first) == "Documents de la rencontre : Rencontre éco-construction"
    assert document.file.url in _text(first)


@pytest.mark.django_db(transaction=True)
def test_a_group_gets_one_confirmation_link_each_and_the_online_link_once_confirmed(smtp_sink):
    sink, port = smtp_sink
    event = factories.EventFactory(format=Event.Format.ONLINE, online_url="https://visio.example.org/r-77")
    organisation = factories.ActorFactory(pole=event.pole)

    with running_worker({"EMAIL_URL": f"smtp://127.0.0.1:{port}"}):
        result = groups.group_register(
            event=event,
            organisation=organisation,
            people=[("Anne", "anne@example.org"), ("Yann", "yann@example.org")],
        )
        wait_for(lambda: len(sink.messages) == 2, timeout=60)
        registrations.registration_confirm(registration=result.created[0])
        wait_for(lambda: len(sink.messages) == 3, timeout=60)

    requests = {m.rcpt_tos[0]: _text(m.content) for m in sink.messages[:2]}
    for registration in result.created:
        assert registration.get_absolute_url() in requests[registration.email]
        assert "visio.example.org" not in requests[registration.email]
    confirmed = sink.messages[2]
    assert confirmed.rcpt_tos == ["anne@example.org"]
    assert "https://visio.example.org/r-77" in _text(confirmed.content)

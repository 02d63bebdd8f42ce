"""Documents attached to an event after the meeting: checked on upload, shown on its page, sent to the
people marked present (one email each, exactly once, through the messaging outbox)."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.models import EmailRecord, EventDocument, EventMessage, Registration
from events.services import documents
from tests import factories
from tests.events.test_admin import INLINES_EMPTY, event_form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def with_document(event, upload):
    data = event_form_data(event)
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "0",
            "documents-0-title": "Support de présentation",
            "documents-0-file": upload,
        }
    )
    assert INLINES_EMPTY  # the questions' management form stays empty
    return data


def test_a_coordinator_attaches_a_pdf_shown_on_the_event_page(coordinator_client, client, pole, media):
    event = factories.EventFactory(pole=pole)
    response = coordinator_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        with_document(event, SimpleUploadedFile("support.pdf", PDF, content_type="application/pdf")),
    )

    assert response.status_code == HTTPStatus.FOUND
    document = EventDocument.objects.get()
    assert document.file.name.startswith("evenements/documents/") and document.file.name.endswith(
        "/support.pdf"
    )
    assert (media / document.file.name).read_bytes() == PDF
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Documents de la rencontre" in page
    assert f'<a href="{document.file.url}">Support de présentation</a>' in page


@pytest.mark.parametrize(
    ("name", "content"),
    [("support.pdf", b"MZ\x90\x00 not a pdf"), ("support.exe", PDF), ("notes.odt", b"plain text, not a zip")],
)
def test_a_file_of_the_wrong_type_is_refused_in_french(coordinator_client, pole, media, name, content):
    event = factories.EventFactory(pole=pole)
    response = coordinator_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        with_document(event, SimpleUploadedFile(name, content)),
    )

    assert response.status_code == HTTPStatus.OK
    assert "Envoyez un PDF ou un document bureautique" in response.content.decode()
    assert not EventDocument.objects.exists()
    assert not any(media.rglob("*.*"))


def test_a_file_too_large_is_refused(coordinator_client, pole, media, monkeypatch):
    from events import uploads

    monkeypatch.setattr(uploads, "DOCUMENT_MAX_BYTES", 10)
    event = factories.EventFactory(pole=pole)
    response = coordinator_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        with_document(event, SimpleUploadedFile("support.pdf", PDF)),
    )

    assert response.status_code == HTTPStatus.OK
    assert "Ce fichier est trop volumineux" in response.content.decode()
    assert not EventDocument.objects.exists()


def _meeting_with_people(pole):
    event = factories.EventFactory(pole=pole, title="Rencontre bois")
    EventDocument.objects.create(event=event, title="Compte rendu", file=ContentFile(PDF, name="cr.pdf"))
    present = [
        factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED, attended=True)
        for _ in range(2)
    ]
    factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED, attended=False)
    factories.RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    return event, present


def test_the_action_sends_the_documents_to_the_people_present_exactly_once(
    coordinator_client, pole, committed, settings
):
    event, present = _meeting_with_people(pole)
    url = reverse("admin:events_event_changelist")
    data = {"action": "send_documents", "_selected_action": [event.pk]}

    response = committed(coordinator_client.post, url, data, follow=True)
    committed(coordinator_client.post, url, data, follow=True)  # a second press sends nothing more

    assert "les documents seront envoyés aux 2 personnes présentes" in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in present)
    message = mail.outbox[0]
    assert message.subject == "Documents de la rencontre : Rencontre bois"
    document = EventDocument.objects.get()
    assert f"- Compte rendu (PDF): {settings.SITE_URL}{document.file.url}" in message.body
    assert EventMessage.objects.count() == 1
    assert EmailRecord.objects.filter(kind=EmailRecord.Kind.MESSAGE).count() == 2


def test_a_document_added_later_can_be_sent_in_a_new_message(pole, committed):
    event, present = _meeting_with_people(pole)
    committed(documents.documents_send, event=event)
    EventDocument.objects.create(event=event, title="Diaporama", file=ContentFile(PDF, name="d.pdf"))
    committed(documents.documents_send, event=event)

    assert EventMessage.objects.count() == 2
    assert len(mail.outbox) == 4


def test_nothing_is_sent_without_documents_or_without_anyone_present(pole):
    event = factories.EventFactory(pole=pole)
    factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED, attended=True)
    assert documents.documents_send(event=event) == (None, 0)
    EventDocument.objects.create(event=event, title="CR", file=ContentFile(PDF, name="cr.pdf"))
    event.registrations.update(attended=None)
    assert documents.documents_send(event=event) == (None, 0)

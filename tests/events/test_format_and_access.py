"""Format, online link, access information and image of an event.

The online link reaches confirmed registrants only (confirmation, reminder, their own page) and no
public surface: every public page, feed and file that shows events is fetched and searched for it."""

import io
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from events.models import AccessFeature, Event, Registration
from events.services import outbox, registrations
from tests import factories
from tests.events.test_admin import event_form_data
from tests.events.test_registration_flow import register

pytestmark = pytest.mark.django_db

SECRET = "https://visio.example.org/rencontre-secrete-4821"


@pytest.fixture
def hybrid(pole):
    return factories.EventFactory(
        pole=pole,
        title="Rencontre hybride",
        format=Event.Format.HYBRID,
        online_url=SECRET,
        access_features=[AccessFeature.STEP_FREE, AccessFeature.LSF],
        access_notes="Parking réservé devant l’entrée.",
        capacity=1,
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def public_urls(event):
    return [
        "/",
        reverse("events:list"),
        event.get_absolute_url(),
        reverse("events:ics", kwargs={"slug": event.slug}),
        reverse("events:calendar"),
        f"{reverse('events:calendar')}?pole={event.pole.slug}",
        "/sitemap.xml",
        f"/poles/{event.pole.slug}/",
        reverse("events:workshop", kwargs={"slug": event.workshop.slug}) if event.workshop_id else "/",
        "/api/poles.geojson",
        "/donnees/",
    ]


def test_the_online_link_is_on_no_public_page_feed_or_file(client, hybrid):
    for url in public_urls(hybrid):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == HTTPStatus.OK, url
        assert SECRET.encode() not in body, url
        assert b"rencontre-secrete" not in body, url


def test_the_event_page_shows_the_format_and_access_information(client, hybrid):
    content = client.get(hybrid.get_absolute_url()).content.decode()

    assert "Hybride (en présentiel et en ligne)" in content
    assert "le lien pour participer en ligne est envoyé aux personnes inscrites confirmées" in content
    assert "Accès de plain-pied" in content
    assert "Interprétation en langue des signes française (LSF)" in content
    assert "Parking réservé devant l’entrée." in content


def test_the_confirmation_email_and_the_own_page_carry_the_link_once_confirmed(client, committed, hybrid):
    register(client, committed, hybrid)
    registration = Registration.objects.get()
    request_email = mail.outbox[-1]
    assert SECRET not in request_email.body  # not confirmed yet
    assert SECRET not in client.get(registration.get_absolute_url()).content.decode()

    committed(client.post, registration.get_absolute_url(), {"action": "confirm"})

    confirmed_email = mail.outbox[-1]
    assert "Votre place est réservée" in confirmed_email.subject
    assert SECRET in confirmed_email.body
    assert SECRET in confirmed_email.alternatives[0][0]
    assert SECRET in client.get(registration.get_absolute_url()).content.decode()


def test_the_waiting_list_gets_neither_the_link_nor_a_calendar_entry(client, committed, hybrid):
    factories.RegistrationFactory(event=hybrid, status=Registration.Status.CONFIRMED)
    register(client, committed, hybrid)
    registration = Registration.objects.get(email="anne@example.org")
    committed(client.post, registration.get_absolute_url(), {"action": "confirm"})

    registration.refresh_from_db()
    assert registration.status == Registration.Status.WAITLISTED
    waitlisted_email = mail.outbox[-1]
    assert "liste d’attente" in waitlisted_email.subject
    assert SECRET not in waitlisted_email.body
    assert waitlisted_email.attachments == []
    page = client.get(registration.get_absolute_url()).content.decode()
    assert SECRET not in page
    assert reverse("events:ics", kwargs={"slug": hybrid.slug}) not in page


def test_the_reminder_carries_the_link(hybrid):
    now = timezone.now()
    hybrid.starts_at = now + timedelta(hours=10)
    hybrid.ends_at = now + timedelta(hours=12)
    hybrid.save()
    factories.RegistrationFactory(
        event=hybrid, status=Registration.Status.CONFIRMED, confirmed_at=now - timedelta(days=2)
    )

    outbox.emails_send_due()

    (reminder,) = [m for m in mail.outbox if m.subject.startswith("Rappel")]
    assert SECRET in reminder.body


def test_an_in_person_event_sends_no_online_link(client, committed, pole):
    event = factories.EventFactory(pole=pole, format=Event.Format.IN_PERSON, online_url=SECRET)
    registration = registrations.registration_create(event=event, full_name="Anne", email="anne@example.org")
    committed(registrations.registration_confirm, registration=registration)

    assert all(SECRET not in m.body for m in mail.outbox)


def _png(width=3000, height=2000, fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def test_a_coordinator_uploads_an_image_resized_and_shown_with_its_alt_text(
    coordinator_client, pole, media, client
):
    event = factories.EventFactory(pole=pole)
    upload = SimpleUploadedFile("affiche.png", _png(), content_type="image/png")

    response = coordinator_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_form_data(event, image=upload, image_alt="Affiche de la rencontre"),
    )

    assert response.status_code == HTTPStatus.FOUND
    event.refresh_from_db()
    assert event.image.name.startswith("evenements/images/")
    with Image.open(event.image.path) as stored:
        assert max(stored.size) == 1600
    assert (media / event.image.name).exists()
    page = client.get(event.get_absolute_url()).content.decode()
    assert f'src="{event.image.url}" alt="Affiche de la rencontre"' in page
    listing = client.get(reverse("events:list")).content.decode()
    assert f'src="{event.image.url}" alt="Affiche de la rencontre"' in listing


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("affiche.png", b"not an image at all", "Téléversez une image valide"),
        ("affiche.gif", None, "Envoyez une image JPEG, PNG ou WebP."),
    ],
)
def test_a_file_that_is_not_an_accepted_image_is_refused_in_french(
    coordinator_client, pole, media, name, content, message
):
    event = factories.EventFactory(pole=pole)
    if content is None:
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, format="GIF")
        content = out.getvalue()
    response = coordinator_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_form_data(event, image=SimpleUploadedFile(name, content), image_alt="Affiche"),
    )

    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    event.refresh_from_db()
    assert not event.image
    assert not any(media.rglob("*.*"))


def test_an_image_without_a_description_is_refused(coordinator_client, pole, media):
    event = factories.EventFactory(pole=pole)
    response = coordinator_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_form_data(event, image=SimpleUploadedFile("a.png", _png(20, 20))),
    )

    assert response.status_code == HTTPStatus.OK
    assert "Décrivez l’image pour les personnes qui ne peuvent pas la voir." in response.content.decode()


def test_an_online_event_needs_its_link(coordinator_client, pole):
    event = factories.EventFactory(pole=pole)
    response = coordinator_client.post(
        reverse("admin:events_event_change", args=[event.pk]), event_form_data(event, format="online")
    )

    assert response.status_code == HTTPStatus.OK
    assert "Indiquez le lien de la réunion en ligne." in response.content.decode()


def test_access_features_are_ticked_in_the_admin(coordinator_client, pole):
    event = factories.EventFactory(pole=pole)
    response = coordinator_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_form_data(event, access_features=["hearing_loop", "lsf"], access_notes="Ascenseur"),
    )

    assert response.status_code == HTTPStatus.FOUND
    event.refresh_from_db()
    assert event.access_features == ["hearing_loop", "lsf"]
    assert event.access_labels() == [
        "Boucle magnétique",
        "Interprétation en langue des signes française (LSF)",
    ]


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


def test_the_event_page_runs_as_many_queries_with_one_or_ten_questions_and_documents(client, pole, media):
    from django.core.files.base import ContentFile

    from events.models import EventDocument, Question

    def event_with(n, slug):
        event = factories.EventFactory(pole=pole, slug=slug)
        for i in range(n):
            Question.objects.create(event=event, label=f"Q{i}", kind=Question.Kind.TEXT)
            EventDocument.objects.create(
                event=event, title=f"D{i}", file=ContentFile(b"%PDF-1", name="d.pdf")
            )
        return event

    one, ten = event_with(1, "une"), event_with(10, "dix")
    _queries(client, one.get_absolute_url())  # warm the per-process caches
    assert _queries(client, one.get_absolute_url()) == _queries(client, ten.get_absolute_url())

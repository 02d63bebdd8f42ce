"""The registration flow as a visitor lives it: form, email, confirmation page, waiting list, cancel."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import EmailRecord, Event, Registration
from events.services import registrations
from tests import factories

pytestmark = pytest.mark.django_db


def register(client, committed, event, **overrides):
    data = {
        "full_name": "Anne Le Goff",
        "email": "anne@example.org",
        "organisation": "",
        "organisation_name": "Collectif Éco",
        "consent": "on",
        "website": "",
        **overrides,
    }
    return committed(client.post, reverse("events:register", kwargs={"slug": event.slug}), data, follow=True)


def link_in(message) -> str:
    return re.search(r"https?://\S+/inscription/[\w-]+/", message.body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_registering_creates_a_pending_registration_and_emails_the_link(client, committed, event):
    response = register(client, committed, event)

    assert response.status_code == HTTPStatus.OK
    assert "anne@example.org" in response.content.decode()
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.PENDING
    assert registration.organisation_name == "Collectif Éco"
    assert registration.consent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anne@example.org"]
    assert "Confirmez votre inscription" in message.subject
    assert link_in(message).endswith(registration.get_absolute_url())
    assert registration.get_absolute_url() in message.alternatives[0][0]
    assert EmailRecord.objects.get().status == EmailRecord.Status.SENT


def test_opening_the_link_shows_a_confirm_button_and_does_not_confirm(client, committed, event):
    register(client, committed, event)
    url = path_of(link_in(mail.outbox[0]))

    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert "Confirmer mon inscription" in response.content.decode()
    assert Registration.objects.get().status == Registration.Status.PENDING


def test_posting_the_confirm_button_books_a_seat_and_sends_the_ics(client, committed, event):
    register(client, committed, event)
    url = path_of(link_in(mail.outbox[0]))

    response = committed(client.post, url, {"action": "confirm"}, follow=True)

    assert "Votre inscription est confirmée" in response.content.decode()
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    confirmation = mail.outbox[-1]
    assert "Votre place est réservée" in confirmation.subject
    assert registration.get_absolute_url() in confirmation.body
    (name, content, mimetype) = confirmation.attachments[0]
    assert name == "evenement.ics" and mimetype == "text/calendar"
    assert f"UID:event-{event.pk}@" in content


def test_confirming_when_full_puts_on_the_waiting_list(client, committed):
    event = factories.EventFactory(capacity=1)
    factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    register(client, committed, event)
    url = path_of(link_in(mail.outbox[0]))

    response = committed(client.post, url, {"action": "confirm"}, follow=True)

    assert "liste d’attente" in response.content.decode()
    assert Registration.objects.get(email="anne@example.org").status == Registration.Status.WAITLISTED
    assert "liste d’attente" in mail.outbox[-1].subject


def test_cancelling_promotes_the_oldest_waiting_person(client, committed):
    event = factories.EventFactory(capacity=1)
    seat = factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    now = timezone.now()
    first = factories.RegistrationFactory(
        event=event, status=Registration.Status.WAITLISTED, waitlisted_at=now - timedelta(hours=2)
    )
    second = factories.RegistrationFactory(
        event=event, status=Registration.Status.WAITLISTED, waitlisted_at=now - timedelta(hours=1)
    )

    asked = committed(client.post, seat.get_absolute_url(), {"action": "cancel"})
    seat.refresh_from_db()
    assert "Voulez-vous vraiment annuler votre inscription" in asked.content.decode()
    assert seat.status == Registration.Status.CONFIRMED  # the first press only asks

    response = committed(client.post, seat.get_absolute_url(), {"action": "cancel_confirmed"}, follow=True)

    assert "Votre inscription est annulée" in response.content.decode()
    seat.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert seat.status == Registration.Status.CANCELLED
    assert first.status == Registration.Status.CONFIRMED
    assert second.status == Registration.Status.WAITLISTED
    recipients = {tuple(m.to): m.subject for m in mail.outbox}
    assert "Une place s’est libérée" in recipients[(first.email,)]
    assert (second.email,) not in recipients


def test_a_second_registration_with_the_same_email_points_to_the_first(client, committed, event):
    register(client, committed, event)
    response = register(client, committed, event, email="ANNE@example.org")

    assert "Si cette adresse est déjà inscrite à cet événement, nous vous renvoyons le lien" in (
        response.content.decode()
    )
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 2
    assert Registration.objects.get().get_absolute_url() in mail.outbox[1].body


@pytest.fixture
def client_factory():
    """A new browser each time (its own cookies)."""
    return Client


def _answer(client, committed, event, data):
    """What a visitor's browser gets for a registration POST: the redirect, then the page it leads to
    (per-request values, the CSRF token and the CSP nonce, blanked)."""
    url = reverse("events:register", kwargs={"slug": event.slug})
    posted = committed(client.post, url, data)
    page = client.get(posted["Location"])
    body = re.sub(r'(name="csrfmiddlewaretoken" value=|nonce=)"[^"]*"', r'\1""', page.content.decode())
    return posted.status_code, posted["Location"], page.status_code, body


def test_the_answer_is_the_same_whether_or_not_the_address_is_already_registered(
    client_factory, committed, event
):
    data = {"full_name": "Anne Le Goff", "email": "anne@example.org", "consent": "on", "website": ""}

    new = _answer(client_factory(), committed, event, data)
    already = _answer(client_factory(), committed, event, {**data, "full_name": "Quelqu’un d’autre"})

    assert new == already
    assert Registration.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["anne@example.org"], ["anne@example.org"]]
    assert "Confirmez votre inscription" in mail.outbox[0].subject
    assert Registration.objects.get().get_absolute_url() in mail.outbox[1].body  # the link, re-sent


def test_a_caught_robot_gets_the_same_answer_as_a_person(client_factory, committed, event):
    data = {"full_name": "Anne Le Goff", "email": "anne@example.org", "consent": "on", "website": ""}

    person = _answer(client_factory(), committed, event, data)
    robot = _answer(client_factory(), committed, event, {**data, "website": "http://spam.example"})

    assert person == robot
    assert len(mail.outbox) == 1


def test_registering_again_after_cancelling_is_allowed(client, committed, event):
    factories.RegistrationFactory(event=event, email="anne@example.org", status=Registration.Status.CANCELLED)

    register(client, committed, event)

    assert Registration.objects.filter(status=Registration.Status.PENDING).count() == 1


def test_registration_is_refused_once_registration_has_closed(client, committed):
    event = factories.EventFactory(registration_closes_at=timezone.now() - timedelta(hours=1))

    page = client.get(event.get_absolute_url()).content.decode()
    response = register(client, committed, event)

    assert "Inscriptions closes" in page
    assert 'name="email"' not in page
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "L’inscription n’est pas possible pour cet événement" in response.content.decode()
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_registration_not_open_yet_shows_the_opening_date(client):
    event = factories.EventFactory(registration_opens_at=timezone.now() + timedelta(days=2))

    response = client.get(event.get_absolute_url())

    assert "Les inscriptions ouvrent le" in response.content.decode()
    assert 'name="email"' not in response.content.decode()


def test_a_full_event_still_takes_registrations_for_the_waiting_list(client):
    event = factories.EventFactory(capacity=1)
    factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)

    response = client.get(event.get_absolute_url())

    content = response.content.decode()
    assert "liste d’attente" in content
    assert 'name="email"' in content


def test_members_only_event_requires_a_member_organisation(client, committed):
    event = factories.EventFactory(audience=Event.Audience.MEMBERS)
    member = factories.ActorFactory(pole=event.pole)

    response = register(client, committed, event)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "réservé aux organisations membres" in response.content.decode()
    assert not Registration.objects.exists()

    register(client, committed, event, organisation=str(member.pk))

    assert Registration.objects.get().organisation == member


def test_the_organisation_list_offers_the_published_members_of_the_event_pole_only(client):
    event = factories.EventFactory()
    factories.ActorFactory(name="Coopérative d'un autre pôle")
    factories.ActorFactory(name="Zzz Association", pole=event.pole)
    factories.ActorFactory(name="Aaa Association", pole=event.pole)
    factories.ActorFactory(name="Brouillon", pole=event.pole, is_published=False)

    content = client.get(event.get_absolute_url()).content.decode()

    assert content.index("Aaa Association") < content.index("Zzz Association")
    assert "autre pôle" not in content
    assert "Brouillon" not in content


def test_consent_is_required(client, committed, event):
    response = register(client, committed, event, consent="")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "sans votre consentement" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_filled_honeypot_registers_nobody(client, committed, event):
    response = register(client, committed, event, website="http://spam.example")

    assert response.status_code == HTTPStatus.OK
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_a_cancelled_event_takes_no_registration(client, committed):
    event = factories.EventFactory(status=Event.Status.CANCELLED)

    page = client.get(event.get_absolute_url()).content.decode()
    register(client, committed, event)

    assert "Cet événement est annulé" in page
    assert not Registration.objects.exists()


def test_the_registration_page_of_an_unknown_token_is_not_found(client):
    assert client.get("/inscription/nope/").status_code == HTTPStatus.NOT_FOUND


def test_registrations_are_rate_limited_per_address(client, committed, event, settings):
    settings.REGISTRATION_RATE = "2/h"
    for n in range(2):
        register(client, committed, event, email=f"p{n}@example.org")

    response = committed(
        client.post,
        reverse("events:register", kwargs={"slug": event.slug}),
        {"full_name": "P", "email": "p9@example.org", "consent": "on"},
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Trop de tentatives" in response.content.decode()
    assert Registration.objects.count() == 2


def test_emails_are_written_in_the_registrants_language(client, committed, event):
    client.cookies["django_language"] = "en"

    register(client, committed, event)

    assert Registration.objects.get().language == "en"
    assert "Please confirm your registration" in mail.outbox[0].subject


def dead_redis(backend):
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


@pytest.mark.parametrize(
    "backend", ["core.cache.ResilientRedisCache", "django.core.cache.backends.redis.RedisCache"]
)
@pytest.mark.parametrize(
    ("fail_open", "status", "created"),
    [(True, HTTPStatus.FOUND, 1), (False, HTTPStatus.TOO_MANY_REQUESTS, 0)],
)
def test_with_the_cache_down_the_rate_limit_fails_as_configured(
    client, committed, event, settings, backend, fail_open, status, created
):
    settings.CACHES = dead_redis(backend)
    settings.RATELIMIT_FAIL_OPEN = fail_open

    response = committed(
        client.post,
        reverse("events:register", kwargs={"slug": event.slug}),
        {"full_name": "Anne", "email": "anne@example.org", "consent": "on"},
    )

    assert response.status_code == status
    assert Registration.objects.count() == created


def test_plain_text_emails_are_not_html_escaped_and_html_ones_are(committed):
    event = factories.EventFactory(title='L\'atelier "bois" & paille')

    committed(
        registrations.registration_create, event=event, full_name="Anne O'Neil", email="anne@example.org"
    )

    (message,) = mail.outbox
    assert "Bonjour Anne O'Neil," in message.body
    assert 'L\'atelier "bois" & paille' in message.body
    html = message.alternatives[0][0]
    assert "L&#39;atelier &#34;bois&#34; &amp; paille" in html  # Jinja2's escaping (jinja2/emails/)
    assert 'L\'atelier "bois"' not in html

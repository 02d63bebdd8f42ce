"""Workshop cycles: one form for several sessions, one link and one email for the cycle, seats, waiting
lists and reminders per session, and the workshop page showing each session's state."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import CycleBooking, EmailRecord, Event, Registration
from events.services import cycles, outbox
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(db):
    workshop = factories.WorkshopFactory(title="Éco-construction en Pays de Redon")
    start = timezone.now() + timedelta(days=10)
    for n, capacity in enumerate([2, 1, None]):
        factories.EventFactory(
            pole=workshop.pole,
            workshop=workshop,
            kind=Event.Kind.WORKSHOP_SESSION,
            title=f"Séance {n + 1}",
            starts_at=start + timedelta(days=7 * n),
            capacity=capacity,
        )
    return workshop


def sessions_of(workshop):
    return list(workshop.events.order_by("starts_at"))


def post_cycle(client, committed, workshop, sessions, **overrides):
    data = {
        "sessions": [event.pk for event in sessions],
        "full_name": "Anne Le Goff",
        "email": "anne@example.org",
        "organisation": "",
        "organisation_name": "Collectif Éco",
        "consent": "on",
        "website": "",
        **overrides,
    }
    url = reverse("events:cycle_register", kwargs={"slug": workshop.slug})
    return committed(client.post, url, data, follow=True)


def cycle_link(message) -> str:
    return "/" + re.search(r"https?://\S+(/inscription/cycle/[\w-]+/)", message.body).group(1).lstrip("/")


def test_the_workshop_page_shows_the_cycle_with_each_sessions_state(client, workshop):
    first, second, third = sessions_of(workshop)
    factories.RegistrationFactory(event=second, status=Registration.Status.CONFIRMED)
    third.status = Event.Status.CANCELLED
    third.save()
    factories.EventFactory(
        pole=workshop.pole,
        workshop=workshop,
        title="Séance de lancement",
        starts_at=timezone.now() - timedelta(days=3),
    )

    page = client.get(workshop.get_absolute_url()).content.decode()

    assert page.count('class="cycle-session') == 4
    assert "Séance de lancement" in page and "Événement terminé" in page  # past
    assert "2 places restantes" in page  # places left
    assert "Complet" in page  # full: the second session's only seat is taken
    assert "Événement annulé" in page  # cancelled
    # The form offers the sessions that accept registrations (open or full), all ticked.
    assert page.count('name="sessions"') == 2
    assert page.count("checked") >= 2
    assert 'action="/ateliers/' in page


def test_registering_for_the_cycle_sends_one_link_and_confirming_sends_one_email(client, committed, workshop):
    first, second, third = sessions_of(workshop)
    factories.RegistrationFactory(event=second, status=Registration.Status.CONFIRMED)

    response = post_cycle(client, committed, workshop, [first, second, third])

    assert response.status_code == HTTPStatus.OK
    booking = CycleBooking.objects.get()
    registrations = list(booking.registrations_in_order())
    assert [r.event for r in registrations] == [first, second, third]
    assert {r.status for r in registrations} == {Registration.Status.PENDING}
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    request = mail.outbox[0]
    assert "Confirmez votre inscription à l’atelier" in request.subject
    assert all(event.title in request.body for event in (first, second, third))

    page = client.get(cycle_link(request))
    assert page.status_code == HTTPStatus.OK
    assert Registration.objects.filter(status=Registration.Status.PENDING).count() == 3  # GET changes nothing
    committed(client.post, cycle_link(request), {"action": "confirm"})
    committed(client.post, cycle_link(request), {"action": "confirm"})  # twice: still one email

    session_page = client.get(registrations[0].get_absolute_url()).content.decode()
    assert f'href="{booking.get_absolute_url()}"' in session_page  # each session links its cycle

    statuses = {r.event_id: r.status for r in booking.registrations.all()}
    assert statuses == {
        first.pk: Registration.Status.CONFIRMED,
        second.pk: Registration.Status.WAITLISTED,  # its one seat was taken
        third.pk: Registration.Status.CONFIRMED,
    }
    assert len(mail.outbox) == 2
    confirmed = mail.outbox[1]
    assert "Votre inscription à l’atelier" in confirmed.subject
    assert "Sur liste d’attente" in confirmed.body or "liste d’attente" in confirmed.body
    calendar = confirmed.attachments[0][1]
    assert calendar.count("BEGIN:VEVENT") == 2  # the sessions with a seat only
    sent = EmailRecord.objects.filter(status=EmailRecord.Status.SENT)
    assert sent.count() == 2 and set(sent.values_list("key", flat=True)) == {booking.email_key}


def test_choosing_sessions_registers_for_those_only(client, committed, workshop):
    first, second, third = sessions_of(workshop)
    post_cycle(client, committed, workshop, [first, third])
    assert sorted(Registration.objects.values_list("event_id", flat=True)) == [first.pk, third.pk]


def test_no_session_chosen_is_a_french_error_and_records_nothing(client, committed, workshop):
    response = post_cycle(client, committed, workshop, [])
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choisissez au moins une séance." in response.content.decode()
    assert not Registration.objects.exists() and not CycleBooking.objects.exists()
    assert mail.outbox == []


def test_a_session_of_another_workshop_is_refused(client, committed, workshop):
    other = factories.EventFactory(pole=workshop.pole)
    response = post_cycle(client, committed, workshop, [other])
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Registration.objects.exists()


def test_registering_again_sends_the_link_again_without_a_new_cycle(client, committed, workshop):
    sessions = sessions_of(workshop)
    post_cycle(client, committed, workshop, sessions)
    post_cycle(client, committed, workshop, sessions)
    assert CycleBooking.objects.count() == 1
    assert Registration.objects.count() == 3
    assert [m.subject.split(":")[0] for m in mail.outbox][1] == "Votre inscription "


def test_reminders_are_per_session(committed, workshop):
    first, second, third = sessions_of(workshop)
    booking = committed(
        cycles.cycle_register,
        workshop=workshop,
        events=[first, third],
        full_name="Anne",
        email="anne@example.org",
    )
    committed(cycles.cycle_confirm, booking=booking)
    mail.outbox.clear()

    day_before_first = first.starts_at - timedelta(hours=20)
    outbox.emails_send_due(now=day_before_first)
    assert [m.to for m in mail.outbox] == [["anne@example.org"]]
    assert first.title in mail.outbox[0].subject
    outbox.emails_send_due(now=day_before_first)  # the sweep again: nothing twice
    assert len(mail.outbox) == 1
    outbox.emails_send_due(now=third.starts_at - timedelta(hours=20))
    assert len(mail.outbox) == 2 and third.title in mail.outbox[1].subject


def test_cancelling_a_full_session_of_a_cycle_promotes_its_waiting_list(committed, workshop):
    first, second, _third = sessions_of(workshop)
    people = []
    for name in ("a", "b"):
        booking = committed(
            cycles.cycle_register,
            workshop=workshop,
            events=[second],
            full_name=name,
            email=f"{name}@example.org",
        )
        committed(cycles.cycle_confirm, booking=booking)
        people.append(booking)
    taken, waiting = (b.registrations.get() for b in people)
    assert (taken.status, waiting.status) == (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED)

    committed(cycles.cycle_cancel, booking=people[0])

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    last = {m.to[0]: m.subject for m in mail.outbox[-2:]}
    assert "Votre inscription à l’atelier est annulée" in last["a@example.org"]
    assert "Une place s’est libérée pour vous" in last["b@example.org"]


def test_attendance_is_per_session(committed, workshop):
    first, second, third = sessions_of(workshop)
    booking = committed(
        cycles.cycle_register, workshop=workshop, events=[first, third], full_name="A", email="a@example.org"
    )
    committed(cycles.cycle_confirm, booking=booking)
    from events.services.registrations import registrations_mark_attendance

    registrations_mark_attendance(registrations=Registration.objects.filter(event=first), attended=True)
    assert dict(booking.registrations.values_list("event_id", "attended")) == {first.pk: True, third.pk: None}


def test_an_unknown_cycle_link_is_404(client):
    assert client.get(reverse("events:cycle", kwargs={"token": "nope"})).status_code == HTTPStatus.NOT_FOUND

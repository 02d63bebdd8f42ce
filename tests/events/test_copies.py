"""Events without retyping: duplicate an event at a new date, a workshop's sessions from a list of dates,
and no iCalendar internals in the event form."""

from datetime import datetime, timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import EmailRecord, Event, EventMessage, Registration
from tests import factories

pytestmark = pytest.mark.django_db


def paris(*args):
    return timezone.make_aware(datetime(*args))


def test_duplicating_an_event_copies_everything_but_the_date_and_the_registrations(coordinator_client, pole):
    commune = factories.CommuneFactory(name="Redon")
    workshop = factories.WorkshopFactory(pole=pole)
    event = factories.EventFactory(
        pole=pole,
        title="Rencontre des coopératives",
        description="Ordre du jour",
        venue="Salle Ravel",
        address="2 rue des Halles",
        commune=commune,
        latitude=47.65,
        longitude=-2.08,
        capacity=40,
        kind=Event.Kind.WORKSHOP_SESSION,
        workshop=workshop,
        starts_at=paris(2031, 3, 14, 9, 30),
        ends_at=paris(2031, 3, 14, 12, 0),
        sequence=4,
    )
    registration = factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    EmailRecord.objects.create(registration=registration, kind=EmailRecord.Kind.CONFIRMED)
    EventMessage.objects.create(
        event=event, audience="confirmed", subject="Salle", body="Texte", draft_key="k"
    )
    url = reverse("admin:events_event_duplicate", args=[event.pk])

    assert coordinator_client.get(url).status_code == HTTPStatus.OK
    response = coordinator_client.post(url, {"starts_at": "2031-04-11T14:00"})

    copy = Event.objects.exclude(pk=event.pk).get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:events_event_change", args=[copy.pk])
    assert copy.starts_at == paris(2031, 4, 11, 14, 0)
    assert copy.ends_at - copy.starts_at == timedelta(hours=2, minutes=30)
    for name in ["title", "description", "venue", "address", "commune", "latitude", "longitude", "capacity"]:
        assert getattr(copy, name) == getattr(event, name), name
    assert (copy.kind, copy.pole, copy.workshop) == (event.kind, pole, workshop)
    assert copy.status == Event.Status.DRAFT and copy.sequence == 0
    assert copy.slug != event.slug
    assert not copy.registrations.exists() and not copy.messages.exists()
    assert EmailRecord.objects.count() == 1 and Registration.objects.count() == 1


def test_the_event_page_offers_the_copy(coordinator_client, pole):
    event = factories.EventFactory(pole=pole)

    content = coordinator_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    assert reverse("admin:events_event_duplicate", args=[event.pk]) in content


def test_the_event_form_hides_the_icalendar_sequence(coordinator_client, pole):
    event = factories.EventFactory(pole=pole, sequence=3)

    content = coordinator_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    assert "field-sequence" not in content and "SEQUENCE" not in content


def test_a_workshops_sessions_are_created_from_a_list_of_dates(coordinator_client, pole):
    workshop = factories.WorkshopFactory(pole=pole, title="Atelier mobilité")
    url = reverse("admin:events_workshop_sessions", args=[workshop.pk])
    change = coordinator_client.get(reverse("admin:events_workshop_change", args=[workshop.pk]))
    assert url in change.content.decode()
    assert coordinator_client.get(url).status_code == HTTPStatus.OK

    response = coordinator_client.post(
        url,
        {
            "dates": "14/03/2031 09:30\n\n 11/04/2031 14:00 \n",
            "title": "Séance mobilité",
            "duration": "90",
            "venue": "Tiers-lieu",
            "capacity": "12",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    sessions = list(workshop.events.order_by("starts_at"))
    assert [s.starts_at for s in sessions] == [paris(2031, 3, 14, 9, 30), paris(2031, 4, 11, 14, 0)]
    for session in sessions:
        assert session.ends_at - session.starts_at == timedelta(minutes=90)
        assert (session.venue, session.capacity, session.title) == ("Tiers-lieu", 12, "Séance mobilité")
        assert (session.kind, session.pole, session.status) == (
            Event.Kind.WORKSHOP_SESSION,
            pole,
            Event.Status.DRAFT,
        )
    assert len({s.slug for s in sessions}) == 2


def test_a_wrong_line_creates_no_session_and_says_which(coordinator_client, pole):
    workshop = factories.WorkshopFactory(pole=pole)
    url = reverse("admin:events_workshop_sessions", args=[workshop.pk])

    response = coordinator_client.post(
        url,
        {"dates": "14/03/2031 09:30\n31/02/2031 10:00\nmardi prochain", "title": "Séance", "duration": "60"},
    )

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert not workshop.events.exists()
    assert "Ligne 2 (« 31/02/2031 10:00 ») n’est pas une date" in content
    assert "Ligne 3 (« mardi prochain »)" in content


def test_another_poles_event_and_workshop_answer_404(coordinator_client):
    event = factories.EventFactory()
    workshop = factories.WorkshopFactory()
    urls = [
        reverse("admin:events_event_duplicate", args=[event.pk]),
        reverse("admin:events_workshop_sessions", args=[workshop.pk]),
    ]
    data = {"starts_at": "2031-04-11T14:00", "dates": "14/03/2031 09:30", "title": "X", "duration": "60"}

    for url in urls:
        assert coordinator_client.get(url).status_code == HTTPStatus.NOT_FOUND
        assert coordinator_client.post(url, data).status_code == HTTPStatus.NOT_FOUND
    assert Event.objects.count() == 1

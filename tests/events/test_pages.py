"""Public pages: the event list and its filters, the archive, an event, a workshop; query budgets."""

from datetime import datetime, timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event, Registration
from tests import factories

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    """Queries of the page rendered afresh: both tiers of the page cache emptied."""
    from django.core.cache import cache

    from core.local_caches import clear_process_caches

    cache.clear()
    clear_process_caches()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(context)


def test_the_list_shows_upcoming_published_events_only(client):
    upcoming = factories.EventFactory(title="Rencontre à venir")
    factories.EventFactory(title="Brouillon caché", status=Event.Status.DRAFT)
    start = timezone.now() - timedelta(days=3)
    past = factories.EventFactory(
        title="Rencontre passée", starts_at=start, ends_at=start + timedelta(hours=2)
    )

    content = client.get("/evenements/").content.decode()
    archive = client.get("/evenements/archives/").content.decode()

    assert upcoming.title in content
    assert "Brouillon caché" not in content and past.title not in content
    assert past.title in archive and upcoming.title not in archive


def test_the_list_filters_by_pole_kind_and_workshop(client):
    workshop = factories.WorkshopFactory()
    session = factories.EventFactory(
        title="Séance éco-construction",
        pole=workshop.pole,
        workshop=workshop,
        kind=Event.Kind.WORKSHOP_SESSION,
    )
    meeting = factories.EventFactory(title="Rencontre de Redon")

    by_pole = client.get(f"/evenements/?pole={meeting.pole.slug}").content.decode()
    by_kind = client.get("/evenements/?kind=workshop_session").content.decode()
    by_workshop = client.get(f"/evenements/?workshop={workshop.slug}").content.decode()

    assert meeting.title in by_pole and session.title not in by_pole
    assert session.title in by_kind and meeting.title not in by_kind
    assert session.title in by_workshop and meeting.title not in by_workshop


def test_a_malformed_filter_is_a_400_with_a_french_message(client):
    factories.EventFactory()

    response = client.get("/evenements/?kind=banquet")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_the_event_page_shows_paris_time_seats_left_and_the_map(client):
    paris = ZoneInfo("Europe/Paris")
    event = factories.EventFactory(
        starts_at=datetime(2027, 7, 1, 9, 30, tzinfo=paris),
        ends_at=datetime(2027, 7, 1, 12, 0, tzinfo=paris),
        capacity=5,
        latitude=47.65,
        longitude=-2.08,
    )
    factories.RegistrationFactory.create_batch(2, event=event, status=Registration.Status.CONFIRMED)

    content = client.get(event.get_absolute_url()).content.decode()

    assert "1 juillet 2027, 09:30" in content
    assert "3 places restantes" in content
    assert 'data-lat="47.650000"' in content
    assert "js/event-map.js" in content


def test_the_event_page_lists_the_other_sessions_of_its_workshop(client):
    workshop = factories.WorkshopFactory()
    first = factories.EventFactory(pole=workshop.pole, workshop=workshop)
    second = factories.EventFactory(pole=workshop.pole, workshop=workshop, title="Deuxième séance")

    content = client.get(first.get_absolute_url()).content.decode()

    assert second.title in content
    assert workshop.get_absolute_url() in content


def test_the_workshop_page_lists_sessions_and_participants(client):
    workshop = factories.WorkshopFactory()
    actor = factories.ActorFactory(name="SCOP Bois Local")
    factories.ActorFactory(name="Non publiée", is_published=False)
    workshop.participants.add(actor)
    session = factories.EventFactory(pole=workshop.pole, workshop=workshop)

    content = client.get(workshop.get_absolute_url()).content.decode()

    assert session.title in content
    assert actor.name in content and "Non publiée" not in content


def test_a_cancelled_event_is_marked_on_the_list(client):
    factories.EventFactory(status=Event.Status.CANCELLED)

    assert "Événement annulé" in client.get("/evenements/").content.decode()


def test_the_list_runs_the_same_queries_for_one_or_fifty_events(client):
    pole = factories.PoleFactory()
    workshop = factories.WorkshopFactory(pole=pole)
    factories.EventFactory(pole=pole, workshop=workshop)
    one = count_queries(client, "/evenements/")
    for _ in range(19):
        event = factories.EventFactory(pole=pole, workshop=workshop, commune=factories.CommuneFactory())
        factories.RegistrationFactory.create_batch(2, event=event, status=Registration.Status.CONFIRMED)
    for _ in range(30):
        factories.EventFactory()

    assert count_queries(client, "/evenements/") == one


def test_the_event_page_runs_the_same_queries_for_one_or_fifty_rows(client):
    workshop = factories.WorkshopFactory()
    event = factories.EventFactory(pole=workshop.pole, workshop=workshop)
    factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    factories.ActorFactory(pole=event.pole)
    factories.EventFactory(pole=workshop.pole, workshop=workshop)
    one = count_queries(client, event.get_absolute_url())
    factories.RegistrationFactory.create_batch(49, event=event, status=Registration.Status.CONFIRMED)
    factories.ActorFactory.create_batch(49, pole=event.pole)
    factories.EventFactory.create_batch(49, pole=workshop.pole, workshop=workshop)

    assert count_queries(client, event.get_absolute_url()) == one


def test_the_workshop_page_runs_the_same_queries_for_one_or_fifty_rows(client):
    workshop = factories.WorkshopFactory()
    workshop.participants.add(factories.ActorFactory())
    factories.EventFactory(pole=workshop.pole, workshop=workshop)
    one = count_queries(client, workshop.get_absolute_url())
    workshop.participants.add(*factories.ActorFactory.create_batch(49))
    factories.EventFactory.create_batch(49, pole=workshop.pole, workshop=workshop)

    assert count_queries(client, workshop.get_absolute_url()) == one


@pytest.mark.django_db
def test_an_event_cannot_take_the_slug_of_the_archive_page():
    from django.core.exceptions import ValidationError

    event = factories.EventFactory.build(slug="archives", pole=factories.PoleFactory())
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "slug" in error.value.message_dict


def test_the_list_shows_the_seats_left_of_each_event_on_the_page(client):
    event = factories.EventFactory(capacity=10)
    factories.RegistrationFactory.create_batch(3, event=event, status=Registration.Status.CONFIRMED)
    factories.EventFactory(capacity=5)

    content = client.get("/evenements/").content.decode()

    assert "7 places restantes" in content
    assert "5 places restantes" in content

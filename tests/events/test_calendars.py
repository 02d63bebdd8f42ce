"""iCalendar files: valid, stable UIDs, Paris local times across a daylight-saving change, filters."""

from datetime import datetime
from http import HTTPStatus
from zoneinfo import ZoneInfo

import icalendar
import pytest

from events.models import Event
from events.services import changes as event_changes
from tests import factories

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def parse(response):
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_local_times_are_right_on_both_sides_of_the_spring_change(client):
    before = factories.EventFactory(
        starts_at=datetime(2027, 3, 27, 10, 0, tzinfo=PARIS),
        ends_at=datetime(2027, 3, 27, 12, 0, tzinfo=PARIS),
    )
    after = factories.EventFactory(
        starts_at=datetime(2027, 3, 29, 10, 0, tzinfo=PARIS),
        ends_at=datetime(2027, 3, 29, 12, 0, tzinfo=PARIS),
    )

    for event, utc_hour in ((before, 9), (after, 8)):
        calendar = parse(client.get(f"/evenements/{event.slug}.ics"))
        (vevent,) = calendar.walk("VEVENT")
        start = vevent.decoded("dtstart")
        assert vevent["dtstart"].params["TZID"] == "Europe/Paris"
        assert (start.hour, start.minute) == (10, 0)
        assert start.astimezone(ZoneInfo("UTC")).hour == utc_hour
        assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"


def test_the_event_file_carries_uid_location_url_and_sequence(client, settings):
    commune = factories.CommuneFactory(name="Redon")
    event = factories.EventFactory(venue="Salle du Parc", address="2 rue de la Gare", commune=commune)

    calendar = parse(client.get(f"/evenements/{event.slug}.ics"))

    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["uid"]) == f"event-{event.pk}@127.0.0.1"
    assert str(vevent["location"]) == "Salle du Parc, 2 rue de la Gare, Redon"
    assert str(vevent["url"]) == settings.SITE_URL + event.get_absolute_url()
    assert vevent["sequence"] == 0
    assert str(vevent["summary"]) == event.title


def test_a_change_keeps_the_uid_and_raises_the_sequence(client):
    event = factories.EventFactory()
    first = parse(client.get(f"/evenements/{event.slug}.ics")).walk("VEVENT")[0]

    event.venue = "Ailleurs"
    event_changes.event_update(event=event)
    second = parse(client.get(f"/evenements/{event.slug}.ics")).walk("VEVENT")[0]

    assert second["uid"] == first["uid"]
    assert second["sequence"] == first["sequence"] + 1


def test_the_feed_lists_upcoming_published_events_and_filters_by_pole(client):
    mine = factories.EventFactory()
    other = factories.EventFactory()
    factories.EventFactory(pole=mine.pole, status=Event.Status.DRAFT)

    everything = parse(client.get("/evenements.ics"))
    filtered = parse(client.get(f"/evenements.ics?pole={mine.pole.slug}"))

    assert {str(v["summary"]) for v in everything.walk("VEVENT")} == {mine.title, other.title}
    assert [str(v["summary"]) for v in filtered.walk("VEVENT")] == [mine.title]


def test_an_unknown_pole_in_the_feed_is_a_clear_400(client):
    response = client.get("/evenements.ics?pole=nulle-part")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_a_draft_event_has_no_calendar_file(client):
    event = factories.EventFactory(status=Event.Status.DRAFT)

    assert client.get(f"/evenements/{event.slug}.ics").status_code == HTTPStatus.NOT_FOUND

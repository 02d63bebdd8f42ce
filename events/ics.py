"""iCalendar files of events: one event, a list of events, and the attachment of emails.

Every VEVENT keeps the same UID for the life of its event (``event-<pk>@<host>``) and carries the
event's SEQUENCE, raised by the services on each change, so calendar clients update the entry they
already have instead of adding a second one. Times are written in Europe/Paris with a VTIMEZONE.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

from .models import Event

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//ESS Bretagne//Portail des pôles ESS//FR"


def event_uid(event: Event) -> str:
    """The stable UID of an event: its primary key at the site's host."""
    host = urlsplit(settings.SITE_URL).hostname or "ess-bretagne.invalid"
    return f"event-{event.pk}@{host}"


def _paris_timezone() -> icalendar.Timezone:
    """Europe/Paris with the EU summer-time rule (last Sunday of March to last Sunday of October)."""
    tz = icalendar.Timezone()
    tz.add("tzid", "Europe/Paris")
    tz.add("x-lic-location", "Europe/Paris")
    daylight = icalendar.TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", timezone.timedelta(hours=1))
    daylight.add("tzoffsetto", timezone.timedelta(hours=2))
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    standard = icalendar.TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", timezone.timedelta(hours=2))
    standard.add("tzoffsetto", timezone.timedelta(hours=1))
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(daylight)
    tz.add_component(standard)
    return tz


def _location(event: Event) -> str:
    commune = event.commune.name if event.commune_id else ""
    return ", ".join(part for part in (event.venue, event.address, commune) if part)


def _vevent(event: Event) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", datetime.now(UTC))
    vevent.add("last-modified", event.updated_at or datetime.now(UTC))
    vevent.add("dtstart", event.starts_at.astimezone(PARIS))
    vevent.add("dtend", event.ends_at.astimezone(PARIS))
    vevent.add("summary", event.title)
    if event.description:
        vevent.add("description", event.description)
    location = _location(event)
    if location:
        vevent.add("location", location)
    if event.has_position:
        vevent.add("geo", (event.latitude, event.longitude))
    vevent.add("url", settings.SITE_URL + event.get_absolute_url())
    if event.pole.email:
        vevent.add("organizer", f"mailto:{event.pole.email}")
    vevent.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
    return vevent


def calendar_for(events: Iterable[Event], *, name: str | None = None, method: str | None = None) -> bytes:
    """An iCalendar file holding ``events`` (each needs ``pole`` and ``commune`` loaded)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    calendar.add_component(_paris_timezone())
    for event in events:
        calendar.add_component(_vevent(event))
    return calendar.to_ical()


def event_calendar(event: Event, *, method: str | None = None) -> bytes:
    """The iCalendar file of one event (a CANCEL method when the event is cancelled and asked so)."""
    return calendar_for([event], name=event.title, method=method)

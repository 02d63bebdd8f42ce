"""The agenda as others reuse it and as the month view shows it: the month calendar of ``/evenements/``,
the RSS and Atom feeds, the open-data exports (CSV and JSON, same filters and licence as the
organisations) and the embeddable agenda of a pole.

Every one of them reads the events through :class:`~events.filters.EventFilter`, so a filter means the
same thing in the list, the month view, the feeds, the exports and the iframe.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core import csv_export
from core.queries import InvalidQuery, bad_request, filtered
from core.ratelimit import api_rate_limited

from .filters import PARIS, EventFilter, month_bounds
from .ics import event_uid
from .models import Event

#: What the open data says about its reuse (the same licence as the directory's).
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
FEED_ITEMS = 50
EMBED_ITEMS = 10
#: Most events a month view lists (a month of the whole network); the rest is in the list.
MONTH_EVENTS = 500


# --------------------------------------------------------------------------------------------------
# The month view


@dataclass
class Day:
    date: date
    in_month: bool
    events: list = field(default_factory=list)


def month_weeks(first: date, events) -> list[list[Day]]:
    """The weeks (Monday first) of the month starting on ``first``, each day with the events held that
    day (Paris time; an event over several days is shown on each)."""
    weeks = [
        [Day(day, day.month == first.month) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    by_date = {day.date: day for week in weeks for day in week}
    for event in events:
        day = timezone.localtime(event.starts_at, PARIS).date()
        last = timezone.localtime(event.ends_at - timedelta(seconds=1), PARIS).date()
        while day <= last:
            if day in by_date:
                by_date[day].events.append(event)
            day += timedelta(days=1)
    return weeks


def month_context(filterset, first: date) -> dict:
    """What the month view needs: the weeks, the month's bounds and its neighbours."""
    start, end = month_bounds(first)
    events = (
        filterset.qs.filter(starts_at__lt=end, ends_at__gte=start)
        .select_related("pole")
        .order_by("starts_at")[:MONTH_EVENTS]
    )
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return {
        "month": first,
        "weeks": month_weeks(first, list(events)),
        "previous_month": f"{previous:%Y-%m}",
        "next_month": f"{following:%Y-%m}",
        "weekdays": [date(2024, 1, day) for day in range(1, 8)],  # a Monday to a Sunday, for their names
    }


# --------------------------------------------------------------------------------------------------
# Feeds


class EventsFeed(Feed):
    """``/evenements/flux.rss``: the next events, filterable like the list (``?pole=<slug>``...)."""

    feed_type = Rss201rev2Feed
    title = gettext_lazy("ESS poles of Brittany: events")
    description = gettext_lazy("Thematic meetings and co-production workshops of the ESS poles of Brittany.")

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidQuery as exc:
            return HttpResponse(exc.as_text(), status=400, content_type="text/plain; charset=utf-8")

    def get_object(self, request):
        filterset = EventFilter(
            request.GET or None,
            queryset=Event.objects.published().upcoming().select_related("pole", "commune"),
        )
        return filtered(filterset)

    def link(self):
        return reverse("events:list")

    def items(self, events):
        return events.order_by("starts_at", "pk")[:FEED_ITEMS]

    def item_title(self, event):
        prefix = _("Cancelled:") + " " if event.status == Event.Status.CANCELLED else ""
        return prefix + event.title

    def item_description(self, event):
        start = timezone.localtime(event.starts_at, PARIS)
        place = ", ".join(p for p in (event.venue, event.commune.name if event.commune_id else "") if p)
        lines = [f"{start:%d/%m/%Y %H:%M} — {event.pole.name}" + (f" — {place}" if place else "")]
        if event.description:
            lines.append(event.description)
        return "\n\n".join(lines)

    def item_guid(self, event):
        return event_uid(event)

    item_guid_is_permalink = False

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):
        return event.updated_at

    def item_author_name(self, event):
        return event.pole.name


class EventsAtomFeed(EventsFeed):
    """``/evenements/flux.atom``: the same, in Atom."""

    feed_type = Atom1Feed
    subtitle = EventsFeed.description


# --------------------------------------------------------------------------------------------------
# Open data

COLUMNS = [
    ("title", gettext_lazy("Title of the event")),
    ("url", gettext_lazy("Its page, with the registration form")),
    ("kind", gettext_lazy("Kind: meeting, workshop_session or other")),
    ("status", gettext_lazy("Status: published or cancelled")),
    ("pole", gettext_lazy("Organising pole")),
    ("pole_slug", gettext_lazy("The pole's identifier (the pole filter)")),
    ("workshop", gettext_lazy("Co-production workshop the session belongs to")),
    ("starts_at", gettext_lazy("Start (ISO 8601, Paris time with its offset)")),
    ("ends_at", gettext_lazy("End (ISO 8601, Paris time with its offset)")),
    ("venue", gettext_lazy("Venue")),
    ("address", gettext_lazy("Address")),
    ("commune", gettext_lazy("Commune")),
    ("insee_code", gettext_lazy("INSEE code of the commune")),
    ("latitude", gettext_lazy("Latitude (WGS84), when the venue is placed")),
    ("longitude", gettext_lazy("Longitude (WGS84), when the venue is placed")),
    ("capacity", gettext_lazy("Number of seats (empty: no limit)")),
    ("audience", gettext_lazy("Audience: public or members")),
    ("updated_at", gettext_lazy("Last change")),
]
FIELDS = [
    "title", "slug", "kind", "status", "pole__name", "pole__slug", "workshop__title", "starts_at", "ends_at",
    "venue", "address", "commune__name", "commune__insee_code", "latitude", "longitude", "capacity",
    "audience", "updated_at",
]  # fmt: skip


def _rows(request):
    """One dict per published event matching the filters (upcoming and past), in date order."""
    filterset = EventFilter(request.GET or None, queryset=Event.objects.published())
    site = settings.SITE_URL
    for row in filtered(filterset).order_by("starts_at", "pk").values(*FIELDS).iterator(chunk_size=500):
        yield {
            "title": row["title"],
            "url": site + reverse("events:detail", kwargs={"slug": row["slug"]}),
            "kind": row["kind"],
            "status": row["status"],
            "pole": row["pole__name"],
            "pole_slug": row["pole__slug"],
            "workshop": row["workshop__title"] or "",
            "starts_at": timezone.localtime(row["starts_at"], PARIS).isoformat(),
            "ends_at": timezone.localtime(row["ends_at"], PARIS).isoformat(),
            "venue": row["venue"],
            "address": row["address"],
            "commune": row["commune__name"] or "",
            "insee_code": row["commune__insee_code"] or "",
            "latitude": row["latitude"],
            "longitude": row["longitude"],
            "capacity": row["capacity"],
            "audience": row["audience"],
            "updated_at": row["updated_at"].isoformat(timespec="seconds"),
        }


@require_GET
@api_rate_limited("api.events.csv")
def events_csv(request):
    """``/donnees/evenements.csv``: UTF-8 with BOM and ``;`` (as the back-office exports), no cell runs
    as a formula (:func:`core.csv_export.csv_response`)."""
    try:
        rows = list(_rows(request))
    except InvalidQuery as exc:
        return bad_request(exc.errors)
    names = [name for name, _help in COLUMNS]
    response = csv_export.csv_response(
        "evenements-ess-bretagne.csv", names, ([row[name] for name in names] for row in rows)
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@api_rate_limited("api.events.json")
def events_json(request):
    """``/donnees/evenements.json``: the same rows, with the licence and the source."""
    try:
        rows = list(_rows(request))
    except InvalidQuery as exc:
        return bad_request(exc.errors)
    body = {
        "source": "ESS Bretagne",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "count": len(rows),
        "events": rows,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def column_help() -> list[tuple[str, str]]:
    return [(name, str(help_text)) for name, help_text in COLUMNS]

"""Events made without retyping: a copy of an event at a new date, a workshop's sessions from a list of
dates. Every event made here is a draft with a fresh slug and iCalendar SEQUENCE 0; registrations,
messages and outbox rows belong to the original and are never copied."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from ..models import RESERVED_EVENT_SLUGS, Event, Workshop

#: The fields an event's copy takes from its original (the dates are shifted, the rest is kept).
COPIED_FIELDS = (
    "pole_id",
    "kind",
    "workshop_id",
    "title",
    "description",
    "venue",
    "address",
    "commune_id",
    "latitude",
    "longitude",
    "capacity",
    "audience",
)

#: One line of a list of session dates: "JJ/MM/AAAA HH:MM" (Paris time).
SESSION_LINE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2})[:h](\d{2})$")


def event_slug(title: str) -> str:
    """A slug for an event titled ``title`` that no event uses and no page of the site hides behind."""
    base = slugify(title)[:200] or "evenement"
    taken = set(Event.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_EVENT_SLUGS
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def event_duplicate(*, event: Event, starts_at: datetime) -> Event:
    """A draft copy of ``event`` starting at ``starts_at``, same duration; its registration window, if
    any, moves by as much as the date."""
    shift = starts_at - event.starts_at
    copy = Event(
        **{name: getattr(event, name) for name in COPIED_FIELDS},
        slug=event_slug(event.title),
        starts_at=starts_at,
        ends_at=starts_at + (event.ends_at - event.starts_at),
        registration_opens_at=event.registration_opens_at + shift if event.registration_opens_at else None,
        registration_closes_at=(
            event.registration_closes_at + shift if event.registration_closes_at else None
        ),
        status=Event.Status.DRAFT,
        sequence=0,
    )
    copy.save()
    return copy


def session_dates_parse(text: str) -> list[datetime]:
    """The dates of ``text``, one "JJ/MM/AAAA HH:MM" a line (Paris time; blank lines ignored).

    Raises a :class:`ValidationError` naming every wrong line, so that nothing is created from a list
    with a mistake in it.
    """
    dates, errors = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = SESSION_LINE.match(line)
        try:
            if match is None:
                raise ValueError
            day, month, year, hour, minute = (int(part) for part in match.groups())
            dates.append(timezone.make_aware(datetime(year, month, day, hour, minute)))
        except ValueError:
            errors.append(
                gettext("Line %(number)d (“%(line)s”) is not a date and time such as 14/03/2026 09:30.")
                % {"number": number, "line": line}
            )
    if errors:
        raise ValidationError(errors)
    if not dates:
        raise ValidationError(gettext("Give at least one date, one per line."))
    return dates


@dataclass(frozen=True)
class SessionPlan:
    """What every session of a batch shares."""

    title: str
    duration: timedelta
    venue: str = ""
    address: str = ""
    commune_id: int | None = None
    capacity: int | None = None


def workshop_sessions_create(*, workshop: Workshop, dates: list[datetime], plan: SessionPlan) -> list[Event]:
    """One draft session of ``workshop`` at each of ``dates``, all alike; all or none are created."""
    sessions = []
    with transaction.atomic():
        for starts_at in sorted(dates):
            title = plan.title or workshop.title
            session = Event(
                pole_id=workshop.pole_id,
                kind=Event.Kind.WORKSHOP_SESSION,
                workshop=workshop,
                title=title,
                description=workshop.description,
                slug=event_slug(f"{title} {timezone.localtime(starts_at):%Y-%m-%d}"),
                starts_at=starts_at,
                ends_at=starts_at + plan.duration,
                venue=plan.venue,
                address=plan.address,
                commune_id=plan.commune_id,
                capacity=plan.capacity,
                status=Event.Status.DRAFT,
            )
            session.save()
            sessions.append(session)
    return sessions

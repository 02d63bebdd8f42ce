"""Rendering of the outbox's emails: plain text and HTML, in the registrant's language.

Templates live in ``jinja2/emails/<kind>.txt`` and ``<kind>.html`` (the public side's one engine). Every email carries the link to
the registrant's own page, where they can cancel; emails about a seat or a change carry the event's
.ics (same UID, current SEQUENCE), except to people on the waiting list; the online link of an online
or hybrid event goes only to people who hold a seat.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .cycle_models import CYCLE_KEY_PREFIX
from .ics import calendar_for, event_calendar
from .models import CycleBooking, EmailRecord, EventMessage
from .selectors import waiting_list_text

Kind = EmailRecord.Kind

SUBJECTS = {
    Kind.CONFIRMATION_REQUEST: _("Please confirm your registration: %(title)s"),
    Kind.CONFIRMED: _("Your seat is booked: %(title)s"),
    Kind.WAITLISTED: _("You are on the waiting list: %(title)s"),
    Kind.PROMOTED: _("A seat is free for you: %(title)s"),
    Kind.REMINDER: _("Reminder: %(title)s"),
    Kind.EVENT_CHANGED: _("Change of date, time or place: %(title)s"),
    Kind.EVENT_CANCELLED: _("Event cancelled: %(title)s"),
    Kind.CANCELLED: _("Your registration is cancelled: %(title)s"),
    Kind.LINK: _("Your registration: %(title)s"),
    Kind.MESSAGE: "%(title)s",
}

#: The emails of a workshop cycle (one for all its sessions: ``events.services.cycles``).
CYCLE_SUBJECTS = {
    Kind.CONFIRMATION_REQUEST: _("Please confirm your registration for the workshop: %(title)s"),
    Kind.CONFIRMED: _("Your registration for the workshop: %(title)s"),
    Kind.CANCELLED: _("Your registration for the workshop is cancelled: %(title)s"),
}

WITH_CALENDAR = {Kind.CONFIRMED, Kind.PROMOTED, Kind.REMINDER, Kind.EVENT_CHANGED, Kind.EVENT_CANCELLED}
#: Emails that carry the online link, when their registrant holds a seat (never the waiting list).
WITH_ONLINE_LINK = {Kind.CONFIRMED, Kind.PROMOTED, Kind.REMINDER, Kind.EVENT_CHANGED}


def email_context(*, event, registration, registration_url: str) -> dict:
    """What every email template needs: the event, the registrant and their links."""
    return {
        "registration": registration,
        "event": event,
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "registration_url": registration_url,
        "cancel_url": f"{registration_url}#annuler",
        "privacy_url": settings.SITE_URL + reverse("events:privacy"),
        "site_url": settings.SITE_URL,
    }


def build_message(record: EmailRecord) -> EmailMultiAlternatives:
    """The email of one outbox row (``registration__event__pole`` and ``__commune`` loaded)."""
    registration = record.registration
    event = registration.event
    registration_url = registration.get_absolute_site_url()
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        context = {
            "record": record,
            **email_context(event=event, registration=registration, registration_url=registration_url),
        }
        template = record.kind
        cycle_sessions = None
        holds_seat = registration.status == registration.Status.CONFIRMED
        if record.kind in WITH_ONLINE_LINK and holds_seat and event.is_online:
            context["online_url"] = event.online_url
        if record.kind == Kind.WAITLISTED:
            context["waiting_list"] = waiting_list_text(registration)
        if record.key.startswith(CYCLE_KEY_PREFIX) and record.kind in CYCLE_SUBJECTS:
            booking = CycleBooking.objects.select_related("workshop").get(
                pk=int(record.key.removeprefix(CYCLE_KEY_PREFIX))
            )
            cycle_registrations = list(booking.registrations_in_order())
            cycle_sessions = [r.event for r in cycle_registrations if r.status == r.Status.CONFIRMED]
            context.update(
                booking=booking,
                workshop=booking.workshop,
                cycle_registrations=cycle_registrations,
                cycle_url=settings.SITE_URL + booking.get_absolute_url(),
            )
            template = f"cycle_{record.kind}"
            subject = str(CYCLE_SUBJECTS[record.kind]) % {"title": booking.workshop.title}
        elif record.kind == Kind.MESSAGE:
            message = EventMessage.objects.get(pk=int(record.key))
            context.update(subject=message.subject, body=message.body)
            subject = message.subject
        else:
            subject = str(SUBJECTS[record.kind]) % {"title": event.title}
        text = render_to_string(f"emails/{template}.txt", context, using="jinja2")
        html = render_to_string(f"emails/{template}.html", context, using="jinja2")
    message = EmailMultiAlternatives(
        subject=subject.replace("\n", " "),
        body=text,
        to=[registration.email],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    message.attach_alternative(html, "text/html")
    if cycle_sessions is not None:
        if cycle_sessions and record.kind == Kind.CONFIRMED:  # only the sessions with a seat
            message.attach(
                "atelier.ics",
                calendar_for(cycle_sessions, name=context["workshop"].title, method="PUBLISH").decode(),
                "text/calendar",
            )
    # The waiting list gets no calendar entry: it holds no seat (docs/decisions.md).
    elif record.kind in WITH_CALENDAR and registration.status != registration.Status.WAITLISTED:
        message.attach("evenement.ics", event_calendar(event, method="PUBLISH").decode(), "text/calendar")
    return message

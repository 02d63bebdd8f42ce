"""Rendering of the outbox's emails: plain text and HTML, in the registrant's language.

Templates live in ``jinja2/emails/<kind>.txt`` and ``<kind>.html`` (the public side's one engine). Every email carries the link to
the registrant's own page, where they can cancel; emails about a seat or a change carry the event's
.ics (same UID, current SEQUENCE).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .ics import event_calendar
from .models import EmailRecord, EventMessage

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

WITH_CALENDAR = {Kind.CONFIRMED, Kind.PROMOTED, Kind.REMINDER, Kind.EVENT_CHANGED, Kind.EVENT_CANCELLED}


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
        if record.kind == Kind.MESSAGE:
            message = EventMessage.objects.get(pk=int(record.key))
            context.update(subject=message.subject, body=message.body)
            subject = message.subject
        else:
            subject = str(SUBJECTS[record.kind]) % {"title": event.title}
        text = render_to_string(f"emails/{record.kind}.txt", context, using="jinja2")
        html = render_to_string(f"emails/{record.kind}.html", context, using="jinja2")
    message = EmailMultiAlternatives(
        subject=subject.replace("\n", " "),
        body=text,
        to=[registration.email],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    message.attach_alternative(html, "text/html")
    if record.kind in WITH_CALENDAR:
        message.attach("evenement.ics", event_calendar(event, method="PUBLISH").decode(), "text/calendar")
    return message

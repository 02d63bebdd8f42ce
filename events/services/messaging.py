"""Writing to an event's registrants: the confirmed, the people marked present or the waiting list.

A message is an :class:`~events.models.EventMessage` row; each recipient then gets one outbox row
(``EmailRecord`` of kind ``message``, key = the message's id), so the unique (registration, kind, key)
constraint makes every person get it exactly once, however many times the writing runs. The rows are
written by the worker (:func:`message_write_outbox`, task ``events.message_write_outbox``), never in
the request, and the outbox sends them like every other email, each with the person's own page and
cancel link. The test sent to oneself has no registration, hence no outbox row: it is rendered from
the same templates and sent by the worker (task ``events.message_send_test``).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from core.publish import publish_task

from ..emails import email_context
from ..models import EmailRecord, Event, EventMessage, Registration
from .outbox import emails_create

Audience = EventMessage.Audience
logger = logging.getLogger(__name__)


def message_audience(*, event: Event, audience: str) -> QuerySet[Registration]:
    """The registrations a message to ``audience`` reaches (with an email, not anonymised)."""
    registrations = event.registrations.not_anonymised().exclude(email="")
    if audience == Audience.PRESENT:
        return registrations.active().filter(attended=True)
    if audience == Audience.WAITLISTED:
        return registrations.waitlisted()
    return registrations.confirmed()


def message_create(
    *, event: Event, audience: str, subject: str, body: str, draft_key: str, author=None
) -> EventMessage:
    """Record a message and have the worker write one outbox row per recipient once it commits.

    ``draft_key`` comes from the preview: the same draft sent twice is recorded once."""
    with transaction.atomic():
        message, created = EventMessage.objects.get_or_create(
            draft_key=draft_key,
            defaults={
                "event": event,
                "audience": audience,
                "subject": subject.strip(),
                "body": body.strip(),
                "author": author,
            },
        )
        if not created:
            return message
        transaction.on_commit(lambda: message_hand_to_worker(message_id=message.pk), robust=True)
    return message


def message_hand_to_worker(*, message_id: int) -> None:
    """Publish the writing of a message's outbox rows; a broker that is down costs at most
    ``REDIS_TIMEOUT``, and the message stays queued until its page hands it over again
    (:func:`messages_requeue`)."""
    try:
        publish_task("events.message_write_outbox", message_id, retry=False)
    except Exception as exc:  # kombu and redis raise several kinds; the page must still answer
        logger.warning("Broker unavailable (%s): message %s left queued", exc, message_id)


def messages_requeue(*, event: Event, older_than: timedelta = timedelta(minutes=1)) -> int:
    """Hand the event's messages still queued after ``older_than`` to the worker again (the writing is
    idempotent); called when their page is shown."""
    stale = list(
        event.messages.filter(
            status=EventMessage.Status.QUEUED, created_at__lt=timezone.now() - older_than
        ).values_list("pk", flat=True)
    )
    for message_id in stale:
        message_hand_to_worker(message_id=message_id)
    return len(stale)


def message_test_to_worker(*, event: Event, subject: str, body: str, to: str) -> None:
    """Publish the test of a message to its author, on commit, never hanging on a dead broker."""

    def publish():
        try:
            publish_task("events.message_send_test", event.pk, subject, body, to, retry=False)
        except Exception as exc:  # as above
            logger.warning("Broker unavailable (%s): test message not sent", exc)

    transaction.on_commit(publish, robust=True)


def message_write_outbox(*, message: EventMessage) -> int:
    """One outbox row per recipient of ``message`` (idempotent: a second run writes none).

    Returns the number of recipients."""
    with transaction.atomic():
        people = list(message_audience(event=message.event, audience=message.audience))
        emails_create(people, kind=EmailRecord.Kind.MESSAGE, key=str(message.pk))
        message.recipients = EmailRecord.objects.filter(
            kind=EmailRecord.Kind.MESSAGE, key=str(message.pk)
        ).count()
        message.status = EventMessage.Status.WRITTEN
        message.save(update_fields=["recipients", "status"])
    return message.recipients


def message_context(*, event: Event, subject: str, body: str, registration: Registration | None) -> dict:
    """What the ``emails/message.*`` templates need; without a registration, an example's links."""
    registration_url = registration.get_absolute_site_url() if registration else settings.SITE_URL + "/"
    return {
        **email_context(
            event=event,
            registration=registration or {"full_name": gettext("(the registrant's name)")},
            registration_url=registration_url,
        ),
        "subject": subject,
        "body": body,
    }


def message_render(*, event: Event, subject: str, body: str, registration=None) -> tuple[str, str, str]:
    """(subject, text, html) of a message, as one registrant (or the preview) receives it."""
    context = message_context(event=event, subject=subject, body=body, registration=registration)
    return (
        subject.replace("\n", " "),
        render_to_string("emails/message.txt", context, using="jinja2"),
        render_to_string("emails/message.html", context, using="jinja2"),
    )


def message_send_test(*, event: Event, subject: str, body: str, to: str) -> None:
    """Send the message to the coordinator themselves, marked as a test (called by the worker)."""
    subject, text, html = message_render(event=event, subject=subject, body=body)
    email = EmailMultiAlternatives(
        subject=f"[{gettext('Test')}] {subject}",
        body=text,
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(html, "text/html")
    email.send()

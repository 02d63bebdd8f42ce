"""After a meeting: its documents (slides, minutes) sent to the people marked present.

Sending goes through the messaging service (:mod:`events.services.messaging`): one
:class:`~events.models.EventMessage` to the audience "present" whose body lists the documents'
links, written to the outbox by the worker, one email per person present, exactly once. The draft key
names the set of documents, so sending the same documents twice (a double click, a second coordinator)
sends nothing more, while a document added later can be sent in a new message.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from ..models import Event, EventMessage
from .messaging import message_audience, message_create


def documents_message_body(event: Event) -> str:
    lines = [gettext("Thank you for coming. The documents of the meeting are online:"), ""]
    for document in event.documents.all():
        lines.append(f"- {document.title} ({document.extension}): {settings.SITE_URL}{document.file.url}")
    return "\n".join(lines)


def documents_send(*, event: Event, author=None) -> tuple[EventMessage | None, int]:
    """Send the event's documents to the people marked present; returns (message, recipients).

    ``(None, 0)`` when the event has no document or nobody was marked present."""
    documents = list(event.documents.order_by("pk").values_list("pk", flat=True))
    recipients = message_audience(event=event, audience=EventMessage.Audience.PRESENT).count()
    if not documents or not recipients:
        return None, 0
    with translation.override(settings.LANGUAGE_CODE):
        message = message_create(
            event=event,
            audience=EventMessage.Audience.PRESENT,
            subject=gettext("Documents of the meeting: %(title)s") % {"title": event.title},
            body=documents_message_body(event),
            draft_key="documents-" + hashlib.sha256(f"{event.pk}:{documents}".encode()).hexdigest()[:30],
            author=author,
        )
    return message, recipients

"""Celery tasks of the events app: thin wrappers that take ids and call a service.

Nothing is scheduled ahead with an ETA: the beat runs ``events.send_due_emails`` every few minutes and
it finds what is due in the outbox (reminders included). Every task is safe to run twice at once.
"""

from celery import shared_task

from events.services import messaging, outbox

from .models import Event, EventMessage
from .services import personal_data


@shared_task(name="events.send_emails", ignore_result=True)
def send_emails(record_ids: list[int]) -> int:
    """Send these outbox rows now if they are still due (published on commit by the services)."""
    return outbox.emails_send(ids=record_ids)


@shared_task(name="events.send_due_emails", ignore_result=True)
def send_due_emails() -> int:
    """The beat sweep: write the reminders that fell due and send every due, unsent email."""
    return outbox.emails_send_due()


@shared_task(name="events.purge_personal_data", ignore_result=True)
def purge_personal_data() -> dict[str, int]:
    """Erase what is past its retention period in every place a person's data is kept (registrations
    of events that ended long enough ago, their emails and admin history, proposals, login records)."""
    return personal_data.personal_data_purge()


@shared_task(name="events.message_write_outbox", ignore_result=True)
def message_write_outbox(message_id: int) -> int:
    """Write one outbox row per recipient of a message to an event's registrants (safe to run twice)."""
    message = EventMessage.objects.select_related("event").filter(pk=message_id).first()
    return messaging.message_write_outbox(message=message) if message else 0


@shared_task(name="events.message_send_test", ignore_result=True)
def message_send_test(event_id: int, subject: str, body: str, to: str) -> None:
    """Send a message to its author as a test, before it goes to the registrants."""
    event = Event.objects.select_related("pole", "commune").get(pk=event_id)
    messaging.message_send_test(event=event, subject=subject, body=body, to=to)

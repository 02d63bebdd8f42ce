"""Celery tasks of the accounts app: thin wrappers around ``accounts.services``, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="accounts.send_emails", ignore_result=True)
def send_emails(record_ids: list[int]) -> int:
    """Send these account emails now if they are still due (published on commit by the services)."""
    return services.account_emails_send(ids=record_ids)


@shared_task(name="accounts.send_due_emails", ignore_result=True)
def send_due_emails() -> int:
    """The beat sweep: every due, unsent account email (the broker was down when it was written)."""
    return services.account_emails_send_due()

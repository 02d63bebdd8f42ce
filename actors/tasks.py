"""Celery tasks of the actors app: thin wrappers that take ids and call a service.

The CSV import runs here rather than in a web request (a 5,000-row file takes longer than a request
may). Every task is safe to run twice: a job is claimed once (``import_jobs.import_job_run``).
"""

from celery import shared_task

from actors.services import error_reports, freshness, import_jobs, proposal_emails, selfservice_emails


@shared_task(name="actors.run_import_job", ignore_result=True)
def run_import_job(job_id: int) -> bool:
    """Preview or import one uploaded file (published on commit by ``import_jobs.import_job_create``)."""
    return import_jobs.import_job_run(job_id=job_id)


@shared_task(name="actors.requeue_import_jobs", ignore_result=True)
def requeue_import_jobs() -> int:
    """The beat sweep: hand again to the worker the import jobs left waiting or abandoned."""
    return import_jobs.import_jobs_requeue()


@shared_task(name="actors.send_proposal_emails", ignore_result=True)
def send_proposal_emails(record_ids: list[int]) -> int:
    """Send these proposal emails now if they are still due (published on commit by the services)."""
    return proposal_emails.proposal_emails_send(ids=record_ids)


@shared_task(name="actors.send_due_proposal_emails", ignore_result=True)
def send_due_proposal_emails() -> int:
    """The beat sweep: every due, unsent proposal email (the broker was down when it was written)."""
    return proposal_emails.proposal_emails_send_due()


@shared_task(name="actors.send_selfservice_emails", ignore_result=True)
def send_selfservice_emails(record_ids: list[int]) -> int:
    """Send these self-service and freshness emails now if they are still due (published on commit)."""
    return selfservice_emails.selfservice_emails_send(ids=record_ids)


@shared_task(name="actors.send_due_selfservice_emails", ignore_result=True)
def send_due_selfservice_emails() -> int:
    """The beat sweep: every due, unsent self-service or freshness email."""
    return selfservice_emails.selfservice_emails_send_due()


@shared_task(name="actors.freshness_checks", ignore_result=True)
def freshness_checks() -> int:
    """The daily beat run: this period's "Votre fiche est-elle à jour ?" to whoever has not had it."""
    return freshness.freshness_checks_create()


@shared_task(name="actors.send_error_report_emails", ignore_result=True)
def send_error_report_emails(record_ids: list[int]) -> int:
    """Send these error report emails now if they are still due (published on commit by the service)."""
    return error_reports.error_report_emails_send(ids=record_ids)


@shared_task(name="actors.send_due_error_report_emails", ignore_result=True)
def send_due_error_report_emails() -> int:
    """The beat sweep: every due, unsent error report email (the broker was down when it was written)."""
    return error_reports.error_report_emails_send_due()

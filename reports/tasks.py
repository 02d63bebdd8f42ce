"""Celery tasks of the reports app: thin wrappers around ``reports.services``."""

from celery import shared_task

from . import memberships, services


@shared_task(name="reports.build_report_job", ignore_result=True)
def build_report_job(job_id: int) -> bool:
    """Build one report export (PDF, spreadsheet, CSV); published on commit by ``report_job_create``."""
    return services.report_job_run(job_id=job_id)


@shared_task(name="reports.requeue_report_jobs", ignore_result=True)
def requeue_report_jobs() -> int:
    """The beat sweep: hand again to the worker the report exports left waiting or abandoned."""
    return services.report_jobs_requeue()


@shared_task(name="reports.sync_memberships", ignore_result=True)
def sync_memberships() -> tuple[int, int]:
    """Nightly: the membership history catches up with bulk changes of organisations' poles."""
    return memberships.memberships_sync()

"""Celery tasks of the actors app: thin wrappers that take ids and call a service.

The CSV import runs here rather than in a web request (a 5,000-row file takes longer than a request
may). Every task is safe to run twice: a job is claimed once (``import_jobs.import_job_run``).
"""

from celery import shared_task

from actors.services import import_jobs


@shared_task(name="actors.run_import_job", ignore_result=True)
def run_import_job(job_id: int) -> bool:
    """Preview or import one uploaded file (published on commit by ``import_jobs.import_job_create``)."""
    return import_jobs.import_job_run(job_id=job_id)


@shared_task(name="actors.requeue_import_jobs", ignore_result=True)
def requeue_import_jobs() -> int:
    """The beat sweep: hand again to the worker the import jobs left waiting or abandoned."""
    return import_jobs.import_jobs_requeue()

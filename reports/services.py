"""Writes of the reports app: the report exports built by the worker.

Like the CSV import's jobs (``actors.services.import_jobs``): a row first, the task published (by name,
``core.publish``) after commit, the job claimed by one conditional UPDATE, its progress recorded for its
page, a job left waiting handed again to the worker by the beat (``reports.requeue_report_jobs``) or by
its page. The membership history lives in ``reports.memberships``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.jobs import JobLost, job_claim, job_lease, job_nudge, jobs_due
from core.publish import publish_task

from .models import ReportJob

logger = logging.getLogger(__name__)


# ----------------------------------------------------------------------------------------- report jobs

REPORT_JOB_REQUEUE_AFTER = timedelta(minutes=1)
REPORT_JOB_STALE_AFTER = timedelta(minutes=10)
REPORT_JOB_MAX_ATTEMPTS = 3
REPORT_JOB_STEPS = 4  # figures, PDF, spreadsheet, CSV
REPORT_JOB_FAILED = gettext_lazy(
    "The report could not be built. Try again; if it fails again, tell the regional team."
)


def report_job_create(*, kind: str, period, user, pole=None, partner=None) -> ReportJob:
    """Record an export request and hand it to the worker once committed."""
    job = ReportJob.objects.create(
        kind=kind,
        pole=pole if kind == ReportJob.Kind.POLE else None,
        partner=partner if kind == ReportJob.Kind.FUNDER else None,
        period_start=period.start,
        period_end=period.end,
        created_by=user if getattr(user, "pk", None) else None,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        progress_total=REPORT_JOB_STEPS,
    )
    transaction.on_commit(lambda: _publish(job.pk), robust=True)
    return job


def _publish(job_id: int) -> None:
    ReportJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    publish_task("reports.build_report_job", job_id)


def report_job_nudge(*, job: ReportJob, now: datetime | None = None) -> bool:
    """Hand a job to the worker again if it has waited too long (its page asks on every poll)."""
    return job_nudge(job, requeue_after=REPORT_JOB_REQUEUE_AFTER, publish=_publish_on_commit, now=now)


def _publish_on_commit(job_id: int) -> None:
    transaction.on_commit(lambda: _publish(job_id), robust=True)


def report_jobs_requeue(*, now: datetime | None = None) -> int:
    """The beat's sweep: jobs left waiting, or abandoned by a dead worker, go to the worker again; those
    tried too often are failed."""
    due = jobs_due(
        ReportJob,
        requeue_after=REPORT_JOB_REQUEUE_AFTER,
        stale_after=REPORT_JOB_STALE_AFTER,
        max_attempts=REPORT_JOB_MAX_ATTEMPTS,
        failed={"error": str(REPORT_JOB_FAILED)},
        now=now,
    )
    for pk in due:
        _publish(pk)
    return len(due)


def report_job_run(*, job_id: int) -> bool:
    """Build a job's files in the worker. Safe to run twice: the job is claimed by one UPDATE."""
    from . import exports
    from .selectors import Period, build_report

    if not job_claim(
        ReportJob, job_id, stale_after=REPORT_JOB_STALE_AFTER, max_attempts=REPORT_JOB_MAX_ATTEMPTS
    ):
        return False
    job = ReportJob.objects.select_related("pole", "partner").defer("pdf", "xlsx", "csv").get(pk=job_id)
    mine = job_lease(job)

    def step(done: int, **files) -> None:
        if not mine.update(progress_done=done, updated_at=timezone.now(), **files):
            raise JobLost

    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            report = build_report(
                job.kind, Period(job.period_start, job.period_end), pole=job.pole, partner=job.partner
            )
            step(1)
            pdf = exports.report_pdf(report)
            step(2)
            xlsx = exports.report_xlsx(report)
            step(3)
            csv = exports.report_csv(report)
            finished = timezone.now()
            if not mine.update(
                pdf=pdf,
                xlsx=xlsx,
                csv=csv,
                progress_done=REPORT_JOB_STEPS,
                status=ReportJob.Status.DONE,
                finished_at=finished,
                updated_at=finished,
            ):
                raise JobLost
        except JobLost:
            logger.warning("Report job %s was taken over by another worker", job.pk)
        except Exception:
            logger.exception("Report job %s failed", job.pk)
            mine.update(
                status=ReportJob.Status.FAILED,
                error=str(REPORT_JOB_FAILED),
                finished_at=timezone.now(),
                updated_at=timezone.now(),
            )
    return True


def report_job_progress(job: ReportJob) -> dict:
    """What the job's page shows while the worker runs (also its JSON status, polled by the page)."""
    steps = [
        _("Computing the figures…"),
        _("Writing the PDF…"),
        _("Writing the spreadsheet…"),
        _("Writing the CSV file…"),
    ]
    if job.status == ReportJob.Status.QUEUED:
        text = _("Waiting for the worker to start…")
    elif job.status == ReportJob.Status.RUNNING:
        text = steps[min(job.progress_done, len(steps) - 1)]
    elif job.status == ReportJob.Status.FAILED:
        text = job.error or str(REPORT_JOB_FAILED)
    else:
        text = _("Finished.")
    return {
        "status": job.status,
        "done": job.progress_done,
        "total": job.progress_total or REPORT_JOB_STEPS,
        "finished": job.finished,
        "text": str(text),
    }

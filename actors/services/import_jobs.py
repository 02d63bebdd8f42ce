"""Import jobs: the preview and the confirmed import of a CSV file run in the worker."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.jobs import JobLost, job_claim, job_lease, job_nudge, jobs_due
from core.publish import publish_task
from poles.models import Pole

from ..models import ImportJob
from .imports import ImportReport, actors_import_check, actors_import_write

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------------
# Import jobs: the preview and the confirmed import run in the worker
# --------------------------------------------------------------------------------------------------
#
# An upload becomes an ImportJob row (file, pole, user, language); its id is handed to the worker once
# the row is committed (``transaction.on_commit(..., robust=True)``: a broker that is down delays the
# job, never fails the upload). The worker claims the job with one conditional UPDATE, so a message
# delivered twice runs it once; it records its progress in the row (the page polls it, a reload keeps
# it) and finally the report. The confirmed import marks the job done in the same transaction as its
# writes. The beat sweep ``import_jobs_requeue`` hands again to the worker any job left waiting (broker
# down, message lost) or whose worker died mid-run; the job's page does the same for its own job.

IMPORT_JOB_REQUEUE_AFTER = timedelta(minutes=1)
IMPORT_JOB_STALE_AFTER = timedelta(minutes=10)
IMPORT_JOB_MAX_ATTEMPTS = 3
IMPORT_JOB_KEEP_UNCONFIRMED = timedelta(days=7)
IMPORT_PROGRESS_SECONDS = 0.5
IMPORT_JOB_FAILED = gettext_lazy(
    "The import stopped on an unexpected error and nothing was written: upload the file again, or ask "
    "the regional team if it happens again."
)


def import_job_create(*, pole: Pole, user, file_name: str, content: bytes) -> ImportJob:
    """Keep an uploaded file and have the worker preview it (a dry run) once the row is committed."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            pole=pole,
            created_by=user,
            file_name=file_name[:255],
            content=content,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        _import_job_publish_on_commit(job.pk)
    return job


def import_job_confirm(*, job: ImportJob) -> bool:
    """Have the worker import a previewed file in which every row is valid.

    False, and nothing happens, when the job is not such a preview (already confirmed, rows in error,
    or the file expired).
    """
    with transaction.atomic():
        confirmed = (
            ImportJob.objects.filter(
                pk=job.pk, stage=ImportJob.Stage.PREVIEW, status=ImportJob.Status.DONE, report__ok=True
            )
            .exclude(content=b"")
            .update(
                stage=ImportJob.Stage.IMPORT,
                status=ImportJob.Status.QUEUED,
                progress_done=0,
                attempts=0,
                enqueued_at=None,
                started_at=None,
                finished_at=None,
                updated_at=timezone.now(),
            )
        )
        if confirmed:
            _import_job_publish_on_commit(job.pk)
    return bool(confirmed)


def _import_job_publish_on_commit(job_id: int) -> None:
    transaction.on_commit(lambda: _import_job_publish(job_id), robust=True)


def _import_job_publish(job_id: int) -> None:
    """Hand the job to a worker; never retry here: a broker outage is the sweep's business."""
    ImportJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    publish_task("actors.run_import_job", job_id, retry=False)


def import_job_nudge(*, job: ImportJob, now: datetime | None = None) -> bool:
    """Hand a job left waiting (over ``IMPORT_JOB_REQUEUE_AFTER``) to the worker again; the job's page
    calls it so that a job whose message was lost moves on even without the beat. True if re-sent."""
    return job_nudge(job, requeue_after=IMPORT_JOB_REQUEUE_AFTER, publish=_import_job_publish, now=now)


def import_jobs_requeue(*, now: datetime | None = None) -> int:
    """The beat sweep: re-send the jobs left waiting and those whose worker died; returns how many.

    A job that failed ``IMPORT_JOB_MAX_ATTEMPTS`` times is marked failed instead. Previews left
    unconfirmed for ``IMPORT_JOB_KEEP_UNCONFIRMED`` lose their file (their report stays).
    """
    now = now or timezone.now()
    failed = ImportReport(pole=None, dry_run=True, file_errors=[str(IMPORT_JOB_FAILED)]).as_json()
    due = jobs_due(
        ImportJob,
        requeue_after=IMPORT_JOB_REQUEUE_AFTER,
        stale_after=IMPORT_JOB_STALE_AFTER,
        max_attempts=IMPORT_JOB_MAX_ATTEMPTS,
        failed={"report": failed},
        now=now,
    )
    sent = 0
    for job_id in due[:100]:
        try:
            _import_job_publish(job_id)
        except Exception:  # the broker is still down: the next sweep tries again
            logger.warning("Import job %s could not be handed to the worker", job_id, exc_info=True)
            break
        sent += 1
    ImportJob.objects.filter(
        stage=ImportJob.Stage.PREVIEW,
        status=ImportJob.Status.DONE,
        finished_at__lt=now - IMPORT_JOB_KEEP_UNCONFIRMED,
    ).exclude(content=b"").update(content=b"", updated_at=now)
    return sent


def import_job_run(*, job_id: int) -> bool:
    """Run a job's stage in the worker: the preview (dry run) or the confirmed import, all or nothing.

    Safe to run twice: the job is claimed by one conditional UPDATE (queued, or running with no sign of
    life for ``IMPORT_JOB_STALE_AFTER``), and the import is marked done in the transaction of its
    writes. Returns False when there was nothing to run.
    """
    if not job_claim(
        ImportJob, job_id, stale_after=IMPORT_JOB_STALE_AFTER, max_attempts=IMPORT_JOB_MAX_ATTEMPTS
    ):
        return False
    job = ImportJob.objects.select_related("pole", "created_by").get(pk=job_id)
    mine = job_lease(job)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            _import_job_stage(job, mine)
        except JobLost:
            logger.warning("Import job %s was taken over by another worker", job.pk)
        except Exception:
            logger.exception("Import job %s failed", job.pk)
            report = ImportReport(pole=job.pole, dry_run=True, file_errors=[str(IMPORT_JOB_FAILED)])
            mine.update(
                status=ImportJob.Status.FAILED,
                report=report.as_json(),
                finished_at=timezone.now(),
                updated_at=timezone.now(),
            )
    return True


def _import_job_stage(job: ImportJob, mine: QuerySet[ImportJob]) -> None:
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        if done and done < total and time.monotonic() - last < IMPORT_PROGRESS_SECONDS:
            return
        last = time.monotonic()
        if not mine.update(progress_done=done, progress_total=total, updated_at=timezone.now()):
            raise JobLost

    report = actors_import_check(pole=job.pole, file=job.content, user=job.created_by, progress=progress)
    if job.stage == ImportJob.Stage.IMPORT and report.ok:
        with transaction.atomic():
            if not mine.select_for_update().exists():
                raise JobLost
            actors_import_write(report=report)
            _import_job_finish(mine, report, empty_file=report.written)
        return
    report.dry_run = job.stage == ImportJob.Stage.PREVIEW
    _import_job_finish(mine, report, empty_file=False)


def _import_job_finish(mine: QuerySet[ImportJob], report: ImportReport, *, empty_file: bool) -> None:
    now = timezone.now()
    extra = {"content": b""} if empty_file else {}
    mine.update(
        status=ImportJob.Status.DONE, report=report.as_json(), finished_at=now, updated_at=now, **extra
    )


def import_job_progress(job: ImportJob) -> dict:
    """What the job's page shows while the worker runs (also its JSON status, polled by the page)."""
    done, total = job.progress_done, job.progress_total
    writing = (
        job.stage == ImportJob.Stage.IMPORT
        and job.status == ImportJob.Status.RUNNING
        and total
        and done >= total
    )
    if job.status == ImportJob.Status.QUEUED:
        text = _("Waiting for the worker to start…")
    elif writing:
        text = _("Writing the %(total)s organisations…") % {"total": total}
    elif job.status == ImportJob.Status.RUNNING:
        text = _("%(done)s of %(total)s rows checked…") % {"done": done, "total": total or "?"}
    else:
        text = _("Finished.")
    return {
        "status": job.status,
        "stage": job.stage,
        "done": done,
        "total": total,
        "finished": job.finished,
        "text": str(text),
    }

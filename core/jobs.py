"""Long work done by the worker for a page: one row per job, its progress kept in the row.

The mechanism of the CSV import's jobs (``actors.ImportJob``) and the report exports
(``reports.ReportJob``), written once. A job is a row of a model built on :class:`core.models.Job`:

- it is created, then its id is handed to the worker once the row is committed; ``enqueued_at`` says when;
- the worker claims it with one conditional UPDATE (:func:`job_claim`): queued, or running with no sign
  of life for ``stale_after`` (its worker died), and tried fewer than ``max_attempts`` times — so a
  message delivered twice runs the job once;
- while it runs, every write goes through :func:`job_lease` (the row as this attempt claimed it): when
  that updates nothing, another worker took the job over and this one stops (:class:`JobLost`);
- a job left waiting over ``requeue_after`` (broker down, message lost) is handed again by its page
  (:func:`job_nudge`) or by the beat's sweep (:func:`jobs_due`), which also fails those tried too often.

The model keeps its own ``progress_done``/``progress_total`` columns (rows, or steps) and its own result.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("waiting for the worker")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class JobLost(Exception):
    """Another worker took the job over (this one was thought dead): stop without writing."""


def _waiting(now: datetime, requeue_after: timedelta) -> Q:
    return Q(status=JobStatus.QUEUED) & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - requeue_after))


def _stale(now: datetime, stale_after: timedelta) -> Q:
    return Q(status=JobStatus.RUNNING, updated_at__lt=now - stale_after)


def job_claim(model: type[models.Model], job_id: int, *, stale_after: timedelta, max_attempts: int) -> bool:
    """Mark the job running for this worker, if no other worker has it; True when claimed."""
    now = timezone.now()
    return bool(
        model.objects.filter(
            Q(status=JobStatus.QUEUED) | _stale(now, stale_after), pk=job_id, attempts__lt=max_attempts
        ).update(
            status=JobStatus.RUNNING,
            attempts=F("attempts") + 1,
            progress_done=0,
            started_at=now,
            updated_at=now,
        )
    )


def job_lease(job: models.Model) -> models.QuerySet:
    """The job's row as this attempt claimed it: an update through it that changes nothing means lost."""
    return type(job).objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


def job_nudge(
    job: models.Model,
    *,
    requeue_after: timedelta,
    publish: Callable[[int], None],
    now: datetime | None = None,
) -> bool:
    """Hand a job left waiting over ``requeue_after`` to the worker again (its page asks on every poll,
    so that a job whose message was lost moves on even without the beat). True if handed again."""
    now = now or timezone.now()
    if job.status != JobStatus.QUEUED:
        return False
    late = type(job).objects.filter(_waiting(now, requeue_after), pk=job.pk)
    if not late.update(enqueued_at=now):  # another request or the sweep got there first
        return False
    publish(job.pk)
    return True


def jobs_due(
    model: type[models.Model],
    *,
    requeue_after: timedelta,
    stale_after: timedelta,
    max_attempts: int,
    failed: dict,
    now: datetime | None = None,
) -> list[int]:
    """For the beat's sweep: fail the abandoned jobs tried ``max_attempts`` times (writing ``failed``,
    the model's own error columns, too), and return the ids of those to hand to the worker again: left
    waiting, or abandoned by a dead worker."""
    now = now or timezone.now()
    model.objects.filter(_stale(now, stale_after), attempts__gte=max_attempts).update(
        status=JobStatus.FAILED, finished_at=now, updated_at=now, **failed
    )
    due = model.objects.filter(_waiting(now, requeue_after) | _stale(now, stale_after))
    return list(due.order_by("pk").values_list("pk", flat=True))

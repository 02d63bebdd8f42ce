"""Writes of the reports app: the membership history, and the report exports built by the worker.

Membership history
    :func:`memberships_sync` makes ``Membership`` agree with the organisations' current pole, in a
    fixed number of queries: an open membership whose organisation is no longer a member of that pole
    is closed, and a member without an open membership of its pole gets one. It runs on every save of
    an organisation (``reports.signals``) and before every report, so bulk writes that bypass ``save()``
    are caught up too. Dates: a membership starts on ``member_since`` when it is set and not older than
    the organisation's previous membership, else on the day of the organisation's last change
    (``updated_at``), which is also the day a closed membership ends.

Report exports
    Like the CSV import's jobs (``actors.services``): a row first, the task published after commit, the
    job claimed by one conditional UPDATE, its progress recorded for its page, a job left waiting handed
    again to the worker by the beat (``reports.requeue_report_jobs``) or by its page.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.models import Actor

from .models import Membership, ReportJob

logger = logging.getLogger(__name__)


def members_queryset() -> QuerySet[Actor]:
    """The organisations that are members of a pole now: a pole, and not a pending or rejected proposal."""
    return Actor.objects.filter(pole__isnull=False).exclude(
        review_status__in=[Actor.Review.PENDING, Actor.Review.REJECTED]
    )


def _day(moment: datetime | None, fallback: date) -> date:
    return timezone.localtime(moment).date() if moment else fallback


def memberships_sync(*, actor_ids=None, today: date | None = None) -> tuple[int, int]:
    """Close and open memberships so that the history matches every organisation's current pole.

    Returns (closed, opened). ``actor_ids`` limits the work to those organisations.
    """
    today = today or timezone.localdate()
    members = members_queryset()
    open_rows = Membership.objects.filter(ended_on__isnull=True)
    if actor_ids is not None:
        members = members.filter(pk__in=actor_ids)
        open_rows = open_rows.filter(actor_id__in=actor_ids)
    with transaction.atomic():
        still = members.filter(pk=OuterRef("actor_id"), pole_id=OuterRef("pole_id"))
        stale = list(
            open_rows.exclude(Exists(still)).select_related("actor").only("started_on", "actor__updated_at")
        )
        for membership in stale:
            membership.ended_on = max(membership.started_on, _day(membership.actor.updated_at, today))
        Membership.objects.bulk_update(stale, ["ended_on"])

        # A member_since corrected by hand moves the start of the running membership (unless it would
        # reach back into an earlier membership).
        earlier = Membership.objects.filter(
            actor_id=OuterRef("actor_id"),
            ended_on__isnull=False,
            ended_on__gt=OuterRef("actor__member_since"),
        )
        moved = list(
            Membership.objects.filter(ended_on__isnull=True, actor__member_since__isnull=False)
            .filter(**({"actor_id__in": actor_ids} if actor_ids is not None else {}))
            .exclude(started_on=F("actor__member_since"))
            .exclude(Exists(earlier))
            .annotate(since=F("actor__member_since"))
        )
        for membership in moved:
            membership.started_on = membership.since
        Membership.objects.bulk_update(moved, ["started_on"])

        running = Membership.objects.filter(
            ended_on__isnull=True, actor_id=OuterRef("pk"), pole_id=OuterRef("pole_id")
        )
        last_end = Membership.objects.filter(actor_id=OuterRef("pk")).order_by().values("actor_id")
        joining = (
            members.exclude(Exists(running))
            .annotate(last_end=last_end.annotate(m=Max("ended_on")).values("m")[:1])
            .values("pk", "pole_id", "member_since", "updated_at", "last_end")
        )
        new = []
        for row in joining:
            since, last = row["member_since"], row["last_end"]
            started = since if since and (last is None or since >= last) else _day(row["updated_at"], today)
            if last and started < last:
                started = last
            new.append(Membership(actor_id=row["pk"], pole_id=row["pole_id"], started_on=started))
        Membership.objects.bulk_create(new)
    return len(stale), len(new)


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
    from . import tasks

    ReportJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    tasks.build_report_job.delay(job_id)


def report_job_nudge(*, job: ReportJob, now: datetime | None = None) -> bool:
    """Hand a job to the worker again if it has waited too long (its page asks on every poll)."""
    now = now or timezone.now()
    if job.status != ReportJob.Status.QUEUED:
        return False
    late = ReportJob.objects.filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REPORT_JOB_REQUEUE_AFTER),
        pk=job.pk,
        status=ReportJob.Status.QUEUED,
    )
    if not late.update(enqueued_at=now):
        return False
    transaction.on_commit(lambda: _publish(job.pk), robust=True)
    return True


def report_jobs_requeue(*, now: datetime | None = None) -> int:
    """The beat's sweep: jobs left waiting, or abandoned by a dead worker, go to the worker again; those
    tried too often are failed."""
    now = now or timezone.now()
    stale = Q(status=ReportJob.Status.RUNNING, updated_at__lt=now - REPORT_JOB_STALE_AFTER)
    ReportJob.objects.filter(stale, attempts__gte=REPORT_JOB_MAX_ATTEMPTS).update(
        status=ReportJob.Status.FAILED, error=str(REPORT_JOB_FAILED), finished_at=now, updated_at=now
    )
    due = list(
        ReportJob.objects.filter(
            (
                Q(status=ReportJob.Status.QUEUED)
                & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REPORT_JOB_REQUEUE_AFTER))
            )
            | stale
        ).values_list("pk", flat=True)
    )
    for pk in due:
        _publish(pk)
    return len(due)


class _JobLost(Exception):
    pass


def report_job_run(*, job_id: int) -> bool:
    """Build a job's files in the worker. Safe to run twice: the job is claimed by one UPDATE."""
    from . import exports
    from .selectors import Period, build_report

    now = timezone.now()
    claimed = ReportJob.objects.filter(
        Q(status=ReportJob.Status.QUEUED)
        | Q(status=ReportJob.Status.RUNNING, updated_at__lt=now - REPORT_JOB_STALE_AFTER),
        pk=job_id,
        attempts__lt=REPORT_JOB_MAX_ATTEMPTS,
    ).update(
        status=ReportJob.Status.RUNNING,
        attempts=F("attempts") + 1,
        progress_done=0,
        started_at=now,
        updated_at=now,
    )
    if not claimed:
        return False
    job = ReportJob.objects.select_related("pole", "partner").defer("pdf", "xlsx", "csv").get(pk=job_id)
    mine = ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RUNNING, attempts=job.attempts)

    def step(done: int, **files) -> None:
        if not mine.update(progress_done=done, updated_at=timezone.now(), **files):
            raise _JobLost

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
                raise _JobLost
        except _JobLost:
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

"""The shared job mechanism (``core.jobs``) of the CSV imports and the report exports: a job is claimed
once, an attempt that lost its job writes nothing, a job left waiting is handed again, and one abandoned
too often is failed — the same rules for both models."""

from datetime import timedelta

import pytest
from django.utils import timezone

from actors.models import ImportJob
from core.jobs import JobStatus, job_claim, job_lease, job_nudge, jobs_due
from reports.models import ReportJob
from tests import factories

pytestmark = pytest.mark.django_db

RULES = {"stale_after": timedelta(minutes=10), "max_attempts": 3}


def test_both_job_models_share_the_statuses():
    assert ImportJob.Status is ReportJob.Status is JobStatus


def test_a_job_is_claimed_once_and_a_stale_one_is_taken_over():
    job = factories.ImportJobFactory()
    assert job_claim(ImportJob, job.pk, **RULES)
    assert not job_claim(ImportJob, job.pk, **RULES)  # the message delivered twice
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.RUNNING, 1)
    first = job_lease(job)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    assert job_claim(ImportJob, job.pk, **RULES)  # its worker died: another takes it over
    assert first.update(progress_done=5) == 0  # the first attempt has lost it


def test_a_waiting_job_is_nudged_once_and_a_job_abandoned_too_often_fails():
    sent = []
    old = timezone.now() - timedelta(minutes=2)
    waiting = factories.ImportJobFactory(enqueued_at=old)
    assert job_nudge(waiting, requeue_after=timedelta(minutes=1), publish=sent.append)
    waiting.refresh_from_db()
    assert not job_nudge(waiting, requeue_after=timedelta(minutes=1), publish=sent.append)
    assert sent == [waiting.pk]

    abandoned = factories.ImportJobFactory(status=JobStatus.RUNNING, attempts=3)
    ImportJob.objects.filter(pk=abandoned.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    due = jobs_due(ImportJob, requeue_after=timedelta(minutes=1), failed={"report": {"ok": False}}, **RULES)
    abandoned.refresh_from_db()
    assert abandoned.status == JobStatus.FAILED and abandoned.report == {"ok": False}
    assert abandoned.pk not in due

"""A real Celery worker on Redis previews and imports a CSV file of the documented maximum (5,000 rows):
the upload returns at once, progress is seen in the database while the worker checks the rows, and the
confirmed import writes every row once."""

import signal
import time

import pytest

from actors.models import Actor, ImportJob
from actors.services import csv_format, import_jobs
from tests import factories
from tests.integration.conftest import run_in_slices, running_worker, wait_for


def big_file(rows: int) -> bytes:
    lines = ["name;legal_form;sectors;insee_code;website;email"]
    lines += [
        f"Organisation {n};scic;Éco-construction;35236;www.org-{n}.example.org;contact{n}@example.org"
        for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.django_db(transaction=True)
def test_a_worker_previews_then_imports_5000_rows_with_progress_in_the_database(settings):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    factories.CommuneFactory(insee_code="35236", name="Redon")
    factories.SectorFactory(name="Éco-construction", slug="eco-construction")
    pole = factories.PoleFactory()
    user = factories.make_coordinator(pole)

    with running_worker() as worker:
        started = time.monotonic()
        job = import_jobs.import_job_create(
            pole=pole, user=user, file_name="membres.csv", content=big_file(csv_format.IMPORT_MAX_ROWS)
        )
        assert time.monotonic() - started < 2  # the upload only stores the file
        seen = set()

        def finished():
            current = ImportJob.objects.only("status", "progress_done").get(pk=job.pk)
            seen.add(current.progress_done)
            return current.finished

        # The worker runs in slices with pauses longer than the progress interval, so the progress it
        # writes midway is seen however fast the machine is.
        try:
            run_in_slices(worker, finished, timeout=120)
        finally:
            worker.send_signal(signal.SIGCONT)
        job.refresh_from_db()
        assert (job.stage, job.status, job.report["ok"], job.report["created"]) == (
            "preview",
            "done",
            True,
            5000,
        )
        assert any(0 < done < 5000 for done in seen), sorted(seen)  # the page could show it move
        assert not Actor.objects.exists()

        started = time.monotonic()
        assert import_jobs.import_job_confirm(job=job)
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).finished, timeout=180, interval=0.1)
        import_seconds = time.monotonic() - started

    job.refresh_from_db()
    assert (job.stage, job.status, job.attempts, job.report["written"]) == ("import", "done", 1, True)
    assert Actor.objects.filter(pole=pole).count() == 5000
    assert Actor.objects.filter(sectors__slug="eco-construction").count() == 5000
    print(f"\n5,000 rows in the worker: import {import_seconds:.1f} s")

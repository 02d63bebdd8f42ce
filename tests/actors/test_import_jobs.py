"""The CSV import's pages and its worker: an upload becomes an import job; the worker previews every row,
the coordinator confirms, the worker imports all or nothing. Progress is on the job's page (kept in the
database: a reload keeps it), a job runs once even if delivered twice, and a job left waiting by a broker
that is down is handed to the worker again.

Jobs run as the worker runs them: the task is called with the job's id (``run_worker``), or Celery is
eager, as with ``make run`` (``eager_celery``). A real worker on Redis runs them in
``tests/integration/test_import_worker.py``, a browser drives the pages in ``tests/e2e/test_import.py``."""

import re
import threading
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from actors import tasks
from actors.models import Actor, ImportJob
from actors.services import csv_format, import_jobs, imports
from ess_portal.celery import app as celery_app
from tests import factories
from tests.actors.test_import import HEADER, siret
from tests.events.test_outbox import dead_broker  # noqa: F401 - the fixture: a broker where nothing listens

pytestmark = pytest.mark.django_db

ROWS = HEADER + "Les Castors;;;;;;35236;;;;;;\nRepas Bio;;;;;;35236;;;;;;\n"


@pytest.fixture
def redon(db):
    return factories.CommuneFactory(insee_code="35236", name="Redon", postal_codes="35600", latitude=47.65)


def upload(client, pole, content: bytes, name="membres.csv"):
    return client.post(
        reverse("admin:actors_actor_import"),
        {"pole": pole.pk, "file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def job_url(job, name="import_job"):
    return reverse(f"admin:actors_actor_{name}", args=[job.pk])


def run_worker(job):
    """What the worker does with the message the upload (or the confirmation) published."""
    return tasks.run_import_job(job.pk)


def previewed(pole, user, text: str) -> ImportJob:
    """A job for ``text`` uploaded by ``user``, which the worker has previewed."""
    job = import_jobs.import_job_create(pole=pole, user=user, file_name="f.csv", content=text.encode())
    run_worker(job)
    return job


def test_upload_preview_confirm_and_report_with_eager_celery(
    coordinator_client, pole_a, redon, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(coordinator_client, pole_a, ROWS.encode())
    job = ImportJob.objects.get()
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == job_url(job)
    assert (job.stage, job.status, job.progress_done, job.progress_total) == ("preview", "done", 2, 2)
    assert not Actor.objects.exists()

    preview = coordinator_client.get(job_url(job)).content.decode()
    assert "Les Castors" in preview and "Repas Bio" in preview and "à créer" in preview
    assert 'name="confirm"' in preview
    assert "2 organisations seront créées et 0 sera mise à jour." in preview

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = coordinator_client.post(job_url(job), {"confirm": "1"})
    assert confirmed.status_code == HTTPStatus.FOUND
    assert set(Actor.objects.values_list("name", flat=True)) == {"Les Castors", "Repas Bio"}
    job.refresh_from_db()
    assert (job.stage, job.status, job.report["written"], bytes(job.content)) == ("import", "done", True, b"")

    report = coordinator_client.get(job_url(job)).content.decode()
    assert f"Import terminé dans {pole_a} : 2 organisations créées, 0 mise à jour." in report
    assert 'name="confirm"' not in report


def test_the_upload_only_stores_the_file_and_the_worker_previews_it(
    coordinator_client, pole_a, redon, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as published:
        upload(coordinator_client, pole_a, ROWS.encode())
    job = ImportJob.objects.get()
    assert len(published) == 1  # handed to the worker once the row is committed
    assert (job.status, bytes(job.content), job.created_by.username) == ("queued", ROWS.encode(), "coord-a")

    waiting = coordinator_client.get(job_url(job)).content.decode()
    assert "<progress" in waiting and "Rafraîchir" in waiting
    assert 'name="confirm"' not in waiting

    assert run_worker(job)
    page = coordinator_client.get(job_url(job)).content.decode()
    assert "<progress" not in page and 'name="confirm"' in page


def test_the_job_page_shows_the_progress_kept_in_the_database_and_needs_no_inline_script(
    coordinator_client, pole_a, redon
):
    job = ImportJob.objects.create(
        pole=pole_a,
        file_name="membres.csv",
        content=b"x",
        status="running",
        progress_done=1200,
        progress_total=5000,
    )

    for _reload in range(2):
        page = coordinator_client.get(job_url(job)).content.decode()
        assert re.search(r'<progress[^>]*max="5000"[^>]*value="1200"', page)
        assert "1200 lignes vérifiées sur 5000" in page
    assert f'data-import-status-url="{job_url(job, "import_status")}"' in page
    assert re.search(r'<script src="[^"]*js/import-progress\.js"', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # the CSP forbids inline scripts
    assert "http-equiv" not in page
    assert f'href="{job_url(job)}"' in page  # "Rafraîchir" without JavaScript

    status = coordinator_client.get(job_url(job, "import_status")).json()
    assert status == {
        "status": "running",
        "stage": "preview",
        "done": 1200,
        "total": 5000,
        "finished": False,
        "text": "1200 lignes vérifiées sur 5000…",
    }


def test_the_worker_records_progress_as_it_checks_the_rows(pole_a, coordinator, redon, monkeypatch):
    monkeypatch.setattr(import_jobs, "IMPORT_PROGRESS_SECONDS", 0)
    rows = "".join(f"Organisation {n};;;;;;35236;;;;;;\n" for n in range(30))
    job = ImportJob.objects.create(
        pole=pole_a, created_by=coordinator, file_name="f.csv", content=(HEADER + rows).encode()
    )
    seen = []
    real_check = imports._check_row

    def check_and_look(*args):
        seen.append(ImportJob.objects.values_list("status", "progress_done", "progress_total").get(pk=job.pk))
        return real_check(*args)

    monkeypatch.setattr(imports, "_check_row", check_and_look)
    run_worker(job)

    assert seen[0] == ("running", 0, 30) and seen[-1] == ("running", 29, 30)
    assert [done for _status, done, _total in seen] == list(range(30))
    job.refresh_from_db()
    assert (job.status, job.progress_done) == ("done", 30)


def test_a_job_delivered_twice_runs_once(pole_a, coordinator, redon):
    job = import_jobs.import_job_create(
        pole=pole_a, user=coordinator, file_name="f.csv", content=ROWS.encode()
    )
    assert run_worker(job) and not run_worker(job)
    assert import_jobs.import_job_confirm(job=job)
    assert not import_jobs.import_job_confirm(job=job)  # a second click changes nothing

    assert run_worker(job)
    assert not run_worker(job)

    assert Actor.objects.count() == 2
    job.refresh_from_db()
    assert (job.attempts, job.report["created"], job.report["written"]) == (1, 2, True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_given_the_same_confirmed_job_at_once_write_it_once(redon):
    pole = factories.PoleFactory()
    user = factories.make_coordinator(pole)
    rows = "".join(f"Organisation {n};;;;;;35236;;;;;;\n" for n in range(300))
    job = ImportJob.objects.create(
        pole=pole, created_by=user, file_name="f.csv", content=(HEADER + rows).encode(), stage="import"
    )
    barrier, results = threading.Barrier(2), []

    def worker():
        try:
            barrier.wait()
            results.append(import_jobs.import_job_run(job_id=job.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(results) == [False, True]
    assert Actor.objects.count() == 300
    job.refresh_from_db()
    assert (job.status, job.attempts, job.report["created"]) == ("done", 1, 300)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_poles_importing_the_same_new_siret_at_once_leave_one_organisation_with_it(redon):
    number = siret("7328293200007")
    jobs = []
    for name in ("Alpha", "Bravo"):
        pole = factories.PoleFactory(name=f"Pôle {name}")
        rows = (
            "".join(f"{name} {n};;;;;;35236;;;;;;\n" for n in range(200))
            + f"Même SIRET;;;;{number};;35236;;;;;;\n"
        )
        jobs.append(
            ImportJob.objects.create(
                pole=pole,
                created_by=factories.make_coordinator(pole),
                file_name="f.csv",
                content=(HEADER + rows).encode(),
                stage="import",
            )
        )
    barrier = threading.Barrier(2)

    def worker(job):
        try:
            barrier.wait()
            import_jobs.import_job_run(job_id=job.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    reports = sorted((job.report for job in ImportJob.objects.all()), key=lambda r: r["written"])
    assert [r["written"] for r in reports] == [False, True]
    # The loser either checked before the winner wrote (its insert then meets the unique constraint) or
    # after (its row then matches the other pole's organisation): nothing of it is written either way.
    loser = reports[0]
    assert loser["file_errors"] == [str(imports.IMPORT_CHANGED)] or loser["rows"][-1]["errors"] == [
        str(imports.IMPORT_CONFLICT)
    ]
    assert Actor.objects.filter(siret=number).count() == 1
    assert Actor.objects.count() == 201  # all of one file, nothing of the other


@pytest.mark.usefixtures("dead_broker")
def test_a_job_published_while_the_broker_is_down_is_handed_again_by_the_sweep(
    coordinator_client, pole_a, redon, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(coordinator_client, pole_a, ROWS.encode())
    assert response.status_code == HTTPStatus.FOUND  # the upload succeeds: the job waits
    job = ImportJob.objects.get()
    assert job.status == "queued"
    assert "Rafraîchir" in coordinator_client.get(job_url(job)).content.decode()
    later = timezone.now() + import_jobs.IMPORT_JOB_REQUEUE_AFTER + timedelta(seconds=1)
    assert import_jobs.import_jobs_requeue(now=later) == 0  # still down: still waiting, nothing lost

    celery_app.conf.task_always_eager = True  # the broker is back; the worker takes what it is given
    assert import_jobs.import_jobs_requeue(now=later) == 1

    job.refresh_from_db()
    assert (job.status, job.report["ok"], job.report["created"]) == ("done", True, 2)


def test_the_job_page_hands_a_job_left_waiting_to_the_worker_again(
    coordinator_client, pole_a, redon, eager_celery
):
    job = ImportJob.objects.create(
        pole=pole_a,
        created_by=factories.make_coordinator(pole_a),
        file_name="f.csv",
        content=ROWS.encode(),
        enqueued_at=timezone.now() - timedelta(minutes=5),
    )

    status = coordinator_client.get(job_url(job, "import_status")).json()

    assert status["finished"] and status["status"] == "done"
    assert ImportJob.objects.get().report["created"] == 2


def test_the_sweep_resumes_a_job_whose_worker_died_and_leaves_a_live_one_alone(
    pole_a, coordinator, redon, eager_celery
):
    now = timezone.now()
    dead = ImportJob.objects.create(
        pole=pole_a, created_by=coordinator, file_name="a.csv", content=ROWS.encode()
    )
    live = ImportJob.objects.create(
        pole=pole_a, created_by=coordinator, file_name="b.csv", content=ROWS.encode()
    )
    ImportJob.objects.filter(pk=dead.pk).update(
        status="running", attempts=1, updated_at=now - timedelta(minutes=11)
    )
    ImportJob.objects.filter(pk=live.pk).update(
        status="running", attempts=1, updated_at=now - timedelta(minutes=1)
    )

    assert not run_worker(live)  # a second delivery while it runs
    assert import_jobs.import_jobs_requeue(now=now) == 1

    dead.refresh_from_db()
    live.refresh_from_db()
    assert (dead.status, dead.attempts, live.status) == ("done", 2, "running")


def test_a_job_that_keeps_dying_is_marked_failed(pole_a, coordinator):
    job = ImportJob.objects.create(pole=pole_a, created_by=coordinator, file_name="a.csv", content=b"x")
    ImportJob.objects.filter(pk=job.pk).update(
        status="running",
        attempts=import_jobs.IMPORT_JOB_MAX_ATTEMPTS,
        updated_at=timezone.now() - timedelta(hours=1),
    )

    import_jobs.import_jobs_requeue()

    job.refresh_from_db()
    assert job.status == "failed" and job.report["file_errors"] == [str(import_jobs.IMPORT_JOB_FAILED)]


def test_an_unexpected_error_in_the_worker_fails_the_job_with_a_message_and_writes_nothing(
    coordinator_client, pole_a, coordinator, redon, monkeypatch
):
    job = import_jobs.import_job_create(
        pole=pole_a, user=coordinator, file_name="f.csv", content=ROWS.encode()
    )

    def broken(**kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(import_jobs, "actors_import_check", broken)
    run_worker(job)

    job.refresh_from_db()
    assert job.status == "failed"
    page = coordinator_client.get(job_url(job)).content.decode()
    assert "L’import s’est arrêté sur une erreur inattendue" in page
    assert not Actor.objects.exists()


def test_a_preview_with_errors_cannot_be_confirmed(coordinator_client, pole_a, coordinator, redon):
    job = previewed(pole_a, coordinator, HEADER + "Bonne;;;;;;35236;;;;;;\nMauvaise;;;;;;00000;;;;;;\n")
    page = coordinator_client.get(job_url(job)).content.decode()
    assert "00000" in page and 'name="confirm"' not in page

    coordinator_client.post(job_url(job), {"confirm": "1"})

    job.refresh_from_db()
    assert (job.stage, job.status) == ("preview", "done")
    assert not Actor.objects.exists()


def test_a_preview_left_unconfirmed_for_a_week_loses_its_file(pole_a, coordinator, redon):
    job = previewed(pole_a, coordinator, ROWS)

    import_jobs.import_jobs_requeue(
        now=timezone.now() + import_jobs.IMPORT_JOB_KEEP_UNCONFIRMED + timedelta(hours=1)
    )

    job.refresh_from_db()
    assert bytes(job.content) == b"" and job.report["created"] == 2
    assert not import_jobs.import_job_confirm(job=job)


def test_the_report_is_in_the_uploaders_language(client, pole_a, coordinator, redon):
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    client.post(
        reverse("admin:actors_actor_import"),
        {"pole": pole_a.pk, "file": SimpleUploadedFile("f.csv", (HEADER + "X;;;;;;99999;;;;;;\n").encode())},
    )
    job = ImportJob.objects.get()
    assert job.language == "en"

    run_worker(job)

    job.refresh_from_db()
    assert job.report["rows"][0]["errors"] == ["Unknown commune “99999”."]


# ------------------------------------------------------------------------- upload checks and scoping


def test_admin_import_refuses_a_non_csv_upload_with_a_clear_message(coordinator_client, pole_a):
    for content, name in ((b"%PDF-1.4 binary", "membres.pdf"), (b"\x89PNG\r\n\x1a\n\x00\x00", "membres.csv")):
        response = upload(coordinator_client, pole_a, content, name=name)
        assert response.status_code == HTTPStatus.OK
        assert "CSV" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_admin_import_refuses_an_oversized_upload(coordinator_client, pole_a):
    response = upload(coordinator_client, pole_a, b"name\n" + b"x" * (csv_format.IMPORT_MAX_BYTES + 10))
    assert response.status_code == HTTPStatus.OK
    assert "2" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()


def test_admin_import_offers_only_the_coordinators_poles(coordinator_client, pole_a, pole_b, redon):
    page = coordinator_client.get(reverse("admin:actors_actor_import")).content.decode()
    assert pole_a.name in page and pole_b.name not in page
    response = upload(coordinator_client, pole_b, (HEADER + "Intruse;;;;;;35236;;;;;;\n").encode())
    assert "pole" in response.context["form"].errors
    assert not ImportJob.objects.exists()


def test_another_poles_import_jobs_are_out_of_reach(coordinator_client, pole_b, redon):
    theirs = factories.make_coordinator(pole_b)
    job = import_jobs.import_job_create(
        pole=pole_b, user=theirs, file_name="secret.csv", content=ROWS.encode()
    )
    run_worker(job)

    for url in (
        job_url(job),
        job_url(job, "import_status"),
        reverse("admin:actors_importjob_change", args=[job.pk]),
    ):
        assert coordinator_client.get(url).status_code == HTTPStatus.NOT_FOUND, url
    assert coordinator_client.post(job_url(job), {"confirm": "1"}).status_code == HTTPStatus.NOT_FOUND
    changelist = coordinator_client.get(reverse("admin:actors_importjob_changelist"))
    assert changelist.status_code == HTTPStatus.OK and "secret.csv" not in changelist.content.decode()
    assert ImportJob.objects.get().stage == "preview" and not Actor.objects.exists()


def test_the_list_of_imports_shows_the_pole_s_jobs_and_opens_their_page(
    coordinator_client, pole_a, coordinator, redon
):
    job = import_jobs.import_job_create(
        pole=pole_a, user=coordinator, file_name="membres.csv", content=ROWS.encode()
    )

    changelist = coordinator_client.get(reverse("admin:actors_importjob_changelist")).content.decode()
    assert "membres.csv" in changelist and job_url(job) in changelist
    change = coordinator_client.get(reverse("admin:actors_importjob_change", args=[job.pk]))
    assert change.status_code == HTTPStatus.FOUND and change["Location"] == job_url(job)
    assert "membres.csv" in coordinator_client.get(reverse("admin:actors_actor_import")).content.decode()


def test_the_preview_says_which_rows_join_the_pole(coordinator_client, pole_a, coordinator, redon):
    pole_a.communes.add(redon)
    factories.ActorFactory(pole=None, name="Sans Pôle", commune=redon, siret=siret("7328293200007"))
    job = previewed(pole_a, coordinator, HEADER + "Sans Pôle;;;;;;35236;;;;;;\n")
    assert "à mettre à jour, rejoint le pôle" in coordinator_client.get(job_url(job)).content.decode()

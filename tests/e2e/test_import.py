"""The CSV import in a real browser, as the coordinator of one pole, with a real Celery worker: upload a
file of 5,000 rows, watch the progress bar move until the preview appears, reload the page midway (the
progress is still there: it is in the database), confirm, and read the report. No policy violation or
console error on the way (the progress script is a static file: the CSP forbids inline scripts), and no
WCAG 2.1 A/AA violation on the upload, progress and preview pages."""

import re
import signal

import pytest
from playwright.sync_api import expect

from actors.models import Actor, ImportJob
from ess_portal.management.commands.setup_roles import roles_setup
from tests import factories
from tests.e2e.conftest import axe_violations
from tests.integration.conftest import run_in_slices, running_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

PASSWORD = "correct horse battery staple"
ROWS = 5000


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture
def coordinator(db):
    roles_setup()
    pole = factories.PoleFactory(name="CADES", acronym="CADES", slug="cades")
    factories.CommuneFactory(insee_code="35236", name="Redon")
    factories.SectorFactory(name="Éco-construction", slug="eco-construction")
    return factories.make_coordinator(pole, username="coordinatrice"), pole


def csv_file() -> bytes:
    lines = ["Nom;Forme juridique;Secteurs;Code INSEE;Site web;Courriel"]
    lines += [
        f"Organisation {n};SCIC;Éco-construction;35236;www.org-{n}.example.org;contact{n}@example.org"
        for n in range(ROWS)
    ]
    return ("\n".join(lines) + "\n").encode()


def progress_value(page) -> int:
    return int(page.locator("progress").get_attribute("value") or 0)


def _frozen_midway(worker) -> ImportJob:
    """Run the worker in slices until its job has written some progress but is not finished; return
    the job with the worker left frozen (SIGSTOP)."""

    def midway():
        job = ImportJob.objects.filter().first()
        assert job is None or job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING), (
            f"the job ended before it could be seen midway: {job.status}"
        )
        return (
            job
            if job is not None and job.status == ImportJob.Status.RUNNING and 0 < job.progress_done < ROWS
            else None
        )

    return run_in_slices(worker, midway, timeout=120)


def test_a_coordinator_uploads_watches_the_progress_reloads_confirms_and_reads_the_report(
    page, live_server, coordinator
):
    user, pole = coordinator
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()

    with running_worker() as worker:
        page.goto(f"{live_server.url}/admin/actors/actor/importer/")
        assert axe_violations(page) == []
        page.set_input_files(
            "#id_file", files=[{"name": "membres.csv", "mimeType": "text/csv", "buffer": csv_file()}]
        )
        worker.send_signal(signal.SIGSTOP)  # from here on the worker only runs in the slices below
        page.get_by_role("button", name="Prévisualiser l’import").click()

        expect(page).to_have_url(re.compile(r"/admin/actors/actor/importer/\d+/$"))
        bar = page.locator("progress")
        expect(bar).to_be_visible()
        expect(page.get_by_role("link", name="Rafraîchir")).to_be_visible()
        # The worker runs in short slices until the job is caught midway, then stays frozen, so that the
        # page is checked against a job in progress however fast or slow the machine.
        try:
            job = _frozen_midway(worker)
            # The script moves the bar as the worker checks the rows (it reads the job's progress).
            page.wait_for_function(
                "() => { const p = document.querySelector('progress'); return p && p.value > 0; }",
                timeout=60_000,
            )
            assert job.status == ImportJob.Status.RUNNING and 0 < job.progress_done < ROWS
            assert axe_violations(page) == []  # the progress bar is named and described
            page.reload()
            assert progress_value(page) == job.progress_done
            expect(page.locator("#import-progress-text")).to_contain_text("lignes vérifiées sur 5000")
        finally:
            worker.send_signal(signal.SIGCONT)

        expect(page.get_by_text(f"{ROWS} organisations seront créées")).to_be_visible(timeout=120_000)
        expect(page.locator("#result_list tbody tr")).to_have_count(ROWS)
        assert not Actor.objects.exists()

        assert axe_violations(page) == []
        page.get_by_role("button", name="Confirmer l’import").click()
        expect(
            page.get_by_text(f"Import terminé dans {pole} : {ROWS} organisations créées, 0 mise à jour.")
        ).to_be_visible(timeout=120_000)

    assert Actor.objects.filter(pole=pole).count() == ROWS
    job = ImportJob.objects.get()
    assert (job.stage, job.status, job.report["written"]) == ("import", "done", True)
    page.get_by_role("link", name="Voir les organisations du pôle").click()
    expect(page.locator("#result_list")).to_be_visible()
    assert problems == []

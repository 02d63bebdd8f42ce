"""The activity report in a real browser, as a pole's coordinator, with a real Celery worker: choose last
year, read the report (charts beside their tables, no WCAG 2.1 A/AA violation, no policy violation), export
it, watch the export's page until the worker has built the files, then download the PDF and the
spreadsheet and find the report's figures in them."""

import io
import re
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from ess_portal.management.commands.setup_roles import roles_setup
from reports.models import ReportJob
from reports.selectors import build_report
from tests import factories
from tests.e2e.conftest import axe_violations
from tests.integration.conftest import running_worker
from tests.reports.conftest import PERIOD, YEAR, build_year

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "accept_downloads": True}


@pytest.fixture
def coordinator(db, places):
    roles_setup()
    pole = factories.PoleFactory(name="CADES", acronym="CADES", slug="cades")
    pole.epcis.add(places.agglo)
    factories.SupportFactory(pole=pole, partner=factories.PartnerFactory(name="Conseil régional de Bretagne"))
    sectors = [factories.SectorFactory(name="Alimentation"), factories.SectorFactory(name="Culture")]
    build_year(pole, (places.redon, places.bains), sectors, size=2, word="Cades")
    return factories.make_coordinator(pole, username="coordinatrice"), pole


def test_a_coordinator_produces_last_years_report_and_downloads_the_pdf_and_spreadsheet(
    page, live_server, coordinator
):
    user, pole = coordinator
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()

    page.get_by_role("link", name="Rapports d’activité pour les financeurs").click()
    expect(page).to_have_url(re.compile(r"/admin/rapports/$"))
    page.get_by_label("Pôle").select_option(label=str(pole))
    page.get_by_label("Année").fill(str(YEAR))
    page.get_by_role("button", name="Afficher le rapport").click()
    expect(page.get_by_role("heading", name=re.compile(f"{pole}.*{YEAR}"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Carte des membres par commune"))).to_be_visible()
    assert axe_violations(page) == []
    report = build_report("pole", PERIOD, pole=pole)

    with running_worker():
        page.get_by_role("button", name="Exporter en PDF, tableur et CSV").click()
        expect(page).to_have_url(re.compile(r"/admin/rapports/exports/\d+/$"))
        pdf_link = page.get_by_role("link", name="Le rapport en PDF")
        expect(pdf_link).to_be_visible(timeout=120_000)  # the page reloads itself when the worker is done
    assert ReportJob.objects.get().status == ReportJob.Status.DONE
    assert axe_violations(page) == []

    with page.expect_download() as download:
        pdf_link.click()
    pdf = Path(download.value.path()).read_bytes()
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    lines = {re.sub(r"\s{2,}", "|", line.strip()) for line in text.decode().splitlines()}
    for label, value in report.figure_rows():
        assert f"{label}|{value}" in lines

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Les tableaux en tableur")).click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    cover = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0]}
    for label, value in report.figure_rows():
        assert cover[label] == value
    assert problems == []

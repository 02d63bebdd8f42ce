"""The exports built by the worker (PDF, spreadsheet, CSV) hold the computed figures; the pages and files
are a coordinator's own pole's only."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ReportJob
from reports.selectors import build_report
from reports.services import report_job_run
from tests import factories

from .conftest import PERIOD, YEAR

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="needs pdftotext (poppler-utils; .ci/run installs it)"
)


def _export(client, django_capture_on_commit_callbacks, **data) -> ReportJob:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:reports_export"), {"year": YEAR, **data})
    assert response.status_code == 302, response.content[:2000]
    job = ReportJob.objects.get(pk=int(re.search(r"/(\d+)/$", response["Location"]).group(1)))
    if job.status == ReportJob.Status.QUEUED:  # REDIS_URL set: published to a worker; run it here
        report_job_run(job_id=job.pk)
        job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    return job


def _pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def test_a_coordinator_exports_their_poles_report_and_the_files_hold_the_figures(
    year_world, client, django_capture_on_commit_callbacks
):
    pole = year_world["pole_a"]
    client.force_login(year_world["coordinator_a"])
    job = _export(client, django_capture_on_commit_callbacks, kind="pole", pole=pole.pk)
    report = build_report("pole", PERIOD, pole=pole)
    page = client.get(reverse("admin:reports_job", args=[job.pk]))
    assert b"rapport.pdf" in page.content

    pdf = client.get(reverse("admin:reports_job_pdf", args=[job.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
    assert "Rapport d’activité" in text or "Rapport d'activité" in text
    assert "Pôle Alpha" in text and "Conseil régional de Bretagne" in text
    assert f"u 1er janvier {YEAR} au 31 décembre {YEAR}" in text  # "Du …" on the cover
    lines = {re.sub(r"\s{2,}", "|", line.strip()) for line in text.splitlines()}
    for label, value in report.figure_rows():
        assert f"{label}|{value}" in lines, (label, value)
    for sector, count in report.table("sectors").rows:
        assert f"{sector}|{count}" in lines

    xlsx = client.get(reverse("admin:reports_job_xlsx", args=[job.pk]))
    book = load_workbook(io.BytesIO(xlsx.content))
    cover = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0]}
    for label, value in report.figure_rows():
        assert cover[label] == value
    assert len(book.worksheets) == 1 + len(report.tables)
    for table, sheet in zip(report.tables, book.worksheets[1:], strict=True):
        values = list(sheet.iter_rows(values_only=True))
        assert list(values[0]) == table.columns
        for row, written in zip(table.rows, values[1:], strict=False):
            assert written[0] == row[0] and written[-1] == row[-1]
        if table.total:
            assert list(values[len(table.rows) + 1]) == [None if v in (None, "") else v for v in table.total]

    content = client.get(reverse("admin:reports_job_csv", args=[job.pk])).content.decode("utf-8-sig")
    cells = {(r[0], r[1], r[2]): r[3] for r in csv.reader(io.StringIO(content), delimiter=";")}
    for sector, count in report.table("sectors").rows:
        assert cells["Membres par secteur", sector, "Membres"] == str(count)


def test_spreadsheet_cells_never_run_as_formulas(year_world):
    from reports.exports import report_xlsx

    factories.SectorFactory(name='=HYPERLINK("http://evil.example")')
    pole = year_world["pole_a"]
    actor = pole.actors.first()
    actor.sectors.add(factories.SectorFactory(name="=1+1"))
    book = load_workbook(io.BytesIO(report_xlsx(build_report("pole", PERIOD, pole=pole))))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.value)


def test_a_coordinator_sees_neither_another_poles_report_nor_its_files(
    year_world, client, django_capture_on_commit_callbacks
):
    regional = client
    regional.force_login(year_world["regional"])
    theirs = _export(regional, django_capture_on_commit_callbacks, kind="pole", pole=year_world["pole_b"].pk)
    region = _export(regional, django_capture_on_commit_callbacks, kind="regional")
    funder = _export(
        regional, django_capture_on_commit_callbacks, kind="funder", partner=year_world["region"].pk
    )

    client.force_login(year_world["coordinator_a"])
    page = client.get(
        reverse("admin:reports_report"), {"kind": "pole", "pole": year_world["pole_b"].pk, "year": YEAR}
    )
    assert page.status_code == 200 and page.context_data["report"] is None
    assert b"Bravo" not in page.content
    for kind in ("regional", "funder"):
        page = client.get(
            reverse("admin:reports_report"), {"kind": kind, "partner": year_world["region"].pk, "year": YEAR}
        )
        assert page.context_data["report"] is None and b"Bravo" not in page.content
    refused = client.post(
        reverse("admin:reports_export"), {"kind": "pole", "pole": year_world["pole_b"].pk, "year": YEAR}
    )
    assert refused.status_code == 400 and ReportJob.objects.count() == 3
    for job in (theirs, region, funder):
        for name in (
            "reports_job",
            "reports_job_status",
            "reports_job_pdf",
            "reports_job_xlsx",
            "reports_job_csv",
        ):
            assert client.get(reverse(f"admin:{name}", args=[job.pk])).status_code == 404
    listing = client.get(reverse("admin:reports_report"))
    assert b"Bravo" not in listing.content and str(region).encode() not in listing.content


def test_someone_with_no_pole_gets_no_report(db, client):
    client.force_login(factories.UserFactory(is_staff=True))
    assert client.get(reverse("admin:reports_report")).status_code == 403


def test_the_export_page_shows_the_progress_until_the_worker_has_built_it(year_world, client):
    client.force_login(year_world["coordinator_a"])
    response = client.post(
        reverse("admin:reports_export"), {"kind": "pole", "pole": year_world["pole_a"].pk, "year": YEAR}
    )
    job = ReportJob.objects.get()
    page = client.get(response["Location"])
    assert b"data-import-status-url" in page.content and b"<progress" in page.content
    status = client.get(reverse("admin:reports_job_status", args=[job.pk])).json()
    assert status["finished"] is False and status["total"] == 4
    assert client.get(reverse("admin:reports_job_pdf", args=[job.pk])).status_code == 302  # not built yet
    assert report_job_run(job_id=job.pk) is True
    assert report_job_run(job_id=job.pk) is False  # claimed once
    status = client.get(reverse("admin:reports_job_status", args=[job.pk])).json()
    assert status["finished"] is True and status["done"] == 4
    assert client.get(reverse("admin:reports_job_pdf", args=[job.pk])).content.startswith(b"%PDF")


def test_a_bad_period_is_a_form_error(year_world, client):
    client.force_login(year_world["coordinator_a"])
    url = reverse("admin:reports_report")
    for params in (
        {"kind": "pole", "pole": year_world["pole_a"].pk},
        {"kind": "pole", "pole": year_world["pole_a"].pk, "start": "2025-05-01", "end": "2025-01-01"},
        {"kind": "pole", "pole": year_world["pole_a"].pk, "start": "pas une date", "end": "2025-01-01"},
        {"kind": "pole", "year": YEAR},
    ):
        response = client.get(url, params)
        assert response.status_code == 200 and response.context_data["report"] is None
        assert response.context_data["form"].errors


def test_the_report_page_shows_charts_with_their_tables_and_text_alternatives(year_world, client):
    client.force_login(year_world["coordinator_a"])
    response = client.get(
        reverse("admin:reports_report"), {"kind": "pole", "pole": year_world["pole_a"].pk, "year": YEAR}
    )
    html = response.content.decode()
    images = re.findall(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="([^"]+)"', html)
    assert len(images) >= 4 and all(alt.strip() for alt in images)
    assert "Carte des membres par commune" in html
    assert "<script" not in html.split('id="content-main"')[1].split("</article>")[0]

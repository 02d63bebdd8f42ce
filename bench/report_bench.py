"""Time the regional activity report for a year at 10,000 organisations and 200 events, against the trivial
view, as a ratio. Runnable alone (it seeds its own database)::

    .venv/bin/python bench/report_bench.py

``BENCH_REPORT_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/ess_bench_reports``, created
if missing) gets the reference data and ``bench/seed.py``'s 10,000 organisations, 200 events and 5,000
registrations once; the events are then moved 100 days back (and the registrations marked present or not),
so that the last 365 days are a year of held events. Both pages are asked for in this process through Django's test
client, as the regional team, with the whole middleware stack: ``/admin/rapports/?kind=regional`` (the
report with its charts and map, every pole side by side) and ``/bench/trivial/``. Prints the median of
each, their ratio and the report's number of SQL queries. The exports (PDF, spreadsheet) are timed too,
as the worker builds them.
"""

import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_REPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ess_bench_reports"
)
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ["REDIS_URL"] = ""
os.environ.setdefault("AXES_ENABLED", "False")
os.environ.setdefault("LOG_LEVEL", "WARNING")
ACTORS = int(os.environ.get("BENCH_ACTORS", "10000"))
SAMPLES = int(os.environ.get("BENCH_REPORT_SAMPLES", "7"))

subprocess.run([sys.executable, str(ROOT / "bench" / "createdb.py"), os.environ["DATABASE_URL"]], check=True)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from actors.models import Actor  # noqa: E402
from events.models import Event, Registration  # noqa: E402
from reports import exports  # noqa: E402
from reports.selectors import Period, build_report  # noqa: E402


def prepare() -> Period:
    call_command("migrate", verbosity=0)
    if Actor.objects.count() < ACTORS:
        call_command("load_reference_data", verbosity=0)
        from bench.seed import seed

        seed(ACTORS)
    bench_events = Event.objects.filter(slug__contains="bench")
    if bench_events.filter(starts_at__gt=timezone.now()).exists():
        with transaction.atomic():
            for event in bench_events.only("pk", "starts_at", "ends_at"):
                Event.objects.filter(pk=event.pk).update(
                    starts_at=event.starts_at - timedelta(days=100),
                    ends_at=event.ends_at - timedelta(days=100),
                    registration_opens_at=None,
                    registration_closes_at=None,
                )
            for n, pk in enumerate(Registration.objects.order_by("pk").values_list("pk", flat=True)):
                Registration.objects.filter(pk=pk).update(attended=n % 5 != 4)
    today = timezone.localdate()
    return Period(today - timedelta(days=364), today)


def median_ms(client: Client, path: str, params: dict | None = None) -> float:
    samples = []
    for _n in range(SAMPLES + 1):
        start = time.perf_counter()
        response = client.get(path, params or {})
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples[1:])  # the first one warms up


def main() -> int:
    period = prepare()
    user, _created = get_user_model().objects.get_or_create(
        username="bench-regional", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    params = {"kind": "regional", "start": period.start.isoformat(), "end": period.end.isoformat()}
    trivial = median_ms(client, "/bench/trivial/")
    report_ms = median_ms(client, "/admin/rapports/", params)
    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/rapports/", params)
    report = build_report("regional", period)
    start = time.perf_counter()
    pdf = exports.report_pdf(report)
    pdf_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    xlsx = exports.report_xlsx(report)
    xlsx_ms = (time.perf_counter() - start) * 1000
    print(
        f"organisations {Actor.objects.count()}, events held {report.total.events_held}, "
        f"registrations {report.total.registrations}, members at the end {report.total.members_end}"
    )
    print(f"period {period.start} – {period.end}")
    print(f"trivial view          {trivial:8.1f} ms (median of {SAMPLES})")
    print(f"regional report page  {report_ms:8.1f} ms (median of {SAMPLES}), {len(queries)} SQL queries")
    print(f"ratio report / trivial {report_ms / trivial:8.0f}")
    print(f"PDF export            {pdf_ms:8.1f} ms ({len(pdf) // 1024} KiB)")
    print(f"spreadsheet export    {xlsx_ms:8.1f} ms ({len(xlsx) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure the CSV import of organisations at its documented maximum (5,000 rows), as the worker runs it.

Run after ``bench/seed.py`` (10,000 organisations over 21 poles) on the benchmark database::

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://…/ess_bench .venv/bin/python bench/import_bench.py

The file is what a coordinator of the first pole would upload: the pole's own organisations as
exported (with a new email) and new organisations of its territory up to 5,000 rows, with sectors,
SIRET, website and email. Prints the time and the number of SQL queries of the preview (the dry run)
and of the confirmed import, each run as the worker's task runs it (``import_jobs.import_job_run``), in
this process. With ``BENCH_IMPORT_WORKER=redis://…/<db>``, a real Celery worker is started on that
broker instead and the time is measured from the upload (or the confirmation) until the job's row says
it is done. The organisations created are deleted afterwards, so the run can be repeated. Last, the
CSV export of every organisation (the admin action) is timed, in this process.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
WORKER_BROKER = os.environ.get("BENCH_IMPORT_WORKER", "")
if WORKER_BROKER:
    os.environ["REDIS_URL"] = WORKER_BROKER  # publish to the worker instead of running in-process

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from actors.models import Actor, ImportJob, Sector  # noqa: E402
from actors.services import csv_format, exports, import_jobs  # noqa: E402
from core.validators import luhn_ok  # noqa: E402
from ess_portal.celery import app as celery_app  # noqa: E402
from poles.models import Commune, Pole  # noqa: E402

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "5000"))
NEW_NAME = "Nouvelle organisation"


def siret(n: int) -> str:
    prefix = f"9{n:012d}"
    return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))


def build_file(pole: Pole) -> bytes:
    member_ids = Actor.objects.filter(pole=pole).order_by("pk").values_list("pk", flat=True)[: ROWS // 2]
    members = Actor.objects.filter(pk__in=list(member_ids))
    rows = [list(row) for row in exports.actors_export_rows(members)]
    email = csv_format.EXPORT_COLUMNS.index("email")
    for row in rows:
        row[email] = "contact@example.org"
    communes = list(Commune.objects.in_territory_of(pole).order_by("insee_code")[:200])
    sectors = list(Sector.objects.order_by("pk").values_list("name", flat=True)[:5])
    n = 0
    while len(rows) < ROWS:
        commune = communes[n % len(communes)]
        row = dict.fromkeys(csv_format.EXPORT_COLUMNS, "")
        row.update(
            name=f"{NEW_NAME} {n}",
            legal_form="scic" if n % 3 else "association",
            sectors=", ".join(sectors[n % 5 : n % 5 + 2]),
            siret=siret(n),
            insee_code=commune.insee_code,
            website=f"www.organisation-{n}.example.org",
            email=f"contact{n}@example.org",
            description="Une organisation de l’économie sociale et solidaire.",
        )
        rows.append(list(row.values()))
        n += 1
    lines = [";".join(csv_format.EXPORT_COLUMNS)] + [";".join(map(str, row)) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def counted(function):
    """(seconds, SQL queries, result) of ``function()``."""
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        result = function()
        return time.perf_counter() - start, queries, result


def in_process(label: str, job: ImportJob) -> None:
    elapsed, queries, _ran = counted(lambda: import_jobs.import_job_run(job_id=job.pk))
    show(label, elapsed, f"{queries:6d} queries", job)


def in_worker(label: str, job: ImportJob, start: float) -> None:
    while not ImportJob.objects.only("status").get(pk=job.pk).finished:
        time.sleep(0.05)
    show(label, time.perf_counter() - start, "in the worker", job)


def show(label: str, elapsed: float, how: str, job: ImportJob) -> None:
    job.refresh_from_db()
    report = job.report
    print(
        f"{label:<20} {elapsed:6.2f} s  {how}  status={job.status} created={report['created']} "
        f"updated={report['updated']} errors={report['error_count']} file_errors={report['file_errors']}"
    )


def measure_export() -> None:
    """The regional team's "Export the selected organisations (CSV)" over the whole directory."""
    from core.csv_export import csv_response

    elapsed, queries, response = counted(
        lambda: csv_response(
            "x.csv", csv_format.EXPORT_COLUMNS, exports.actors_export_rows(Actor.objects.all())
        )
    )
    print(f"{'CSV export, all':<20} {elapsed:6.2f} s  {queries:6d} queries  {len(response.content):,} bytes")


def start_worker() -> subprocess.Popen:
    log = open(ROOT / ".pytest_cache" / "bench-import-worker.log", "w+b")  # noqa: SIM115
    command = [sys.executable, "-m", "celery", "-A", "ess_portal", "worker", "--pool=solo", "--loglevel=INFO"]
    command += [
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"bench-{os.getpid()}@%h",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=os.environ, stdout=log, stderr=subprocess.STDOUT)
    while b"ready." not in Path(log.name).read_bytes():
        if process.poll() is not None:
            raise SystemExit(Path(log.name).read_text()[-3000:])
        time.sleep(0.2)
    return process


def main() -> None:
    from django.contrib.auth import get_user_model

    pole = Pole.objects.order_by("pk").first()
    if pole is None:
        raise SystemExit("No pole: run bench/seed.py first.")
    user, _ = get_user_model().objects.get_or_create(username="bench-import", defaults={"is_superuser": True})
    Actor.objects.filter(name__startswith=NEW_NAME).delete()
    data = build_file(pole)
    where = f"a worker on {WORKER_BROKER}" if WORKER_BROKER else "this process"
    print(
        f"{connection.vendor}: {Actor.objects.count()} organisations, {ROWS} rows into {pole}, run in {where}"
    )

    worker = start_worker() if WORKER_BROKER else None
    # In-process, the upload publishes to Celery's in-memory broker and this script runs the task itself.
    celery_app.conf.task_always_eager = False
    try:
        start = time.perf_counter()
        job = import_jobs.import_job_create(pole=pole, user=user, file_name="bench.csv", content=data)
        if worker:
            in_worker("preview (dry run)", job, start)
        else:
            in_process("preview (dry run)", job)
        start = time.perf_counter()
        assert import_jobs.import_job_confirm(job=job), "the preview found errors"
        if worker:
            in_worker("confirmed import", job, start)
        else:
            in_process("confirmed import", job)
        measure_export()
    finally:
        if worker:
            worker.terminate()
            worker.wait(20)
        Actor.objects.filter(name__startswith=NEW_NAME).delete()
        ImportJob.objects.filter(file_name="bench.csv").delete()


if __name__ == "__main__":
    main()

"""Measure the CSV import of organisations at its documented maximum (5,000 rows), in-process.

Run after ``bench/seed.py`` (10,000 organisations over 21 poles) on the benchmark database::

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://…/ess_bench .venv/bin/python bench/import_bench.py

The file is what a coordinator of the first pole would upload: 2,500 rows updating the pole's own
organisations (as exported, with a new email) and 2,500 new organisations of its territory, with
sectors, SIRET, website and email. Prints the time and the number of SQL queries of the preview (dry
run) and of the confirmed import, each as the worker runs it; the import's writes are rolled back so
that the run can be repeated.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from actors import services  # noqa: E402
from actors.models import Actor, Sector  # noqa: E402
from actors.validators import luhn_ok  # noqa: E402
from poles.models import Pole  # noqa: E402

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "5000"))


class Rollback(Exception):
    pass


def siret(n: int) -> str:
    prefix = f"9{n:012d}"
    return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))


def build_file(pole: Pole) -> bytes:
    member_ids = Actor.objects.filter(pole=pole).order_by("pk").values_list("pk", flat=True)[: ROWS // 2]
    members = Actor.objects.filter(pk__in=list(member_ids))
    rows = [list(row) for row in services.actors_export_rows(members)]
    email = services.EXPORT_COLUMNS.index("email")
    for row in rows:
        row[email] = "contact@example.org"
    communes = list(services.territory_communes([pole]).order_by("insee_code")[:200])
    sectors = list(Sector.objects.order_by("pk").values_list("name", flat=True)[:5])
    n = 0
    while len(rows) < ROWS:
        commune = communes[n % len(communes)]
        row = dict.fromkeys(services.EXPORT_COLUMNS, "")
        row.update(
            name=f"Nouvelle organisation {n}",
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
    lines = [";".join(services.EXPORT_COLUMNS)] + [";".join(map(str, row)) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def measure(label: str, function) -> None:
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        report = function()
        elapsed = time.perf_counter() - start
    print(
        f"{label:<26} {elapsed:6.2f} s  {queries:6d} queries  "
        f"created={report.created} updated={report.updated} errors={len(report.error_rows)} "
        f"file_errors={report.file_errors}"
    )


def main() -> None:
    from django.contrib.auth import get_user_model

    pole = Pole.objects.order_by("pk").first()
    if pole is None:
        raise SystemExit("No pole: run bench/seed.py first.")
    user, _ = get_user_model().objects.get_or_create(username="bench-import", defaults={"is_superuser": True})
    data = build_file(pole)
    print(f"{connection.vendor}: {Actor.objects.count()} organisations, importing {ROWS} rows into {pole}")

    measure(
        "preview (dry run)", lambda: services.actors_import(pole=pole, file=data, user=user, dry_run=True)
    )

    def confirmed():
        report = None
        try:
            with transaction.atomic():
                report = services.actors_import(pole=pole, file=data, user=user, dry_run=False)
                raise Rollback
        except Rollback:
            pass
        return report

    measure("confirmed import", confirmed)


if __name__ == "__main__":
    main()

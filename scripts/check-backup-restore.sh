#!/usr/bin/env bash
# CI check that a backup restores: load reference and demo data into a scratch database, dump it with
# scripts/backup.sh, restore into a second scratch database with scripts/restore.sh, compare row counts.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${PG_BASE_URL:-postgres://postgres@127.0.0.1:5432}
PY=${PYTHON:-.venv/bin/python}
for db in ess_backup_src ess_backup_dst; do
  psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
done
counts() {
  DATABASE_URL="$base/$1" "$PY" manage.py shell -c "
from django.apps import apps
print(' '.join(f'{m._meta.label}={m.objects.count()}' for m in apps.get_models() if m._meta.app_label in {'poles','actors','events','auth'}))"
}
export DATABASE_URL="$base/ess_backup_src"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py load_reference_data >/dev/null
"$PY" manage.py setup_roles >/dev/null
"$PY" manage.py load_demo >/dev/null
dump=$(mktemp --suffix=.dump)
scripts/backup.sh "$dump" >/dev/null
DATABASE_URL="$base/ess_backup_dst" PYTHON="$PY" scripts/restore.sh "$dump" >/dev/null
before=$(counts ess_backup_src); after=$(counts ess_backup_dst)
rm -f "$dump"
for db in ess_backup_src ess_backup_dst; do psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $db"; done
if [ "$before" != "$after" ]; then
  echo "restore differs:"; echo "  source:   $before"; echo "  restored: $after"; exit 1
fi
echo "backup restored: $after"

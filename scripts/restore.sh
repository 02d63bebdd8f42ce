#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into the database of DATABASE_URL (replacing its objects),
# then apply any newer migrations.
# Usage: DATABASE_URL=postgres://… scripts/restore.sh FILE
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to restore into}"
dump=${1:?usage: scripts/restore.sh FILE}
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$dump"
"${PYTHON:-python}" manage.py migrate --noinput

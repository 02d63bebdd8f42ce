#!/usr/bin/env bash
# Dump the portal's PostgreSQL database (custom format, compressed) to a file.
# Usage: DATABASE_URL=postgres://… scripts/backup.sh [FILE]   (default: ess-YYYYmmdd-HHMMSS.dump)
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
out=${1:-ess-$(date -u +%Y%m%d-%H%M%S).dump}
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$out"
echo "$out"

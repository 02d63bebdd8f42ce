#!/usr/bin/env bash
# make bench: seed 10,000 organisations into a dedicated database, serve the site with gunicorn (production
# profile), and measure every public page against a trivial Django view served the same way.
#
# Environment: BENCH_DATABASE_URL (default: a SQLite file in /tmp; a postgres:// URL works too),
# BENCH_ACTORS (10000), BENCH_PORT (8190), BENCH_WORKERS (2), BENCH_SECONDS (5), BENCH_CONCURRENCY (4),
# BENCH_REDIS_URL (unset: each worker caches in local memory; set it to measure with the Redis cache).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
export DJANGO_SETTINGS_MODULE=bench.settings
export DATABASE_URL=${BENCH_DATABASE_URL:-sqlite:////tmp/ess-bench.sqlite3}
export DEBUG=False SECRET_KEY=bench-only-secret-key ALLOWED_HOSTS=127.0.0.1,localhost
export SITE_URL=http://127.0.0.1:${BENCH_PORT:-8190} CONN_MAX_AGE=600 AXES_ENABLED=False
export REDIS_URL=${BENCH_REDIS_URL:-}
export BENCH_PORT=${BENCH_PORT:-8190}
ACTORS=${BENCH_ACTORS:-10000}

echo "== database: $DATABASE_URL"
$PY manage.py migrate --noinput -v 0
$PY manage.py load_reference_data -v 0
echo "== seeding $ACTORS organisations"
$PY bench/seed.py "$ACTORS"

echo "== serving with gunicorn on 127.0.0.1:$BENCH_PORT (${BENCH_WORKERS:-2} workers)"
.venv/bin/gunicorn ess_portal.wsgi:application --bind "127.0.0.1:$BENCH_PORT" \
  --workers "${BENCH_WORKERS:-2}" --log-level warning &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  if $PY -c "import http.client as h; c=h.HTTPConnection('127.0.0.1', $BENCH_PORT, timeout=1); c.request('GET', '/bench/trivial/'); assert c.getresponse().status == 200" 2>/dev/null; then
    break
  fi
  sleep 0.2
done

echo "== measuring"
$PY bench/load.py

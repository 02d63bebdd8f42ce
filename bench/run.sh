#!/usr/bin/env bash
# make bench: seed 10,000 organisations, 200 events and 5,000 registrations into a dedicated database,
# serve the site with gunicorn (production profile), load it with wrk, measure the map's first view in
# Chromium, and print every measurement of the run side by side with its target (see bench/README.md).
# make bench-scale (BENCH_SCALE=10): ten times the data, 100,000 organisations, 2,000 events and 50,000
# registrations, the same scenarios.
#
# Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ess_bench, created if
# missing; a sqlite:////path URL works too), BENCH_SCALE (1), BENCH_ACTORS (10000 × BENCH_SCALE),
# BENCH_PORT (8190), BENCH_SMTP_PORT (8191), BENCH_PROXY_PORT (BENCH_PORT + 3: nginx's HTTPS, its HTTP on
# BENCH_PORT + 2), BENCH_WORKERS (2), BENCH_SECONDS (5), BENCH_CONCURRENCY (4), BENCH_LOAD (wrk when installed,
# or "python"), BENCH_REDIS_URL (the cache shared by the workers, default redis://127.0.0.1:6379/6, flushed
# by the seed; empty: each worker caches in its own memory).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
export DJANGO_SETTINGS_MODULE=bench.settings
export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ess_bench}
export BENCH_PORT=${BENCH_PORT:-8190} BENCH_SMTP_PORT=${BENCH_SMTP_PORT:-8191}
export DEBUG=False SECRET_KEY=bench-only-secret-key ALLOWED_HOSTS=127.0.0.1,localhost
export SITE_URL=http://127.0.0.1:$BENCH_PORT CONN_MAX_AGE=600 AXES_ENABLED=False LOG_LEVEL=WARNING
export REDIS_URL= BENCH_CACHE_URL=${BENCH_REDIS_URL-redis://127.0.0.1:6379/6}
# Every email (registration links, reminders) goes to the local SMTP sink started below.
export EMAIL_URL=smtp://127.0.0.1:$BENCH_SMTP_PORT DEFAULT_FROM_EMAIL="ESS Bretagne <bench@ess-bretagne.invalid>"
# All the benchmark's clients share one address: raise the per-address limits (the code still runs).
export REGISTRATION_RATE=1000000/m API_RATE=1000000/m
ACTORS=${BENCH_ACTORS:-$((10000 * ${BENCH_SCALE:-1}))}
export BENCH_ACTORS=$ACTORS

if [ "${BENCH_LOAD:-wrk}" != python ] && ! command -v wrk >/dev/null; then
  echo "== installing wrk (Debian package)"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; } \
      || echo "   wrk could not be installed: falling back to the Python load driver"
  else
    echo "   not root or no apt-get: falling back to the Python load driver"
  fi
fi

echo "== database: $DATABASE_URL"
$PY bench/createdb.py "$DATABASE_URL"
$PY manage.py migrate --noinput -v 0
$PY manage.py load_reference_data -v 0
echo "== seeding $ACTORS organisations, $((ACTORS / 50)) events, $((ACTORS / 2)) registrations"
$PY bench/seed.py "$ACTORS"
# The browser measurement loads the pages' scripts and styles from gunicorn (WhiteNoise reads them at start).
$PY manage.py collectstatic --noinput -v 0

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -z "${PROXY_DIR:-}" ] || rm -rf "$PROXY_DIR"
}
trap cleanup EXIT

echo "== SMTP sink on 127.0.0.1:$BENCH_SMTP_PORT"
$PY bench/smtp_sink.py "$BENCH_SMTP_PORT" &
PIDS+=($!)

echo "== serving with gunicorn on 127.0.0.1:$BENCH_PORT (${BENCH_WORKERS:-2} workers)"
.venv/bin/gunicorn ess_portal.wsgi:application --bind "127.0.0.1:$BENCH_PORT" \
  --workers "${BENCH_WORKERS:-2}" --log-level warning &
PIDS+=($!)
for _ in $(seq 1 100); do
  if $PY -c "import http.client as h; c=h.HTTPConnection('127.0.0.1', $BENCH_PORT, timeout=1); c.request('GET', '/bench/trivial/'); assert c.getresponse().status == 200" 2>/dev/null; then
    break
  fi
  sleep 0.2
done

# The compose stack's reverse proxy (the same template, Debian's nginx) in front of the same gunicorn.
if command -v nginx >/dev/null && command -v envsubst >/dev/null; then
  PROXY_DIR=$(mktemp -d -t ess-bench-proxy.XXXXXX)
  chmod 755 "$PROXY_DIR"
  mkdir -p "$PROXY_DIR/srv/media" && ln -s "$PWD/static" "$PROXY_DIR/srv/static"
  BENCH_PROXY_PORT=${BENCH_PROXY_PORT:-$((BENCH_PORT + 3))}
  echo "== proxy: docker/nginx/templates/default.conf.template, Debian's nginx, https://localhost:$BENCH_PROXY_PORT"
  proxy_command=$(docker/nginx/local-proxy.sh "$PROXY_DIR" "$((BENCH_PORT + 2))" "$BENCH_PROXY_PORT" \
    "127.0.0.1:$BENCH_PORT" "$PROXY_DIR/srv" "$PROXY_DIR/logs")
  eval "exec $proxy_command" &
  PIDS+=($!)
  export BENCH_PROXY_URL=https://localhost:$BENCH_PROXY_PORT
else
  echo "== no nginx (apt-get install nginx): the proxy is not measured"
fi

echo "== measuring"
status=0
$PY bench/load.py || status=$?
if [ -x "${BENCH_CHROMIUM:-/usr/bin/chromium}" ]; then
  $PY bench/map_browser.py || status=$?
else
  echo "== no Chromium at ${BENCH_CHROMIUM:-/usr/bin/chromium}: the map's first view is not measured"
fi
exit $status

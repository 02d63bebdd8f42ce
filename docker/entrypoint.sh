#!/bin/sh
# Entry point of the image: `web` migrates and loads the reference data before serving; `worker` and
# `beat` run Celery (run exactly one beat); `collectstatic` is the image build's static step. Any other
# command is executed as is. scripts/check-production.sh runs these same commands in CI.
set -e
case "$1" in
  collectstatic)
    # At build time (Dockerfile): the production storage hashes and compresses every file and follows
    # every reference between them, so a missing file stops the build instead of breaking every page.
    DEBUG=False SECRET_KEY=build-only-not-secret ALLOWED_HOSTS=localhost \
      exec python manage.py collectstatic --noinput
    ;;
  web)
    python manage.py migrate --noinput
    python manage.py load_reference_data
    python manage.py setup_roles
    # Pages cached by the previous release must not outlive it.
    python manage.py bump_cache_version
    # gunicorn believes X-Forwarded-Proto only from these addresses: everyone when the TLS proxy in front
    # is trusted (TRUST_PROXY_SSL_HEADER, see .env.example), otherwise only this container itself.
    case "${TRUST_PROXY_SSL_HEADER:-false}" in
      [Tt]rue|TRUE|1|[Yy]es|[Oo]n) trusted_proxies="*" ;;
      *) trusted_proxies="127.0.0.1,::1" ;;
    esac
    # WEB_BIND: the address gunicorn listens on (the container's port 8000 unless told otherwise).
    exec gunicorn ess_portal.wsgi:application --bind "${WEB_BIND:-0.0.0.0:8000}" \
      --workers "${WEB_CONCURRENCY:-3}" --access-logfile - \
      --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-$trusted_proxies}"
    ;;
  worker)
    exec celery -A ess_portal worker --loglevel=INFO --concurrency "${WORKER_CONCURRENCY:-2}"
    ;;
  beat)
    # Its state goes to CELERY_BEAT_SCHEDULE_FILENAME (default: .celerybeat-schedule in /app).
    exec celery -A ess_portal beat --loglevel=INFO
    ;;
  *)
    exec "$@"
    ;;
esac

# The portal's image: one image for the web, worker and beat processes.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system ess && useradd --system --gid ess --home /app --shell /usr/sbin/nologin ess

WORKDIR /app
COPY pyproject.toml README.md ./
COPY ess_portal ess_portal
COPY poles poles
COPY actors actors
COPY events events
RUN pip install --upgrade pip && pip install .

COPY . .
RUN DEBUG=False SECRET_KEY=build-only-not-secret ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
 && chown -R ess:ess /app

USER ess
EXPOSE 8000
ENTRYPOINT ["docker/entrypoint.sh"]
CMD ["web"]

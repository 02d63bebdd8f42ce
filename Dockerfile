# The portal's images, from one build (docker-compose.yml builds both targets):
#   app    the web, worker and beat processes (the default target);
#   proxy  nginx with the static files collected by this same build, so the two never disagree.
FROM python:3.11-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext curl libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
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
RUN docker/entrypoint.sh collectstatic \
 && mkdir -p media \
 && chown -R ess:ess /app

USER ess
EXPOSE 8000
ENTRYPOINT ["docker/entrypoint.sh"]
CMD ["web"]

FROM nginx:1.28-alpine AS proxy
COPY docker/nginx/templates/ /etc/nginx/templates/
COPY --from=app /app/staticfiles /srv/static
RUN mkdir -p /srv/media

FROM app

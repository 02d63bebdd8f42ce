"""With Redis unreachable — the cache (hence the page cache and the rate limits) and the Celery broker —
the public site keeps answering and a registration still succeeds, its email waiting in the outbox.

The decision (README, "Abuse protection"): the cache degrades to misses, the rate limits fail open, and
email is published after the commit and swept later, so no visitor sees the outage."""

import socket
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from ess_portal.celery import app as celery_app
from events.models import EmailRecord, Registration

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """The cache and the broker both point at a port where nothing listens; tasks are published for real."""
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    previous = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = dead
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    dead_cache = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": dead,
            "KEY_PREFIX": "ess",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(
        CACHES=dead_cache,
        REDIS_URL=dead,
        CELERY_BROKER_URL=dead,
        CELERY_TASK_ALWAYS_EAGER=False,
        RATELIMIT_ENABLE=True,
        RATELIMIT_FAIL_OPEN=True,
    ):
        yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_the_public_site_answers_while_redis_is_down(client, public_site, redis_down):
    urls = [
        "/",
        "/poles/",
        "/poles/cades/",
        "/acteurs/",
        "/acteurs/?q=charpentiers",
        public_site["actor"].get_absolute_url(),
        "/carte/",
        "/carte/?embed=1",
        "/api/acteurs.geojson",
        "/api/poles.geojson",
        "/donnees/acteurs.csv",
        "/evenements/",
        public_site["event"].get_absolute_url(),
    ]
    for url in urls:
        for _visit in range(2):  # nothing gets cached, so both visits render
            assert client.get(url).status_code == HTTPStatus.OK, url
    assert "Les Charpentiers" in client.get("/acteurs/").content.decode()


def test_health_reports_the_broker_down_but_the_site_up(client, redis_down):
    with override_settings(HEALTH_TOKEN="monitoring-token"):
        response = client.get("/sante/", headers={"Authorization": "Bearer monitoring-token"})

    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "ok"
    assert response.json()["broker"]["status"] == "down"


def test_registering_succeeds_while_redis_is_down_and_the_email_waits_in_the_outbox(
    client, public_site, redis_down, django_capture_on_commit_callbacks
):
    event = public_site["event"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:register", kwargs={"slug": event.slug}),
            {"full_name": "Anne Le Goff", "email": "anne@example.org", "consent": "on"},
        )

    assert response.status_code == HTTPStatus.FOUND
    registration = Registration.objects.get(event=event)
    assert registration.email == "anne@example.org"
    assert EmailRecord.objects.get(registration=registration).status == EmailRecord.Status.PENDING
    assert mail.outbox == []
    page = client.get(response["Location"])
    assert page.status_code == HTTPStatus.OK

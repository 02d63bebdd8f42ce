"""/sante/: a bare status for anyone (load balancers), the details for the monitoring only (HEALTH_TOKEN)."""

import json
from http import HTTPStatus

import pytest
from django.db import connection

TOKEN = "a-long-random-monitoring-token"

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitoring(settings):
    settings.HEALTH_TOKEN = TOKEN
    return {"Authorization": f"Bearer {TOKEN}"}


def test_the_public_answer_is_the_status_alone(client, monitoring):
    response = client.get("/sante/")

    assert response.status_code == HTTPStatus.OK
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_the_monitoring_gets_database_broker_and_beat_with_its_token(client, settings, monitoring):
    response = client.get("/sante/", headers=monitoring)

    assert response.status_code == HTTPStatus.OK
    payload = json.loads(response.content)
    assert payload["status"] == "ok"
    assert payload["database"] == {"status": "ok", "vendor": connection.vendor}
    assert payload["broker"]["status"] == ("ok" if settings.REDIS_URL else "eager")
    assert "status" in payload["beat"]


@pytest.mark.parametrize(
    "authorization", ["", "Bearer ", "Bearer wrong-token", TOKEN, f"Basic {TOKEN}", f"Bearer {TOKEN}x"]
)
def test_without_the_right_token_nothing_but_the_status_is_shown(client, monitoring, authorization):
    response = client.get("/sante/", headers={"Authorization": authorization})

    assert json.loads(response.content) == {"status": "ok"}


def test_no_token_configured_means_no_details_for_anyone(client, settings):
    settings.HEALTH_TOKEN = ""

    response = client.get("/sante/", headers={"Authorization": "Bearer "})

    assert json.loads(response.content) == {"status": "ok"}


def test_an_unreachable_broker_is_reported_to_the_monitoring_without_failing(client, settings, monitoring):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/sante/", headers=monitoring)

    assert response.status_code == HTTPStatus.OK
    assert json.loads(response.content)["broker"]["status"] == "down"

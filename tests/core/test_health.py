import json
from http import HTTPStatus

import pytest
from django.db import connection


@pytest.mark.django_db
def test_health_reports_database_and_broker(client, settings):
    response = client.get("/sante/")
    assert response.status_code == HTTPStatus.OK
    payload = json.loads(response.content)
    assert payload["status"] == "ok"
    assert payload["database"] == {"status": "ok", "vendor": connection.vendor}
    expected_broker = "ok" if settings.REDIS_URL else "eager"
    assert payload["broker"]["status"] == expected_broker


@pytest.mark.django_db
def test_health_reports_an_unreachable_broker_without_failing(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/sante/")
    assert response.status_code == HTTPStatus.OK
    assert json.loads(response.content)["broker"]["status"] == "down"

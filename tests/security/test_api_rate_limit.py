"""The public map data and the CSV download are rate-limited per client address, with a French answer."""

import json
import subprocess
import sys
from http import HTTPStatus

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/api/acteurs.geojson", "/api/poles.geojson", "/donnees/acteurs.csv"]


@pytest.fixture
def api_rate(settings):
    # Per hour: a per-minute window could reset in the middle of the test.
    settings.API_RATE = "3/h"
    settings.RATELIMIT_ENABLE = True


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_client_over_the_api_rate_gets_a_429_in_french(client, public_site, api_rate, url):
    statuses = [client.get(url).status_code for _ in range(3)]

    refused = client.get(url)

    assert statuses == [HTTPStatus.OK] * 3
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused["Content-Type"] == "application/json"
    assert json.loads(refused.content) == {"error": "Trop de requêtes : veuillez réessayer un peu plus tard."}
    assert refused["Retry-After"] == "3600"


@pytest.mark.parametrize("url", ["/api/acteurs.geojson", "/api/poles.geojson"])
def test_a_revalidation_answered_304_is_not_counted(client, public_site, api_rate, url):
    """A 304 transfers nothing and costs less than counting it; every other answer counts."""
    etag = client.get(url)["ETag"]
    revalidations = [client.get(url, HTTP_IF_NONE_MATCH=etag).status_code for _ in range(10)]

    assert revalidations == [HTTPStatus.NOT_MODIFIED] * 10
    assert [client.get(url).status_code for _ in range(3)] == [HTTPStatus.OK] * 2 + [
        HTTPStatus.TOO_MANY_REQUESTS
    ]


def test_the_limit_counts_each_client_address_separately(client, public_site, api_rate):
    for _ in range(4):
        client.get("/api/acteurs.geojson", REMOTE_ADDR="192.0.2.1")

    other_client = client.get("/api/acteurs.geojson", REMOTE_ADDR="192.0.2.2")

    assert other_client.status_code == HTTPStatus.OK


def test_a_malformed_api_rate_stops_start_up_with_a_clear_message():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "API_RATE": "beaucoup"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "API_RATE is malformed ('beaucoup')" in result.stderr

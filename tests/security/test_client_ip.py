"""Behind the TLS proxy, the client's address comes from one setting, CLIENT_IP_HEADER, for the login
lockout, the rate limits and the logs alike; unset, the connection address counts and the header is
ignored. A request missing the header, or carrying nonsense in it, is an ordinary request counted under
its connection address — never a 500."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from http import HTTPStatus

import pytest

from tests import factories

from .conftest import ROOT, manage_check

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # every request reaches Django from the proxy
LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def behind_proxy(settings):
    settings.CLIENT_IP_HEADER = "X-Real-IP"


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


@pytest.fixture
def coordinator(db):
    return factories.UserFactory(username="coord", is_staff=True)


def login(client, *, password, remote=PROXY, **headers):
    client.cookies.clear()
    return client.post(LOGIN, {"username": "coord", "password": password}, REMOTE_ADDR=remote, **headers)


def logged_in(response) -> bool:
    return response.status_code == HTTPStatus.FOUND and response["Location"] == "/admin/"


def test_five_failures_from_one_client_do_not_lock_the_coordinator_out_elsewhere(
    client, behind_proxy, lockout, coordinator
):
    for _ in range(5):
        login(client, password="wrong", HTTP_X_REAL_IP="198.51.100.66")

    assert logged_in(login(client, password=PASSWORD, HTTP_X_REAL_IP="203.0.113.10"))
    assert not logged_in(login(client, password=PASSWORD, HTTP_X_REAL_IP="198.51.100.66"))


def test_without_the_setting_a_header_sent_by_a_client_is_ignored(client, settings, lockout, coordinator):
    settings.CLIENT_IP_HEADER = None
    for n in range(5):
        login(client, password="wrong", remote="192.0.2.50", HTTP_X_REAL_IP=f"198.51.100.{n}")

    # A fresh header does not escape the lockout of the connection address…
    assert not logged_in(login(client, password=PASSWORD, remote="192.0.2.50", HTTP_X_REAL_IP="203.0.113.9"))
    # …which locks that address only.
    assert logged_in(login(client, password=PASSWORD, remote="192.0.2.51", HTTP_X_REAL_IP="198.51.100.0"))


@pytest.fixture
def api_rate(settings):
    settings.API_RATE = "2/h"
    settings.RATELIMIT_ENABLE = True


def geojson(client, remote=PROXY, **headers):
    return client.get("/api/acteurs.geojson", REMOTE_ADDR=remote, **headers).status_code


def test_rate_limits_count_per_header_value(client, behind_proxy, api_rate):
    assert [geojson(client, HTTP_X_REAL_IP="198.51.100.7") for _ in range(3)] == [200, 200, 429]

    assert geojson(client, HTTP_X_REAL_IP="198.51.100.8") == HTTPStatus.OK
    assert geojson(client, remote="10.0.0.3", HTTP_X_REAL_IP="198.51.100.7") == 429  # another proxy


def test_rate_limits_ignore_the_header_when_the_setting_is_unset(client, settings, api_rate):
    settings.CLIENT_IP_HEADER = None

    statuses = [geojson(client, remote="192.0.2.7", HTTP_X_REAL_IP=f"198.51.100.{n}") for n in range(3)]

    assert statuses == [200, 200, 429]


@pytest.mark.parametrize("header", [{}, {"HTTP_X_REAL_IP": ""}, {"HTTP_X_REAL_IP": "pas une adresse"}])
def test_a_missing_or_malformed_header_counts_under_the_connection_address(
    client, behind_proxy, api_rate, header
):
    assert [geojson(client, remote="10.0.0.9", **header) for _ in range(2)] == [200, 200]

    assert geojson(client, remote="10.0.0.9", **header) == 429
    assert geojson(client, remote="10.0.0.9", HTTP_X_REAL_IP="198.51.100.20") == HTTPStatus.OK


def test_a_registration_without_the_header_is_an_ordinary_request(client, behind_proxy):
    event = factories.EventFactory()
    data = {"full_name": "Anne Le Goff", "email": "anne@example.org", "consent": "on", "website": ""}

    response = client.post(f"/evenements/{event.slug}/inscription/", data, REMOTE_ADDR="10.0.0.9")

    assert response.status_code == HTTPStatus.FOUND


def test_the_lockout_records_the_client_address(client, behind_proxy, lockout, coordinator):
    from axes.models import AccessAttempt

    login(client, password="wrong", HTTP_X_REAL_IP="2001:db8::7")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["2001:db8::7"]


def test_a_malformed_client_ip_header_setting_stops_start_up():
    result = manage_check({"CLIENT_IP_HEADER": "HTTP_X_REAL_IP"})

    assert result.returncode != 0
    assert "CLIENT_IP_HEADER is malformed ('HTTP_X_REAL_IP')" in result.stderr


def test_the_removed_ratelimit_ip_meta_key_stops_start_up_with_its_replacement():
    result = manage_check({"RATELIMIT_IP_META_KEY": "HTTP_X_REAL_IP"})

    assert result.returncode != 0
    assert "CLIENT_IP_HEADER" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn_access_log(environment: dict[str, str], headers: dict[str, str]) -> str:
    """Start gunicorn as the image does (from the project's folder), request /robots.txt once with
    ``headers``, and return its access log line."""
    port = _free_port()
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", **environment}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ess_portal.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--access-logfile", "-"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/robots.txt", headers=headers)
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert response.status == HTTPStatus.OK
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        time.sleep(0.5)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    return next(line for line in output.splitlines() if "/robots.txt" in line)


@pytest.mark.parametrize(
    ("environment", "logged"),
    [({"CLIENT_IP_HEADER": "X-Real-IP"}, "198.51.100.40"), ({}, "127.0.0.1")],
    ids=["setting-set", "setting-unset"],
)
def test_gunicorns_access_log_shows_the_client_address(environment, logged):
    line = _gunicorn_access_log(environment, {"X-Real-IP": "198.51.100.40"})

    assert line.split()[0] == logged


def test_the_json_request_log_carries_the_client_address():
    from .conftest import run_django_with_output

    _result, output = run_django_with_output(
        "from django.test import Client\n"
        "Client().get('/nulle-part/', REMOTE_ADDR='10.0.0.2', HTTP_X_REAL_IP='198.51.100.31')\n"
        "print(json.dumps({}))\n",
        {"CLIENT_IP_HEADER": "X-Real-IP", "LOG_FORMAT": "json"},
    )

    (line,) = [json.loads(line) for line in output if '"django.request"' in line]
    assert line["client_ip"] == "198.51.100.31"

"""/sante/ answers 503 when the database is unreachable, quickly enough for a load balancer polling it
every few seconds — also when the server accepts the connection and then never answers. Each case runs
in a subprocess, since the database settings are read once per process."""

import socket
import time
from http import HTTPStatus

from .conftest import example_environment, run_django

REQUEST_HEALTH = """
from django.test import Client
headers = {"Authorization": "Bearer monitoring-token"} if os.environ.get("AS_MONITORING") else {}
response = Client().get("/sante/", headers=headers)
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def health_with(database_url: str, **variables: str) -> tuple[dict, float]:
    environment = example_environment(
        DATABASE_URL=database_url, ALLOWED_HOSTS="testserver", HEALTH_TOKEN="monitoring-token", **variables
    )
    started = time.monotonic()
    report = run_django(REQUEST_HEALTH, environment, timeout=30)
    return report, time.monotonic() - started


def test_health_is_503_when_the_database_refuses_connections():
    # The production profile of .env.example, over plain HTTP: load balancers poll /sante/ inside the
    # private network, so it is exempt from the HTTPS redirect.
    report, _elapsed = health_with("postgres://nobody@127.0.0.1:1/nothing")
    monitoring, _elapsed = health_with("postgres://nobody@127.0.0.1:1/nothing", AS_MONITORING="1")

    assert report == {"status": HTTPStatus.SERVICE_UNAVAILABLE, "body": {"status": "down"}}
    assert monitoring["status"] == HTTPStatus.SERVICE_UNAVAILABLE
    assert monitoring["body"]["database"]["status"] == "down"


def test_health_gives_up_on_a_database_that_never_answers_after_the_connect_timeout():
    with socket.socket() as silent_server:  # accepts connections (backlog) but never speaks
        silent_server.bind(("127.0.0.1", 0))
        silent_server.listen(8)
        port = silent_server.getsockname()[1]

        report, elapsed = health_with(
            f"postgres://nobody@127.0.0.1:{port}/nothing", DATABASE_CONNECT_TIMEOUT="2", AS_MONITORING="1"
        )

    assert report["status"] == HTTPStatus.SERVICE_UNAVAILABLE
    assert report["body"]["database"]["status"] == "down"
    assert 2 <= elapsed < 12

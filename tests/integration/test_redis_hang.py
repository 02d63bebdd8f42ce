"""A Redis that hangs (stopped with SIGSTOP: it accepts connections and never answers) must delay mail,
never a page. The site runs in a real gunicorn process in the production profile, its broker and cache on
a redis-server of the test's own, which the test freezes; a person then registers, confirms and the
monitoring polls /sante/, through the whole path (middleware, rate limits, publish after commit).

How the bound is checked without timing assertions: every request goes through an HTTP client whose
timeout (``WATCHDOG`` seconds) is far above the server's Redis timeout (``REDIS_TIMEOUT``), and gunicorn's
own worker timeout is above both. A request that waits on Redis without a read timeout never answers
within the watchdog and fails the test; one bounded by the Redis timeout gives its normal answer.
"""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from http import HTTPStatus
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.urls import reverse

from events.models import EmailRecord, Registration
from events.services import outbox
from tests import factories
from tests.integration.conftest import ROOT, database_url_for_worker
from tests.integration.redis_server import needs_redis_server, own_redis
from tests.integration.smtp_sink import free_port

REDIS_TIMEOUT = 0.5
WATCHDOG = 20
HEALTH_TOKEN = "monitoring-token-for-the-test"

pytestmark = needs_redis_server


@contextmanager
def gunicorn(environment: dict[str, str]):
    """The site in a gunicorn process (one sync worker), answering on a free port: yields the port."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "ess_portal.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", str(WATCHDOG * 4)]
    command += ["--no-control-socket"]  # gunicorn's default socket path is shared by every instance
    log_path = ROOT / ".pytest_cache" / f"gunicorn-{os.getpid()}.log"
    log_path.parent.mkdir(exist_ok=True)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **environment}
    with open(log_path, "w+b") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if Browser(port).get("/sante/")[0] == HTTPStatus.OK:
                        break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.3)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Browser:
    """A tiny HTTP client that keeps cookies and reads CSRF tokens; every request has the watchdog."""

    def __init__(self, port: int):
        self.port = port
        self.cookies = SimpleCookie()

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WATCHDOG)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            content = response.read().decode()
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        return response.status, content, response.headers

    def get(self, path: str, **headers):
        return self.request("GET", path, headers=headers)

    def post_form(self, page_path: str, action: str, fields: dict):
        """Open ``page_path`` and post ``fields`` with its CSRF token to ``action``."""
        status, content, _headers = self.get(page_path)
        assert status == HTTPStatus.OK, (page_path, status)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
        return self.request("POST", action, {"csrfmiddlewaretoken": token, **fields})


@pytest.mark.django_db(transaction=True)
def test_a_hanging_redis_delays_the_mail_never_the_pages(settings):
    event = factories.EventFactory(title="Rencontre de Redon")
    event_page = event.get_absolute_url()
    register = reverse("events:register", kwargs={"slug": event.slug})

    with own_redis() as (redis_process, redis_url):
        environment = {
            "DJANGO_SETTINGS_MODULE": "ess_portal.settings",
            "DATABASE_URL": database_url_for_worker(),
            "REDIS_URL": redis_url,
            "REDIS_TIMEOUT": str(REDIS_TIMEOUT),
            "DEBUG": "False",
            "TESTING": "1",  # plain static files storage: no collectstatic in the test
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "False",
            "HEALTH_TOKEN": HEALTH_TOKEN,
            "LOG_LEVEL": "WARNING",
        }
        with gunicorn(environment) as port:
            browser = Browser(port)
            # While Redis answers: the worker opens its cache and broker connections.
            status, _content, _headers = browser.post_form(
                event_page, register, {"full_name": "Yann", "email": "yann@example.org", "consent": "on"}
            )
            assert status == HTTPStatus.FOUND

            redis_process.send_signal(signal.SIGSTOP)

            status, _content, headers = browser.post_form(
                event_page, register, {"full_name": "Anne", "email": "anne@example.org", "consent": "on"}
            )
            assert status == HTTPStatus.FOUND
            assert headers["Location"] == event_page
            registration = Registration.objects.get(email="anne@example.org")

            status, _content, headers = browser.post_form(
                registration.get_absolute_url(), registration.get_absolute_url(), {"action": "confirm"}
            )
            assert status == HTTPStatus.FOUND
            status, content, _headers = browser.get(registration.get_absolute_url())
            assert status == HTTPStatus.OK
            assert "Votre inscription est confirmée" in content

            status, content, _headers = browser.get("/sante/")
            assert (status, json.loads(content)) == (HTTPStatus.OK, {"status": "ok"})
            status, content, _headers = browser.get("/sante/", Authorization=f"Bearer {HEALTH_TOKEN}")
            assert status == HTTPStatus.OK
            assert json.loads(content)["broker"]["status"] == "down"

        registration.refresh_from_db()
        assert registration.status == Registration.Status.CONFIRMED
        waiting = EmailRecord.objects.filter(registration=registration, status=EmailRecord.Status.PENDING)
        assert sorted(waiting.values_list("kind", flat=True)) == ["confirmation_request", "confirmed"]

        # Redis still frozen: the sweep (it needs only the database and SMTP) sends the mail; Anne's
        # confirmation request is no longer needed.
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert outbox.emails_send_due() == 2
        subjects = {m.to[0]: m.subject for m in mail.outbox}
        assert len(mail.outbox) == len(subjects) == 2
        assert subjects["anne@example.org"].startswith("Votre place est réservée")
        assert subjects["yann@example.org"].startswith("Confirmez votre inscription")

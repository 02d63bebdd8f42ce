"""Load driver of ``make bench``: every measurement of one run, printed side by side with its target.

1. **Reminders**: the real sweep (``events.services.emails_send_due``) sends the 5,000 seeded reminders
   through the local SMTP sink, against raw ``smtplib`` sending 5,000 copies of such a message on one
   connection to the same sink.
2. **Pages and map data** over HTTP, each against a trivial Django view served by the same gunicorn
   through the same middleware (measured before and after the scenarios, averaged). The load generator
   is ``wrk`` (one thread, ``BENCH_CONCURRENCY`` connections, a Lua script per scenario that varies the
   URL and reports median and p95 latency); without ``wrk`` (or with ``BENCH_LOAD=python``) client
   processes with one keep-alive ``http.client`` connection each do the same, more slowly.
3. **Concurrent registrations** over HTTP: 50 clients register for the 10-seat event through the real
   form, then confirm at the same moment through their registration page (tokens read from the
   database). Exactly 10 must be confirmed, or the benchmark fails.

Exits non-zero when a target is missed, a request fails, or the seat count is wrong. To measure a new
page, append a ``Scenario`` to ``SCENARIOS``.
"""

from __future__ import annotations

import gzip
import http.client
import itertools
import json
import multiprocessing
import os
import re
import shutil
import smtplib
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection as db_connection  # noqa: E402

from bench.seed import LIMITED_EVENT_SEATS, LIMITED_EVENT_SLUG  # noqa: E402
from events.models import EmailRecord, Event, Registration  # noqa: E402

HOST = os.environ.get("BENCH_HOST", "127.0.0.1")
PORT = int(os.environ.get("BENCH_PORT", "8190"))
SMTP_PORT = int(os.environ.get("BENCH_SMTP_PORT", "8191"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
REGISTRANTS = int(os.environ.get("BENCH_REGISTRANTS", "50"))
WRK = None if os.environ.get("BENCH_LOAD") == "python" else shutil.which("wrk")
SHARED_CACHE = "LocMemCache" not in settings.CACHES["default"]["BACKEND"]

# A session cookie makes the page cache step aside: the page is rendered for every request, as for a
# visitor who is logged in or has just submitted a form.
GZIP = {"Accept-Encoding": "gzip, deflate"}
BROWSER = {"Accept-Encoding": "gzip, deflate", "Accept-Language": "fr"}
UNCACHED = {**BROWSER, "Cookie": "sessionid=bench-uncached"}
GEOJSON = "/api/acteurs.geojson"
SIZE = f"{int(os.environ.get('BENCH_ACTORS', '10000')) // 1000}k"
# What the map asks first: the whole world at its initial zoom.
MAP_FIRST = f"{GEOJSON}?zoom=8&bbox=-180,-90,180,90"
#: The compose stack's reverse proxy in front of the same gunicorn (started by run.sh when nginx is here).
PROXY = os.environ.get("BENCH_PROXY_URL", "")


@dataclass
class Scenario:
    """One URL pattern to measure, and the target it must meet relative to the trivial view.

    ``path`` is a URL or a function of the request number; ``unique`` appends ``unique_parameter``
    to every request, its ``{}`` replaced by never-repeated digits. The caches are keyed on the
    parameters a view reads, so only such a parameter makes a cold cache each time; the default, which
    no view reads, gives a new URL that shares the cached answer of the URL without it.
    """

    name: str
    path: Callable[[int], str] | str
    headers: dict[str, str] = field(default_factory=dict)
    min_throughput_ratio: float | None = None
    max_latency_ratio: float | None = None
    concurrency: int | None = None
    seconds: float | None = None
    unique: bool = False
    unique_parameter: str = "bench={}"
    expected_status: int = 200
    #: Where to send the requests: gunicorn itself by default, or the proxy's address.
    base_url: str = ""

    def url(self, n: int) -> str:
        path = self.path(n) if callable(self.path) else self.path
        if self.unique:
            path += f"{'&' if '?' in path else '?'}{self.unique_parameter.format(f'{time.time_ns()}{n:07d}')}"
        return path


TRIVIAL = Scenario("trivial Django view", "/bench/trivial/", BROWSER)

SCENARIOS = [
    Scenario("/ (cached)", "/", BROWSER, min_throughput_ratio=0.8),
    Scenario("/poles/ (cached)", "/poles/", BROWSER, min_throughput_ratio=0.8),
    Scenario("/poles/<slug>/ (cached)", "/poles/pole-ess-1/", BROWSER, min_throughput_ratio=0.8),
    Scenario("/acteurs/ (cached)", "/acteurs/", BROWSER, min_throughput_ratio=0.8),
    # The same page from the proxy's cache (HTTPS, keep-alive): served without Python.
    Scenario("/acteurs/ (cached by the proxy)", "/acteurs/", BROWSER, min_throughput_ratio=3, base_url=PROXY),
    Scenario(
        "/acteurs/<slug>/ (cached)", lambda n: f"/acteurs/bench-{n % 50}/", BROWSER, min_throughput_ratio=0.8
    ),
    Scenario("/carte/ (cached)", "/carte/", BROWSER, min_throughput_ratio=0.8),
    Scenario("/donnees/ (cached)", "/donnees/", BROWSER, min_throughput_ratio=0.8),
    # Page-cached per data version; seat changes renew the version (events/apps.py).
    Scenario("/evenements/ (cached)", "/evenements/", BROWSER, min_throughput_ratio=0.3),
    Scenario("/evenements/?vue=mois (cached)", "/evenements/?vue=mois", BROWSER, min_throughput_ratio=0.3),
    # A visitor with a session (just registered): rendered for each request.
    Scenario("/evenements/ (uncached)", "/evenements/", UNCACHED),
    # A visitor with a session paging through the directory: the page cache steps aside, so the page is
    # rendered for each request, from what the directory keeps per data version in each process
    # (searches, matches, rows: actors/selectors.py), as on a server that has been running. The first
    # page after a data change is measured apart (cold_pages).
    Scenario(
        "/acteurs/ (uncached)",
        lambda n: f"/acteurs/?page={n % 400 + 1}",
        UNCACHED,
        min_throughput_ratio=0.3,
        unique=True,
    ),
    Scenario("/acteurs/?q=… (uncached)", lambda n: f"/acteurs/?q=bois+{n % 97}", UNCACHED, unique=True),
    Scenario(
        "/acteurs/?sort=distance (uncached)",
        lambda n: f"/acteurs/?sort=distance&near=35238&page={n % 20 + 1}",
        UNCACHED,
        min_throughput_ratio=0.3,
        unique=True,
    ),
    Scenario(f"/api/acteurs.geojson {SIZE} (cached, gzip)", GEOJSON, GZIP, max_latency_ratio=10),
    # The If-None-Match header is filled in by main() once the current ETag is known.
    Scenario(
        f"/api/acteurs.geojson {SIZE} (revalidated: 304)",
        GEOJSON,
        dict(GZIP),
        max_latency_ratio=2,
        expected_status=304,
    ),
    # A never-repeated bounding box around the whole world (west varies in its last digits), so that
    # every request builds, serialises and compresses the map data again.
    Scenario(
        f"/api/acteurs.geojson {SIZE} (cold build)",
        GEOJSON,
        GZIP,
        concurrency=1,
        seconds=4,
        unique=True,
        unique_parameter="bbox=-179.{},-90,180,90",
    ),
    Scenario("/api/poles.geojson (cached, gzip)", "/api/poles.geojson", GZIP),
    # The map by visible area and zoom (actors/map_clusters.py): its first request, cached and cold
    # (a never-repeated west edge), and a city's points after zooming in.
    Scenario(f"map first view {SIZE}: clusters, zoom 8 (cached, gzip)", MAP_FIRST, GZIP),
    Scenario(
        f"map first view {SIZE}: clusters, zoom 8 (cold build)",
        f"{GEOJSON}?zoom=8",
        GZIP,
        concurrency=1,
        seconds=4,
        unique=True,
        unique_parameter="bbox=-179.{},-90,180,90",
    ),
    Scenario(
        f"map of a city {SIZE}: zoom 12 (cold build)",
        f"{GEOJSON}?zoom=12",
        GZIP,
        concurrency=1,
        seconds=4,
        unique=True,
        unique_parameter="bbox=-1.8457{},48.0487,-1.58203,48.16629",
    ),
]


@dataclass
class Result:
    scenario: Scenario
    requests: int
    seconds: float
    median_ms: float
    p95_ms: float
    errors: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _all_scenarios() -> list[Scenario]:
    return [TRIVIAL, *SCENARIOS]


def _get(
    path: str, headers: dict[str, str], base_url: str = ""
) -> tuple[int, bytes, http.client.HTTPResponse]:
    if base_url:  # the proxy: HTTPS with its self-signed certificate
        netloc = urllib.parse.urlsplit(base_url).netloc
        connection = http.client.HTTPSConnection(netloc, timeout=60, context=ssl._create_unverified_context())
    else:
        netloc = f"{HOST}:{PORT}"
        connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": netloc, **headers})
        response = connection.getresponse()
        return response.status, response.read(), response
    finally:
        connection.close()


def warm_up(scenario: Scenario) -> None:
    """Fill the caches, open the database connections, and check the answer before measuring it.

    A scenario with never-repeated URLs visits each of its pages twice (so that both workers have
    probably seen it): what a running server keeps per data version is warm, the URLs are still new.
    """
    distinct = len({Scenario(scenario.name, scenario.path).url(n) for n in range(1000)})
    requests = 2 * distinct if scenario.unique else max(8, min(distinct, 100))
    for n in range(requests):
        status, body, _response = _get(scenario.url(n), scenario.headers, scenario.base_url)
        if status != scenario.expected_status:
            raise SystemExit(
                f"{scenario.name}: {scenario.url(n)} answered {status}, expected "
                f"{scenario.expected_status}: {body[:300]!r}"
            )


# --- wrk -------------------------------------------------------------------------------------------

LUA = """
local paths = {%(paths)s}
local unique = %(unique)s
local unique_before, unique_after = %(unique_before)s, %(unique_after)s
local nonce = "%(nonce)s"
local counter = 0
%(headers)s
request = function()
  counter = counter + 1
  local path = paths[(counter - 1) %% #paths + 1]
  if unique then
    local sep = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. sep .. unique_before .. nonce .. string.format("%%07d", counter) .. unique_after
  end
  return wrk.format("GET", path)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH-RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def _lua_string(value: str) -> str:
    return json.dumps(value)  # ASCII-only, double-quoted: also a valid Lua string literal


def measure_wrk(scenario: Scenario) -> Result:
    concurrency = scenario.concurrency or CONCURRENCY
    seconds = scenario.seconds or SECONDS
    base = Scenario(scenario.name, scenario.path)  # the URLs without the unique suffix (done in Lua)
    paths = list(dict.fromkeys(base.url(n) for n in range(1000)))
    headers = "\n".join(
        f"wrk.headers[{_lua_string(key)}] = {_lua_string(value)}" for key, value in scenario.headers.items()
    )
    script = LUA % {
        "paths": ", ".join(_lua_string(path) for path in paths),
        "unique": "true" if scenario.unique else "false",
        "unique_before": _lua_string(scenario.unique_parameter.partition("{}")[0]),
        "unique_after": _lua_string(scenario.unique_parameter.partition("{}")[2]),
        "nonce": str(time.time_ns()),
        "headers": headers,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(
            [
                WRK,
                "-t1",
                f"-c{concurrency}",
                f"-d{seconds:g}s",
                "--timeout",
                "30s",
                "-s",
                handle.name,
                scenario.base_url or f"http://{HOST}:{PORT}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    line = next(line for line in output.splitlines() if line.startswith("BENCH-RESULT"))
    requests, duration_us, p50_us, p95_us, status_errors, socket_errors = map(int, line.split()[1:])
    # wrk counts answers of 400 and more as errors; a 304 or a 200 is a success.
    return Result(
        scenario, requests, duration_us / 1e6, p50_us / 1000, p95_us / 1000, status_errors + socket_errors
    )


# --- Python fallback -------------------------------------------------------------------------------


def _worker(args) -> tuple[int, list[float], int]:
    # Scenarios are passed by index: their URL functions cannot be pickled to the client processes.
    index, seconds, offset = args
    scenario = _all_scenarios()[index]
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    counter = itertools.count(offset * 100_000)
    while time.perf_counter() < deadline:
        url = scenario.url(next(counter))
        start = time.perf_counter()
        try:
            connection.request("GET", url, headers={"Host": f"{HOST}:{PORT}", **scenario.headers})
            response = connection.getresponse()
            response.read()
            if response.status != scenario.expected_status:
                errors += 1
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            continue
        latencies.append(time.perf_counter() - start)
    connection.close()
    return len(latencies), latencies, errors


def measure_python(scenario: Scenario) -> Result:
    concurrency = scenario.concurrency or CONCURRENCY
    seconds = scenario.seconds or SECONDS
    index = _all_scenarios().index(scenario)
    with multiprocessing.Pool(concurrency) as pool:
        started = time.perf_counter()
        results = pool.map(_worker, [(index, seconds, i) for i in range(concurrency)])
        elapsed = time.perf_counter() - started
    latencies = sorted(latency for _, values, _ in results for latency in values)
    count = len(latencies)
    return Result(
        scenario,
        count,
        elapsed,
        statistics.median(latencies) * 1000 if latencies else float("nan"),
        latencies[max(int(count * 0.95) - 1, 0)] * 1000 if latencies else float("nan"),
        sum(errors for *_, errors in results),
    )


def current_etag(path: str, headers: dict[str, str], seconds: float) -> str:
    """The ETag of ``path`` for a measurement of ``seconds`` to come. Map data's ETag also changes every
    ``PUBLIC_CACHE_SECONDS`` (its bound for writes made outside Django): wait for the next period when
    this one would end during the measurement."""
    period = settings.PUBLIC_CACHE_SECONDS
    left = period - time.time() % period
    if left < seconds + 30:  # warm-up and measurement
        time.sleep(left + 0.5)
    _status, _body, response = _get(
        path, {key: value for key, value in headers.items() if key != "If-None-Match"}
    )
    return response.getheader("ETag")


def measure(scenario: Scenario) -> Result:
    if scenario.expected_status == 304:
        scenario.headers["If-None-Match"] = current_etag(
            scenario.url(0), scenario.headers, scenario.seconds or SECONDS
        )
    warm_up(scenario)
    return measure_wrk(scenario) if WRK else measure_python(scenario)


def payload_sizes(path: str) -> tuple[int, int]:
    _status, raw, _response = _get(path, {"Accept-Encoding": "identity"})
    _status, compressed, response = _get(path, GZIP)
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(compressed) == raw
    return len(raw), len(compressed)


# --- First pages after a data change -----------------------------------------------------------------


def cold_pages(samples: int = 8) -> list[float]:
    """Latency (ms) of a directory page requested right after a change to the public data.

    The data version is bumped, then the benchmark waits until every worker must have read the new one
    (``PUBLIC_CACHE_LOCAL_SECONDS``), and requests a page nobody has seen: the worker validates the
    search, reads its matches and the page's rows from the database, and renders it.
    """
    from core.public_cache import bump_data_version

    latencies = []
    for n in range(samples):
        bump_data_version()
        time.sleep(settings.PUBLIC_CACHE_LOCAL_SECONDS + 0.2)
        started = time.perf_counter()
        status, body, _response = _get(f"/acteurs/?page={n * 37 % 400 + 1}&bench=cold-{n}", UNCACHED)
        latencies.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"cold directory page answered {status}: {body[:300]!r}")
    return latencies


# --- Reminders -------------------------------------------------------------------------------------


@dataclass
class MailResult:
    reminders: int
    sweep_seconds: float
    raw_seconds: float
    resend_seconds: float

    @property
    def ratio(self) -> float:
        return self.raw_seconds / self.sweep_seconds if self.sweep_seconds else 0.0


def _raw_message(template, sender: str, recipient: str) -> EmailMessage:
    """A message like the reminder ``template`` (same text, HTML and calendar), built by the standard library."""
    message = EmailMessage()
    message["Subject"] = template.subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid()
    message.set_content(template.body)
    for content, mimetype in template.alternatives:
        message.add_alternative(content, subtype=mimetype.split("/")[1])
    for filename, content, mimetype in template.attachments:
        message.add_attachment(content, subtype=mimetype.split("/")[1], filename=filename)
    return message


def reminders_vs_raw_smtp() -> MailResult:
    """The real sweep sends the due reminders; then raw smtplib sends as many similar messages.

    The reference builds each message with the standard library (same subject, text, HTML and calendar
    attachment as one of the reminders, a different recipient each time) and sends them all on one
    connection: what a hand-written mailing loop costs. Resending one prebuilt message is also timed, as
    the floor of the transport and the sink.
    """
    from django.utils import timezone

    from events.emails import build_message
    from events.services.outbox import emails_send_due

    assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend", settings.EMAIL_BACKEND
    started = time.perf_counter()
    emails_send_due(now=timezone.now())
    sweep_seconds = time.perf_counter() - started
    reminders = EmailRecord.objects.filter(kind=EmailRecord.Kind.REMINDER, status=EmailRecord.Status.SENT)
    count = reminders.count()
    record = reminders.select_related("registration__event__pole", "registration__event__commune").first()
    if record is None:
        raise SystemExit("The reminder sweep sent nothing: is the SMTP sink running, the data seeded?")
    template = build_message(record)
    sender = settings.DEFAULT_FROM_EMAIL
    started = time.perf_counter()
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT) as smtp:
        for n in range(count):
            smtp.send_message(_raw_message(template, sender, f"raw-{n}@bench.invalid"))
    raw_seconds = time.perf_counter() - started
    data = template.message().as_bytes(linesep="\r\n")
    started = time.perf_counter()
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT) as smtp:
        for n in range(count):
            smtp.sendmail(sender, [f"resend-{n}@bench.invalid"], data)
    resend_seconds = time.perf_counter() - started
    return MailResult(count, sweep_seconds, raw_seconds, resend_seconds)


# --- Concurrent registrations ----------------------------------------------------------------------


@dataclass
class RegistrationResult:
    clients: int
    registered: int
    confirmed: int
    waitlisted: int
    seats: int
    seconds: float
    failures: list[str]


class Visitor:
    """One registrant: a keep-alive connection and the CSRF cookie of the site."""

    def __init__(self, n: int):
        self.email = f"concurrent-{n}@bench.invalid"
        self.name = f"Participant concurrent {n}"
        self.connection = http.client.HTTPConnection(HOST, PORT, timeout=120)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        headers = {"Host": f"{HOST}:{PORT}", "Accept-Language": "fr"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf, **data})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response.status, text

    def register(self, event_path: str) -> str | None:
        """Open the event page (CSRF cookie and token), then post the registration form."""
        status, page = self.request("GET", event_path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not found:
            return f"{self.email}: event page answered {status} without a registration form"
        self.csrf = found.group(1)
        status, text = self.request(
            "POST",
            f"{event_path}inscription/",
            {"full_name": self.name, "email": self.email, "consent": "on", "website": ""},
        )
        return None if status == 302 else f"{self.email}: registration answered {status}: {text[:200]}"

    def confirm(self, token: str) -> str | None:
        status, text = self.request("POST", f"/inscription/{token}/", {"action": "confirm"})
        return None if status == 302 else f"{self.email}: confirmation answered {status}: {text[:200]}"


def _in_threads(function: Callable[[int], str | None], count: int) -> list[str]:
    """Run ``function(i)`` in ``count`` threads released at the same moment; the failures it returns."""
    barrier = threading.Barrier(count)
    failures: list[str] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            failure = function(i)
        except (OSError, http.client.HTTPException) as exc:
            failure = f"client {i}: {exc!r}"
        if failure:
            failures.append(failure)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def concurrent_registrations() -> RegistrationResult:
    event = Event.objects.get(slug=LIMITED_EVENT_SLUG)
    event_path = event.get_absolute_url()
    visitors = [Visitor(n) for n in range(REGISTRANTS)]
    failures = _in_threads(lambda i: visitors[i].register(event_path), REGISTRANTS)
    tokens = dict(
        Registration.objects.filter(event=event, email__in=[v.email for v in visitors]).values_list(
            "email", "token"
        )
    )
    db_connection.close()
    missing = [v.email for v in visitors if v.email not in tokens]
    failures += [f"{email}: no registration in the database" for email in missing]
    started = time.perf_counter()
    failures += _in_threads(
        lambda i: visitors[i].confirm(tokens[visitors[i].email]) if visitors[i].email in tokens else None,
        REGISTRANTS,
    )
    seconds = time.perf_counter() - started
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    return RegistrationResult(
        clients=REGISTRANTS,
        registered=len(tokens),
        confirmed=statuses.count(Registration.Status.CONFIRMED),
        waitlisted=statuses.count(Registration.Status.WAITLISTED),
        seats=event.capacity or 0,
        seconds=seconds,
        failures=failures,
    )


# --- Report ----------------------------------------------------------------------------------------


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line
    )
    with db_connection.cursor() as cursor:
        if db_connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} CPUs ({cpu}), "
        f"{memory_kb / 1024 / 1024:.1f} GiB RAM; Python {sys.version.split()[0]}, Django {django.__version__}, "
        f"{database}; load average before the run {load}"
    )


def production_profile() -> str:
    """Check that gunicorn serves what production serves: no debug, cached templates, no debug toolbar."""
    from django.template import engines

    loaders = engines["django"].engine.loaders
    cached = [loader for loader in loaders if "cached.Loader" in str(loader)]
    jinja2_reloads = engines["jinja2"].env.auto_reload
    toolbars = [app for app in [*settings.INSTALLED_APPS, *settings.MIDDLEWARE] if "debug_toolbar" in app]
    if settings.DEBUG or not cached or jinja2_reloads or toolbars:
        raise SystemExit(
            f"Not the production profile: DEBUG={settings.DEBUG}, loaders={loaders}, "
            f"Jinja2 auto_reload={jinja2_reloads}, {toolbars}"
        )
    return (
        f"DEBUG=False, cached Django template loader, Jinja2 without auto-reload, "
        f"{len(settings.MIDDLEWARE)} middleware, no debug toolbar"
    )


#: ``BENCH_ONLY=evenements,trivial``: measure only the scenarios whose name holds one of these words, and
#: skip the mail and registration measurements (a quick run while working on one page).
ONLY = [word for word in os.environ.get("BENCH_ONLY", "").split(",") if word]


def main() -> int:
    if ONLY:
        SCENARIOS[:] = [s for s in SCENARIOS if any(word in s.name for word in ONLY)]
        return main_pages_only()
    print(f"Machine: {machine()}")
    print(f"Profile: {production_profile()}")
    print(
        f"Load generator: {'wrk (1 thread)' if WRK else 'Python client processes'}, "
        f"{CONCURRENCY} connections, {SECONDS:g} s per scenario; gunicorn "
        f"{os.environ.get('BENCH_WORKERS', '2')} sync workers; cache "
        f"{'Redis, shared' if SHARED_CACHE else 'local memory per worker'}.",
        flush=True,
    )
    failed = False

    print("== reminders: the sweep, then raw smtplib, to the same SMTP sink", flush=True)
    mail_result = reminders_vs_raw_smtp()
    print(f"   {mail_result.reminders} reminders: {mail_result.ratio:.2f}× raw SMTP", flush=True)

    print("== pages and map data", flush=True)
    # The revalidation's If-None-Match is read just before it is measured (``measure``): the validators
    # come from the data (a row of the database), the same from every worker, with or without Redis.
    proxied = [s for s in SCENARIOS if s.base_url]
    if not PROXY or not WRK:
        print("   (no nginx or no wrk: the proxy is not measured)")
        for scenario in proxied:
            SCENARIOS.remove(scenario)
    # The trivial view is measured before and after every scenario, and each scenario is compared with
    # the mean of the two runs around it: a machine whose speed drifts during the run (other processes
    # on the same cores) moves the scenario and its reference together.
    baselines = [measure(TRIVIAL)]
    results = []
    for scenario in SCENARIOS:
        print(f"   {scenario.name}", flush=True)
        results.append(measure(scenario))
        baselines.append(measure(TRIVIAL))
    base_throughput = statistics.mean(baseline.throughput for baseline in baselines)
    base_median = statistics.mean(baseline.median_ms for baseline in baselines)
    print("== first directory pages after a data change", flush=True)
    cold = cold_pages()

    print("== concurrent registrations over HTTP", flush=True)
    registrations = concurrent_registrations()

    throughputs = [baseline.throughput for baseline in baselines]
    print(
        f"\nTrivial view: {base_throughput:.0f} req/s, median {base_median:.2f} ms "
        f"({len(baselines)} runs, {min(throughputs):.0f} to {max(throughputs):.0f} req/s)\n"
    )
    print(
        "| scenario | req/s | trivial req/s around it | × trivial req/s | median ms | × trivial median "
        "| p95 ms | errors | target |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for result, before, after in zip(results, baselines, baselines[1:], strict=False):
        s = result.scenario
        around_throughput = (before.throughput + after.throughput) / 2
        throughput_ratio = result.throughput / around_throughput
        latency_ratio = result.median_ms / ((before.median_ms + after.median_ms) / 2)
        target = ""
        if s.min_throughput_ratio is not None:
            ok = throughput_ratio >= s.min_throughput_ratio
            target = f"≥ {s.min_throughput_ratio}× req/s: {'met' if ok else 'MISSED'}"
            failed |= not ok
        if s.max_latency_ratio is not None:
            ok = latency_ratio <= s.max_latency_ratio
            target = f"≤ {s.max_latency_ratio}× median: {'met' if ok else 'MISSED'}"
            failed |= not ok
        failed |= result.errors > 0
        print(
            f"| {s.name} | {result.throughput:.0f} | {around_throughput:.0f} | {throughput_ratio:.2f} | "
            f"{result.median_ms:.2f} | {latency_ratio:.1f} | {result.p95_ms:.2f} | {result.errors} | {target} |"
        )

    cold_median = statistics.median(cold)
    cold_ok = cold_median / base_median <= 10
    failed |= not cold_ok
    print(
        f"\nFirst /acteurs/ page after a data change (one request at a time, {len(cold)} samples): median "
        f"{cold_median:.1f} ms ({cold_median / base_median:.1f}× the trivial view's median, target ≤ 10×: "
        f"{'met' if cold_ok else 'MISSED'}), slowest {max(cold):.1f} ms"
    )

    raw, compressed = payload_sizes(GEOJSON)
    poles_raw, poles_compressed = payload_sizes("/api/poles.geojson")
    print(
        f"\nGeoJSON payload, all organisations: {raw / 1024:.0f} KiB raw, {compressed / 1024:.0f} KiB gzipped"
    )
    print(
        f"GeoJSON payload, poles: {poles_raw / 1024:.1f} KiB raw, {poles_compressed / 1024:.1f} KiB gzipped"
    )

    mail_ok = mail_result.ratio >= 0.5
    failed |= not mail_ok
    print(
        f"\nReminders: the sweep sent {mail_result.reminders} in {mail_result.sweep_seconds:.2f} s "
        f"({mail_result.reminders / mail_result.sweep_seconds:.0f}/s); raw smtplib on one connection sent "
        f"as many similar messages in {mail_result.raw_seconds:.2f} s "
        f"({mail_result.reminders / mail_result.raw_seconds:.0f}/s): "
        f"{mail_result.ratio:.2f}× raw SMTP (target ≥ 0.5×: {'met' if mail_ok else 'MISSED'}); "
        f"resending one prebuilt message: {mail_result.reminders / mail_result.resend_seconds:.0f}/s"
    )

    seats_ok = registrations.confirmed == LIMITED_EVENT_SEATS == registrations.seats
    failed |= not seats_ok or bool(registrations.failures)
    print(
        f"Registrations: {registrations.clients} clients registered ({registrations.registered} in the "
        f"database) and confirmed at once in {registrations.seconds:.2f} s for {registrations.seats} seats: "
        f"{registrations.confirmed} confirmed, {registrations.waitlisted} on the waiting list "
        f"(expected exactly {LIMITED_EVENT_SEATS} confirmed: {'met' if seats_ok else 'FAILED'})"
    )
    for failure in registrations.failures[:10]:
        print(f"   request failed: {failure}")
    if not seats_ok:
        print(
            f"\n!!! SEAT COUNT WRONG: {registrations.confirmed} confirmed for {registrations.seats} seats !!!",
            file=sys.stderr,
        )
    return 1 if failed else 0


def main_pages_only() -> int:
    """The scenarios kept by ``BENCH_ONLY``, each against the trivial view measured around it."""
    baselines = [measure(TRIVIAL)]
    results = []
    for scenario in SCENARIOS:
        print(f"   {scenario.name}", flush=True)
        results.append(measure(scenario))
        baselines.append(measure(TRIVIAL))
    failed = False
    print(
        "| scenario | req/s | trivial req/s around it | × trivial req/s | median ms | p95 ms | errors | target |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for result, before, after in zip(results, baselines, baselines[1:], strict=False):
        s = result.scenario
        ratio = result.throughput / ((before.throughput + after.throughput) / 2)
        target = ""
        if s.min_throughput_ratio is not None:
            ok = ratio >= s.min_throughput_ratio
            target = f"≥ {s.min_throughput_ratio}× req/s: {'met' if ok else 'MISSED'}"
            failed |= not ok
        failed |= result.errors > 0
        print(
            f"| {s.name} | {result.throughput:.0f} | {(before.throughput + after.throughput) / 2:.0f} | "
            f"{ratio:.2f} | {result.median_ms:.2f} | {result.p95_ms:.2f} | {result.errors} | {target} |"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

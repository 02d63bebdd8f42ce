"""The outbox under the faults operators reproduced, at a larger scale than the integration tests: for
each scenario, how many emails were expected, received by the SMTP server, received twice, lost (neither
received nor marked failed) and marked failed. Exits non-zero on any duplicate or loss.

Usage: ``.venv/bin/python bench/faults.py`` (about two minutes). It needs PostgreSQL and redis-server; it
never touches a shared Redis: the Celery broker of its workers and the Redis it freezes are redis-server
processes of its own, on free ports. Environment: ``FAULTS_DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/ess_faults``, created if missing, flushed by every scenario),
``FAULTS_EMAILS`` (emails per scenario, default 60).

Scenarios (the same as ``tests/integration/test_outbox_faults.py`` and ``test_redis_hang.py``):

1. **slow SMTP**: a server taking 0.2 s per message, two Celery workers, a sweep published every
   3 seconds while the claim lasts 3 seconds (``EMAIL_CLAIM_SECONDS``): every sweep after the first finds
   the rows of the one before it lapsed.
2. **dropped database connections**: one worker; the SMTP server terminates the worker's PostgreSQL
   connections (``pg_terminate_backend``) every 10th message while it holds it.
3. **hanging Redis**: the site in gunicorn, its broker and cache on a Redis stopped with SIGSTOP; people
   register over HTTP (answers counted, slowest printed); the sweep then sends their emails.
4. **refusals**: a third of the addresses answered ``550`` (permanent), a third ``451`` (temporary, until
   the cut-off); the sweeps run until nothing is pending.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.redis_server import own_redis  # noqa: E402

EMAILS = int(os.environ.get("FAULTS_EMAILS", "60"))
DATABASE_URL = os.environ.get("FAULTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ess_faults")


@dataclass
class Result:
    scenario: str
    expected: int
    received: Counter
    failed: int
    note: str = ""

    @property
    def duplicated(self) -> int:
        return sum(1 for count in self.received.values() if count > 1)

    @property
    def lost(self) -> int:
        return self.expected - len(self.received) - self.failed


def main() -> int:
    from bench.createdb import ensure_database

    ensure_database(DATABASE_URL)
    with own_redis() as (_broker_process, broker_url):
        os.environ.update(
            DJANGO_SETTINGS_MODULE="ess_portal.settings",
            DATABASE_URL=DATABASE_URL,
            REDIS_URL=broker_url,
            TESTING="1",
            LOG_LEVEL="ERROR",
        )
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        results = [slow_smtp(), dropped_connections(), hanging_redis(), refusals()]
    print()
    print(f"{'scenario':<58} {'emails':>6} {'received':>8} {'twice':>5} {'lost':>4} {'failed':>6}")
    for r in results:
        print(
            f"{r.scenario:<58} {r.expected:>6} {len(r.received):>8} {r.duplicated:>5} {r.lost:>4} {r.failed:>6}"
        )
        if r.note:
            print(f"    {r.note}")
    bad = [r.scenario for r in results if r.duplicated or r.lost]
    if bad:
        print(f"\nFAILED: duplicates or losses in {', '.join(bad)}")
        return 1
    print("\nEvery email arrived once, or was marked failed with the server's answer.")
    return 0


def fresh_reminders(count: int, *, emails: list[str] | None = None) -> list:
    """Flush the database, then ``count`` confirmed registrations whose reminder is due now."""
    from django.core.management import call_command
    from django.utils import timezone

    from events.models import Registration
    from tests import factories

    call_command("flush", interactive=False, verbosity=0)
    now = timezone.now()
    event = factories.EventFactory(starts_at=now + timedelta(hours=10), capacity=None)
    return [
        factories.RegistrationFactory(
            event=event,
            status=Registration.Status.CONFIRMED,
            confirmed_at=now - timedelta(days=2),
            **({"email": emails[n]} if emails else {}),
        )
        for n in range(count)
    ]


def counts() -> Counter:
    from events.models import EmailRecord

    return Counter(EmailRecord.objects.values_list("status", flat=True))


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def slow_smtp() -> Result:
    from events.tasks import send_due_emails
    from tests.integration.conftest import running_worker
    from tests.integration.smtp_sink import smtp_sink

    print(f"== slow SMTP: {EMAILS} reminders, 0.2 s per message, two workers, a sweep every 3 s")
    fresh_reminders(EMAILS)
    with smtp_sink(delay=0.2) as (sink, port):
        environment = {"EMAIL_CLAIM_SECONDS": "3", "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        with running_worker(environment, name="faults-a"), running_worker(environment, name="faults-b"):
            started = time.monotonic()
            sweeps = 0
            while counts()["sent"] + counts()["failed"] < EMAILS and time.monotonic() - started < 120:
                send_due_emails.apply_async()
                sweeps += 1
                time.sleep(3)
        received = sink.per_recipient()
        sessions = sink.sessions
    return Result(
        "slow SMTP, two workers, claims lapsing",
        EMAILS,
        received,
        counts()["failed"],
        f"{sweeps} sweeps published, {sessions} SMTP connections; outbox: {dict(counts())}",
    )


def dropped_connections() -> Result:
    from events.tasks import send_due_emails
    from tests.integration.conftest import database_url_for_worker, running_worker
    from tests.integration.smtp_sink import smtp_sink
    from tests.integration.test_outbox_faults import SWEEP_APPLICATION, terminate_sweep_connections

    print(f"== dropped database connections: {EMAILS} reminders, the worker's connection killed every 10th")
    fresh_reminders(EMAILS)
    drops = []

    def drop(envelope):
        if (len(sink.messages) + 1) % 10 == 0:
            drops.append(1)
            terminate_sweep_connections(envelope)

    with smtp_sink(on_data=drop) as (sink, port):
        environment = {
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "DATABASE_URL": f"{database_url_for_worker()}?application_name={SWEEP_APPLICATION}",
        }
        with running_worker(environment, name="faults-db"):
            send_due_emails.apply_async()
            finished = wait_until(lambda: counts()["sent"] + counts()["failed"] >= EMAILS, timeout=120)
        received = sink.per_recipient()
    return Result(
        "dropped database connections mid-sweep",
        EMAILS,
        received,
        counts()["failed"],
        f"{len(drops)} drops; {'finished' if finished else 'NOT finished'} within 2 minutes; "
        f"outbox: {dict(counts())}",
    )


def hanging_redis() -> Result:
    from django.core.management import call_command
    from django.test import override_settings
    from django.urls import reverse

    from events.services import outbox
    from tests import factories
    from tests.integration.conftest import database_url_for_worker
    from tests.integration.smtp_sink import smtp_sink
    from tests.integration.test_redis_hang import Browser, gunicorn

    people = min(EMAILS, 30)
    print(f"== hanging Redis: {people} registrations over HTTP while the site's Redis is stopped")
    call_command("flush", interactive=False, verbosity=0)
    event = factories.EventFactory(capacity=None)
    answers, slowest = Counter(), 0.0
    with own_redis() as (redis_process, redis_url):
        environment = {
            "DJANGO_SETTINGS_MODULE": "ess_portal.settings",
            "DATABASE_URL": database_url_for_worker(),
            "REDIS_URL": redis_url,
            "DEBUG": "False",
            "TESTING": "1",
            "SECRET_KEY": "faults-" * 8,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "False",
            "REGISTRATION_RATE": "100000/m",
            "LOG_LEVEL": "ERROR",
        }
        with gunicorn(environment) as port:
            redis_process.send_signal(signal.SIGSTOP)
            register = reverse("events:register", kwargs={"slug": event.slug})
            for n in range(people):
                started = time.monotonic()
                try:
                    status, _content, _headers = Browser(port).post_form(
                        event.get_absolute_url(),
                        register,
                        {"full_name": f"Personne {n}", "email": f"hang-{n}@example.org", "consent": "on"},
                    )
                except OSError as exc:  # the watchdog of the client
                    status = type(exc).__name__
                answers[status] += 1
                slowest = max(slowest, time.monotonic() - started)
    committed = counts()["pending"]
    with smtp_sink() as (sink, port):
        smtp = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_PORT": port}
        with override_settings(EMAIL_HOST="127.0.0.1", EMAIL_USE_TLS=False, **smtp):
            outbox.emails_send_due()
        received = sink.per_recipient()
    return Result(
        "hanging Redis (SIGSTOP) during registrations",
        people,
        received,
        counts()["failed"],
        f"HTTP answers {dict(answers)}, slowest {slowest:.1f} s; {committed} emails waited in the outbox",
    )


def refusals() -> Result:
    from django.core.management import call_command
    from django.db.models import Max
    from django.test import override_settings
    from django.utils import timezone

    from events.models import EmailRecord
    from events.services import outbox
    from tests import factories
    from tests.integration.smtp_sink import smtp_sink

    third = EMAILS // 3
    emails = [f"refuse-{n}@example.org" for n in range(third)]
    emails += [f"later-{n}@example.org" for n in range(third)]
    emails += [f"fine-{n}@example.org" for n in range(EMAILS - 2 * third)]
    print(
        f"== refusals: {third} answered 550, {third} answered 451 every time, {EMAILS - 2 * third} accepted"
    )
    call_command("flush", interactive=False, verbosity=0)
    event = factories.EventFactory(starts_at=timezone.now() + timedelta(days=30), capacity=None)
    for address in emails:
        registration = factories.RegistrationFactory(event=event, email=address)
        registration.emails.create(kind=EmailRecord.Kind.CONFIRMATION_REQUEST)
    refuse = dict.fromkeys(emails[:third], "550 5.1.1 mailbox unavailable")
    refuse |= dict.fromkeys(emails[third : 2 * third], "451 4.3.0 try again later")
    sweeps = 0
    with smtp_sink(refuse=refuse) as (sink, port):
        smtp = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_PORT": port}
        with override_settings(EMAIL_HOST="127.0.0.1", EMAIL_USE_TLS=False, **smtp):
            now = timezone.now()
            while counts()["pending"] and sweeps <= outbox.MAX_ATTEMPTS + 1:
                outbox.emails_send_due(now=now)
                sweeps += 1
                # Let time pass by the back-off: the next sweep comes when the retries are due.
                latest = EmailRecord.objects.filter(status=EmailRecord.Status.PENDING).aggregate(
                    Max("due_at")
                )
                now = (latest["due_at__max"] or now) + timedelta(seconds=1)
        received = sink.per_recipient()
    outcome = counts()
    return Result(
        "permanent (550) and temporary (451) refusals",
        EMAILS,
        received,
        outcome["failed"],
        f"{sweeps} sweeps (the back-off's steps); outbox: {dict(outcome)}",
    )


if __name__ == "__main__":
    sys.exit(main())

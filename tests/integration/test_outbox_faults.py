"""The outbox under the faults operators reproduced: a slow SMTP server while two sweeps run, and the
database connection of a sweep terminated while it sends. Real Celery workers run the sweeps; a real
SMTP server (aiosmtpd) counts what each address receives. Every email must arrive exactly once."""

import time
from datetime import timedelta

import psycopg
import pytest
from django.conf import settings
from django.utils import timezone

from events.models import EmailRecord, Registration
from events.tasks import send_due_emails
from tests import factories
from tests.integration.conftest import database_url_for_worker, running_worker, wait_for
from tests.integration.smtp_sink import smtp_sink

SWEEP_APPLICATION = "outbox-sweep-under-test"


def due_reminders(count: int) -> list[Registration]:
    """``count`` confirmed registrations whose 24-hour reminder is due now."""
    now = timezone.now()
    event = factories.EventFactory(starts_at=now + timedelta(hours=10), capacity=None)
    return [
        factories.RegistrationFactory(
            event=event, status=Registration.Status.CONFIRMED, confirmed_at=now - timedelta(days=2)
        )
        for _ in range(count)
    ]


def sent() -> int:
    return EmailRecord.objects.filter(status=EmailRecord.Status.SENT).count()


@pytest.mark.django_db(transaction=True)
def test_a_sweep_slower_than_its_claim_sends_nothing_twice_when_another_sweep_starts():
    # The first sweep claims every reminder, then needs about 6 s to send them through a server that
    # takes 0.25 s per message: far longer than its 2-second claim. A second sweep starts once that claim
    # has lapsed (what the beat does every two minutes with the real lease and a slower server).
    registrations = due_reminders(24)
    lease = {"EMAIL_CLAIM_SECONDS": "2"}
    with smtp_sink(delay=0.25) as (sink, port):
        environment = {**lease, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        with running_worker(environment, name="first"), running_worker(environment, name="second"):
            send_due_emails.apply_async()
            wait_for(lambda: sink.messages, timeout=45)
            time.sleep(2.5)
            send_due_emails.apply_async()
            wait_for(lambda: sent() == 24, timeout=60)
        # Both workers have finished their sweep (warm shutdown) before the count.

    assert sink.sessions == 2  # both sweeps sent part of the reminders, one connection each
    received = sink.per_recipient()
    assert {address: count for address, count in received.items() if count > 1} == {}
    assert sorted(received) == sorted(r.email for r in registrations)
    assert not EmailRecord.objects.exclude(status=EmailRecord.Status.SENT).exists()


def terminate_sweep_connections(_envelope) -> None:
    """Kill the database connections of the worker under test (pg_terminate_backend), as a failover or
    a restarted PostgreSQL would, while the SMTP server holds a message."""
    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname=db["NAME"],
        autocommit=True,
    ) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [SWEEP_APPLICATION],
        )


@pytest.mark.django_db(transaction=True)
def test_a_dropped_database_connection_mid_sweep_loses_nothing_and_sends_nothing_twice():
    registrations = due_reminders(30)
    dropped = []

    def drop_now_and_then(envelope):
        if len(dropped) < 3 and (len(sink.messages) + 1) % 7 == 0:
            dropped.append(envelope.rcpt_tos[0])
            terminate_sweep_connections(envelope)

    worker_database = f"{database_url_for_worker()}?application_name={SWEEP_APPLICATION}"
    with smtp_sink(on_data=drop_now_and_then) as (sink, port):
        environment = {"EMAIL_URL": f"smtp://127.0.0.1:{port}", "DATABASE_URL": worker_database}
        with running_worker(environment, name="sweeper"):
            send_due_emails.apply_async()
            # With the default claim (minutes), only a sweep that survives the drops finishes in time.
            wait_for(lambda: sent() == 30, timeout=60)

    assert len(dropped) == 3
    received = sink.per_recipient()
    assert {address: count for address, count in received.items() if count > 1} == {}
    assert sorted(received) == sorted(r.email for r in registrations)
    assert not EmailRecord.objects.exclude(status=EmailRecord.Status.SENT).exists()

"""Long back-office actions: a bulk action over many organisations costs a number of queries that does not
grow with the rows selected (so "select all" over thousands answers within a request) beyond the
history's bulk INSERT, one per batch of rows the database takes in one statement (SQLite's 999
parameters hold ~30 versions, PostgreSQL's thousands), and sending
outbox emails "now" hands them to the worker instead of talking to the SMTP server in the request."""

import socket
import threading
import time
from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Actor
from events.models import EmailRecord
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:actors_actor_changelist")


def post_action(client, action: str, actors, query: str = "") -> int:
    """Run an admin action on ``actors``; returns the number of SQL queries of the request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            CHANGELIST + query, {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in actors]}
        )
    assert response.status_code == HTTPStatus.FOUND
    return len(queries)


def history_batches(rows: int) -> int:
    """The INSERT statements ``bulk_create_with_history`` needs for ``rows`` versions of organisations."""
    history = Actor.history.model
    fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    size = connection.ops.bulk_batch_size(fields, [None] * rows) or rows
    return -(-rows // size)


def test_attaching_many_organisations_costs_the_same_queries_as_attaching_a_few(coordinator_client, pole_a):
    communes = factories.CommuneFactory.create_batch(2)
    pole_a.communes.add(*communes)
    few = [factories.ActorFactory(pole=None, commune=communes[n % 2]) for n in range(2)]
    many = [factories.ActorFactory(pole=None, commune=communes[n % 2]) for n in range(40)]
    suggestions = "?adhesion=suggestions"  # the changelist's filter offering them
    warm_up = [factories.ActorFactory(pole=None, commune=communes[0])]
    post_action(coordinator_client, "attach_to_my_pole", warm_up, suggestions)

    extra = history_batches(len(many)) - history_batches(len(few))
    assert post_action(coordinator_client, "attach_to_my_pole", few, suggestions) + extra == post_action(
        coordinator_client, "attach_to_my_pole", many, suggestions
    )
    assert Actor.objects.filter(pole=pole_a).count() == 43


def test_approving_many_proposals_costs_the_same_queries_as_approving_one(coordinator_client, pole_a):
    def pending(count):
        return factories.ActorFactory.create_batch(
            count, pole=pole_a, is_published=False, review_status="pending"
        )

    post_action(coordinator_client, "approve_proposals", pending(1))  # warm up

    extra = history_batches(40) - history_batches(1)
    assert post_action(coordinator_client, "approve_proposals", pending(1)) + extra == post_action(
        coordinator_client, "approve_proposals", pending(40)
    )
    assert not Actor.objects.filter(review_status="pending").exists()
    assert Actor.objects.filter(review_status="approved", is_published=True).count() == 42


@pytest.fixture
def silent_smtp_server():
    """An SMTP server that accepts connections and never says a word (a hung mail relay)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted, stop = [], threading.Event()

    def serve():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection_ in accepted:
        connection_.close()
    server.close()


def test_sending_pending_emails_now_hands_them_to_the_worker_without_waiting_for_smtp(
    client, settings, silent_smtp_server, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", silent_smtp_server, 3
    client.force_login(factories.UserFactory(is_superuser=True))
    record = EmailRecord.objects.create(
        registration=factories.RegistrationFactory(), kind=EmailRecord.Kind.CONFIRMED, key="x"
    )

    started = time.monotonic()
    with django_capture_on_commit_callbacks() as published:
        response = client.post(
            reverse("admin:events_emailrecord_changelist"),
            {"action": "send_now", ACTION_CHECKBOX_NAME: [record.pk]},
        )
    elapsed = time.monotonic() - started

    assert response.status_code == HTTPStatus.FOUND
    assert elapsed < 2, elapsed  # the request did not wait for the silent server (3 s timeout)
    assert len(published) == 1  # the worker sends it, once the due time is committed
    record.refresh_from_db()
    assert record.status == EmailRecord.Status.PENDING and mail.outbox == []

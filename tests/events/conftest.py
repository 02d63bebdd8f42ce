"""Fixtures of the events tests: Celery runs tasks in-process unless a test says otherwise, and
``on_commit`` callbacks (which publish the outbox's tasks) run when a test asks for them."""

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _tasks_in_process(eager_celery):
    """Published tasks run in-process here (the shared ``eager_celery`` fixture)."""


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Call a function, then run the on_commit callbacks it registered, as a real commit would."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def event(db):
    return factories.EventFactory(capacity=2)


@pytest.fixture
def roles(db):
    """The real roles and their permissions (``setup_roles``)."""
    from ess_portal.management.commands.setup_roles import roles_setup

    roles_setup()


@pytest.fixture
def coordinator_client(client, pole, roles):
    """A client logged in as a coordinator of ``pole``."""
    client.force_login(factories.make_coordinator(pole))
    return client

"""Fixtures of the account tests: the real roles, a pole, people of each role, and links read from emails."""

import re

import pytest

from ess_portal.celery import app as celery_app
from tests import factories

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "Un-mot-de-passe-tout-neuf-2031"


@pytest.fixture(autouse=True)
def _eager_celery():
    """Run published tasks in-process (CI sets REDIS_URL, which would otherwise queue them for a worker
    these tests do not start)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def pole(db):
    return factories.PoleFactory(name="Pôle Alpha", acronym="ALPHA")


@pytest.fixture
def coordinator(roles, pole):
    return factories.make_coordinator(pole, username="coord-a")


def link_in(message, path_start: str) -> str:
    """The site-relative path of the link starting with ``path_start`` in an email's text."""
    [url] = re.findall(rf"https?://[^/\s]+({re.escape(path_start)}\S+)", message.body)
    return url

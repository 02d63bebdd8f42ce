"""Fixtures of the account tests: the real roles, a pole, people of each role, and links read from emails."""

import re

import pytest

from tests import factories

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "Un-mot-de-passe-tout-neuf-2031"


@pytest.fixture(autouse=True)
def _tasks_in_process(eager_celery):
    """Published tasks run in-process here (the shared ``eager_celery`` fixture)."""


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

"""Fixtures of the back-office tests: the real roles (setup_roles), two poles, a coordinator of the first."""

import pytest

from ess_portal.management.commands.setup_roles import roles_setup
from tests import factories


@pytest.fixture
def roles(db):
    roles_setup()


@pytest.fixture
def pole_a(db):
    return factories.PoleFactory(name="Pôle Alpha", acronym="ALPHA")


@pytest.fixture
def pole_b(db):
    return factories.PoleFactory(name="Pôle Bravo", acronym="BRAVO")


@pytest.fixture
def coordinator(roles, pole_a):
    return factories.make_coordinator(pole_a, username="coord-a")


@pytest.fixture
def regional(roles):
    return factories.make_regional(username="region")


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def regional_client(client, regional):
    client.force_login(regional)
    return client

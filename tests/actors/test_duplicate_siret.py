"""A SIRET already taken is refused in a coordinator's words, naming the organisation where they may
see it, instead of the database constraint's name."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests import factories
from tests.actors.test_admin_map_coordinates import _post
from tests.actors.test_import import siret

pytestmark = pytest.mark.django_db

NUMBER = siret("7328293200007")


@pytest.fixture
def french_client(coordinator_client):
    coordinator_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    return coordinator_client


def test_a_siret_of_one_of_my_organisations_names_and_links_it(french_client, pole_a):
    mine = factories.ActorFactory(pole=pole_a, name="Les Castors", siret=NUMBER)
    actor = factories.ActorFactory(pole=pole_a)

    response = _post(french_client, actor, siret=NUMBER)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    link = reverse("admin:actors_actor_change", args=[mine.pk])
    assert f'Une organisation avec ce SIRET existe déjà : <a href="{link}">Les Castors</a>' in content
    assert "contrainte" not in content and "actors_actor_unique_siret" not in content
    actor.refresh_from_db()
    assert actor.siret == ""


def test_a_published_organisation_of_another_pole_is_linked_on_the_site(french_client, pole_a, pole_b):
    theirs = factories.ActorFactory(pole=pole_b, name="Coop Bravo", siret=NUMBER, is_published=True)
    actor = factories.ActorFactory(pole=pole_a)

    content = _post(french_client, actor, siret=NUMBER).content.decode()

    assert f'existe déjà : <a href="{theirs.get_absolute_url()}">Coop Bravo</a>' in content
    assert reverse("admin:actors_actor_change", args=[theirs.pk]) not in content


def test_an_unpublished_organisation_of_another_pole_is_not_named(french_client, pole_a, pole_b):
    factories.ActorFactory(pole=pole_b, name="Discrète Bravo", siret=NUMBER, is_published=False)
    actor = factories.ActorFactory(pole=pole_a)

    content = _post(french_client, actor, siret=NUMBER).content.decode()

    assert "Une organisation avec ce SIRET existe déjà dans un autre pôle" in content
    assert "Discrète Bravo" not in content

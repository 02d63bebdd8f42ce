"""Cache keys made from query parameters are canonical and encoded: two query strings share an entry
only when they mean the same thing, and parameters nobody reads share the page of the URL without them."""

from http import HTTPStatus

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def session_client(client):
    """A visitor with a session: no page cache, only what the directory keeps per data version."""
    client.cookies["sessionid"] = "a-session"
    return client


def names(response) -> list[str]:
    return [row.name for row in response.context_data["object_list"]]


def test_a_search_holding_an_ampersand_and_an_equals_sign_is_not_a_search_with_other_filters(
    session_client, db
):
    pole = factories.PoleFactory(slug="pole-des-ecolieux")
    factories.ActorFactory(name="Écolieu du Pays", pole=pole)
    factories.ActorFactory(name="Écolieu d’ailleurs")
    crafted = {"q": f"eco&pole={pole.pk}"}  # ?q=eco%26pole%3D<pk>: one parameter, matching nothing

    assert names(session_client.get("/acteurs/", crafted)) == []
    real = session_client.get("/acteurs/", {"q": "eco", "pole": pole.slug})

    assert real.status_code == HTTPStatus.OK
    assert names(real) == ["Écolieu du Pays"]

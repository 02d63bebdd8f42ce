"""Visitors with a session bypass the page cache; what the directory keeps per data version (searches,
matches, rows, the filter form) follows the data at once."""

from http import HTTPStatus

import pytest

from actors.models import Actor, Sector
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def session_client(client):
    """A visitor with a session cookie, as after a form or for a coordinator: no page cache."""
    client.cookies["sessionid"] = "a-session"
    return client


def test_a_new_organisation_appears_at_once_for_a_visitor_with_a_session(session_client, directory, commit):
    before = session_client.get("/acteurs/").content.decode()
    assert "4 organisations" in before
    with commit():
        factories.ActorFactory(
            name="Recyclerie du Pays de Redon", pole=directory.redon, sectors=[directory.culture]
        )
    after = session_client.get("/acteurs/").content.decode()
    assert "5 organisations" in after
    assert "Recyclerie du Pays de Redon" in after


def test_an_unpublished_organisation_leaves_the_cached_list_at_once(session_client, directory, commit):
    assert "Théâtre du Ponant" in session_client.get("/acteurs/").content.decode()
    actor = Actor.objects.get(name="Théâtre du Ponant")
    actor.is_published = False
    with commit():
        actor.save()
    content = session_client.get("/acteurs/").content.decode()
    assert "Théâtre du Ponant" not in content
    assert "3 organisations" in content


def test_a_renamed_sector_is_shown_in_the_rows_and_the_filter_at_once(session_client, directory, commit):
    session_client.get("/acteurs/")
    sector = Sector.objects.get(slug="culture")
    sector.name = "Arts et culture"
    with commit():
        sector.save()
    content = session_client.get("/acteurs/").content.decode()
    assert '<option value="culture">Arts et culture</option>' in content
    assert "<li>Arts et culture</li>" in content


def test_a_bad_filter_is_still_a_400_when_its_fragments_are_cached(session_client, directory):
    first = session_client.get("/acteurs/", {"pole": "inconnu"})
    second = session_client.get("/acteurs/", {"pole": "inconnu"})
    assert first.status_code == second.status_code == HTTPStatus.BAD_REQUEST
    assert 'class="errorlist"' in second.content.decode()


def test_pages_of_a_search_keep_their_own_rows_and_links(session_client, db):
    pole = factories.PoleFactory(slug="grand-pole")
    factories.ActorFactory.create_batch(25, pole=pole)
    first = session_client.get("/acteurs/", {"pole": "grand-pole", "page": 1}).content.decode()
    second = session_client.get("/acteurs/", {"pole": "grand-pole", "page": 2})
    assert len(second.context_data["object_list"]) == 5
    assert "?pole=grand-pole&amp;page=2" in first
    assert "?pole=grand-pole&amp;page=1" in second.content.decode()

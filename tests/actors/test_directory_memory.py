"""The directory keeps, per data version and in each process, its searches, their matches and its rows:
a visitor without the page cache gets a page without a query once it has been seen, and every change
to the data shows at once."""

import pytest
from django.utils import translation

from actors.models import Actor
from actors.services.publication import actors_set_published
from poles.services import COMMUNE_COLUMNS, EPCI_COLUMNS, reference_data_load
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def session_client(client):
    """A visitor with a session cookie: the page cache steps aside, the page is rendered every time."""
    client.cookies["sessionid"] = "a-session"
    return client


def test_a_page_already_seen_is_rendered_without_a_query_whatever_else_its_url_says(
    session_client, directory, django_assert_num_queries
):
    first = session_client.get("/acteurs/", {"sector": "eco-construction"})
    with django_assert_num_queries(0):
        again = session_client.get("/acteurs/", {"sector": "eco-construction", "utm_source": "lettre"})
    assert again.status_code == 200
    for name in ("Les Charpentiers du Pays de Redon", "Mutuelle Solidaire d&#39;Ille"):
        assert name in first.content.decode()
        assert name in again.content.decode()
    assert "2 organisations" in again.content.decode()


def test_two_spellings_of_the_same_search_share_their_matches(session_client, directory):
    by_name = session_client.get("/acteurs/", {"commune": "rennes"}).context_data["object_list"]
    by_code = session_client.get("/acteurs/", {"commune": "35238"}).context_data["object_list"]
    assert [row.name for row in by_name] == [row.name for row in by_code] == ["Mutuelle Solidaire d'Ille"]


def test_rows_are_kept_per_language(session_client, directory):
    french = session_client.get("/acteurs/", {"pole": "cades"}).content.decode()
    with translation.override("en"):
        session_client.cookies["django_language"] = "en"
        english = session_client.get("/acteurs/", {"pole": "cades"}).content.decode()
    assert "membre de CADES" in french
    assert "member of CADES" in english


def test_distances_are_computed_for_each_request(session_client, directory):
    from_rennes = session_client.get("/acteurs/", {"sort": "distance", "near": "35238"}).content.decode()
    from_brest = session_client.get("/acteurs/", {"sort": "distance", "near": "29019"}).content.decode()
    # The same rows, each with its distance from the chosen commune.
    assert '<span class="distance">à 59 km</span>' in from_rennes
    assert '<span class="distance">à 59 km</span>' not in from_brest
    assert '<span class="distance">à 0 m</span>' in from_brest
    assert from_brest.index("Théâtre du Ponant") < from_brest.index("Les Charpentiers du Pays de Redon")


def test_a_bulk_publication_from_the_back_office_shows_at_once(
    session_client, directory, django_capture_on_commit_callbacks
):
    assert "Théâtre du Ponant" in session_client.get("/acteurs/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        actors_set_published(actors=Actor.objects.filter(name="Théâtre du Ponant"), published=False)
    content = session_client.get("/acteurs/").content.decode()
    assert "Théâtre du Ponant" not in content
    with django_capture_on_commit_callbacks(execute=True):
        actors_set_published(actors=Actor.objects.filter(name="Théâtre du Ponant"), published=True)
    assert "Théâtre du Ponant" in session_client.get("/acteurs/").content.decode()


def test_a_reference_data_load_renaming_a_commune_shows_at_once(
    session_client, directory, django_capture_on_commit_callbacks, tmp_path
):
    assert "Redon" in session_client.get("/acteurs/", {"pole": "cades"}).content.decode()
    epcis = tmp_path / "epcis.csv"
    communes = tmp_path / "communes.csv"
    epcis.write_text(",".join(EPCI_COLUMNS) + "\n", encoding="utf-8")
    values = dict.fromkeys(COMMUNE_COLUMNS, "")
    values.update(insee_code="35236", name="Redon-sur-Vilaine", department_code="35")
    communes.write_text(
        ",".join(COMMUNE_COLUMNS) + "\n" + ",".join(values[column] for column in COMMUNE_COLUMNS) + "\n",
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True):
        reference_data_load(communes_path=communes, epcis_path=epcis)
    assert "Redon-sur-Vilaine" in session_client.get("/acteurs/", {"pole": "cades"}).content.decode()


def test_an_organisation_added_to_a_known_search_shows_at_once(session_client, directory, commit):
    session_client.get("/acteurs/", {"q": "recyclerie"})
    with commit():
        factories.ActorFactory(
            name="Recyclerie de Brest", pole=directory.brest, commune=directory.brest_commune
        )
    content = session_client.get("/acteurs/", {"q": "recyclerie"}).content.decode()
    assert "Recyclerie de Brest" in content


def test_the_matches_kept_are_bounded_by_their_total_size():
    from array import array

    from actors.selectors import Matches
    from core.public_cache import LocalLRU

    kept = LocalLRU(10, weight=len)
    kept.put(("v1", "large"), Matches(array("q", range(8))))
    kept.put(("v1", "small"), Matches(array("q", range(2))))
    assert kept.get(("v1", "large")) is not None
    kept.put(("v1", "other"), Matches(array("q", range(1))))  # 11 > 10: the least recently used goes
    assert kept.get(("v1", "small")) is None
    assert len(kept.get(("v1", "large"))) == 8
    assert kept.get(("v2", "large")) is None  # another data version: nothing kept


def test_french_and_english_rows_are_kept_side_by_side(session_client, directory, django_assert_num_queries):
    session_client.get("/acteurs/", {"pole": "cades"})
    english_client = type(session_client)()
    english_client.cookies["sessionid"] = "another-session"
    english_client.cookies["django_language"] = "en"
    english_client.get("/acteurs/", {"pole": "cades"})
    with django_assert_num_queries(0):
        french = session_client.get("/acteurs/", {"pole": "cades", "again": "1"}).content.decode()
        english = english_client.get("/acteurs/", {"pole": "cades", "again": "1"}).content.decode()
    assert "membre de CADES" in french
    assert "member of CADES" in english


def test_rows_are_read_again_while_templates_reload_themselves(
    session_client, directory, django_assert_num_queries
):
    from django.template import engines

    environment = engines["jinja2"].env
    environment.auto_reload = True
    try:
        session_client.get("/acteurs/", {"pole": "cades"})
        # The filter form is rendered again (its pole is looked up), and the rows are read again (their
        # columns and sector links; the sectors' names are kept per data version).
        with django_assert_num_queries(3):
            session_client.get("/acteurs/", {"pole": "cades", "again": "1"})
    finally:
        environment.auto_reload = False

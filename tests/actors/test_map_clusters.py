"""The map data by visible area and zoom: clusters computed by the server, points up close, a French 400."""

import json
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors import map_clusters
from tests import factories

pytestmark = pytest.mark.django_db

BRITTANY = "-5.5,46.5,-0.5,49.0"


@pytest.fixture
def few_points(monkeypatch):
    """Clusters from a handful of organisations (the threshold is 200 on the site)."""
    monkeypatch.setattr(map_clusters, "POINTS_LIMIT", 3)


@pytest.fixture
def network(db):
    """12 organisations of one pole around Brest, 5 of another around Redon, one far away in Rennes,
    one unpublished in Brest and one without any position."""
    brest_pole = factories.PoleFactory(name="ADESS", slug="adess")
    redon_pole = factories.PoleFactory(name="CADES", slug="cades")
    brest = factories.CommuneFactory(name="Brest", insee_code="29019", latitude=48.39, longitude=-4.49)
    redon = factories.CommuneFactory(name="Redon", insee_code="35236", latitude=47.65, longitude=-2.08)
    rennes = factories.CommuneFactory(name="Rennes", insee_code="35238", latitude=48.11, longitude=-1.68)
    nowhere = factories.CommuneFactory(name="Berhet", insee_code="22006", latitude=None, longitude=None)
    for i in range(12):
        factories.ActorFactory(
            name=f"Brestoise {i}", pole=brest_pole, commune=brest, latitude=48.39 + i * 0.001, longitude=-4.49
        )
    for i in range(5):
        # Three with their own point, two at the commune's centre.
        own = i < 3
        factories.ActorFactory(
            name=f"Redonnaise {i}",
            pole=redon_pole,
            commune=redon,
            latitude=47.65 + i * 0.002 if own else None,
            longitude=-2.08 if own else None,
        )
    factories.ActorFactory(name="Rennaise isolée", commune=rennes, latitude=48.11, longitude=-1.68)
    factories.ActorFactory(name="Brestoise cachée", pole=brest_pole, commune=brest, is_published=False)
    factories.ActorFactory(name="Sans position", commune=nowhere)


def get_map(client, **params):
    response = client.get("/api/acteurs.geojson", params)
    assert response.status_code == HTTPStatus.OK, response.content
    return json.loads(response.content)


def clusters(data):
    return [f for f in data["features"] if f["properties"].get("cluster")]


def points(data):
    return [f for f in data["features"] if not f["properties"].get("cluster")]


def test_at_low_zoom_the_server_groups_organisations_and_the_counts_add_up(client, network, few_points):
    data = get_map(client, zoom=7, bbox=BRITTANY)
    assert data["clustered"] is True
    assert data["total"] == 18  # published, with a position, in the box
    counted = sum(f["properties"]["count"] for f in clusters(data)) + len(points(data))
    assert counted == data["total"]
    by_count = sorted(f["properties"]["count"] for f in clusters(data))
    assert by_count == [5, 12]
    brest = max(clusters(data), key=lambda f: f["properties"]["count"])
    west, south, east, north = brest["properties"]["bbox"]
    longitude, latitude = brest["geometry"]["coordinates"]
    assert (west, south, east, north) == (-4.49, 48.39, -4.49, 48.401)
    assert south <= latitude <= north and west <= longitude <= east
    # A cell of one organisation is that organisation, with its link.
    [alone] = points(data)
    assert alone["properties"]["name"] == "Rennaise isolée"
    assert alone["properties"]["url"].startswith("/acteurs/")


def test_filters_apply_to_the_clusters(client, network, few_points):
    data = get_map(client, zoom=7, bbox=BRITTANY, pole="adess")
    assert data["total"] == 12
    assert [f["properties"]["count"] for f in clusters(data)] == [12]
    assert points(data) == []
    searched = get_map(client, zoom=7, bbox=BRITTANY, q="redonnaise")
    assert [f["properties"]["count"] for f in clusters(searched)] == [5]


def test_only_the_visible_area_is_counted(client, network, few_points):
    data = get_map(client, zoom=9, bbox="-5.0,48.0,-4.0,48.6")
    assert data["total"] == 12
    assert [f["properties"]["count"] for f in clusters(data)] == [12]


def test_up_close_or_when_few_match_the_map_gets_the_organisations_themselves(client, network, few_points):
    close = get_map(client, zoom=map_clusters.POINTS_ZOOM, bbox="-4.6,48.3,-4.4,48.5")
    assert close["clustered"] is False
    assert sorted(f["properties"]["name"] for f in close["features"]) == sorted(
        f"Brestoise {i}" for i in range(12)
    )
    assert all(f["geometry"]["type"] == "Point" for f in close["features"])


def test_without_clusters_below_the_threshold(client, network):
    data = get_map(client, zoom=7, bbox=BRITTANY)
    assert data["clustered"] is False
    assert len(data["features"]) == data["total"] == 18


def test_the_grid_runs_two_queries_at_most_whatever_the_number_of_organisations(client, network, few_points):
    get_map(client, zoom=7, bbox=BRITTANY, bench="1")  # warm the reference caches
    with CaptureQueriesContext(connection) as queries:
        get_map(client, zoom=7, bbox="-5.5,46.5,-0.5,49.1")
    grid = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"].upper()]
    assert len(grid) == 1
    assert "FLOOR" in grid[0].upper()


def test_the_full_file_is_still_served_without_a_zoom(client, network, few_points):
    response = client.get("/api/acteurs.geojson")
    data = json.loads(response.content)
    assert "clustered" not in data
    assert len(data["features"]) == 19  # every published organisation, even without a position


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"zoom": "8"}, "bbox", "Indiquez la zone visible de la carte (bbox)."),
        ({"zoom": "huit", "bbox": BRITTANY}, "zoom", "Le zoom doit être un nombre entier de 0 à 20."),
        ({"zoom": "21", "bbox": BRITTANY}, "zoom", "Le zoom doit être un nombre entier de 0 à 20."),
        ({"zoom": "-1", "bbox": BRITTANY}, "zoom", "Le zoom doit être un nombre entier de 0 à 20."),
        ({"zoom": "", "bbox": BRITTANY}, "zoom", "Indiquez le niveau de zoom de la carte."),
        ({"zoom": "8", "bbox": "-1,47,-3,48"}, "bbox", None),
        ({"zoom": "8", "bbox": BRITTANY, "pole": "inconnu"}, "pole", None),
    ],
)
def test_a_bad_zoom_or_area_is_a_french_400(client, network, params, field, message):
    response = client.get("/api/acteurs.geojson", params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = json.loads(response.content)
    assert body["error"] == "Paramètres de requête invalides."
    assert field in body["errors"]
    if message:
        assert body["errors"][field] == [message]

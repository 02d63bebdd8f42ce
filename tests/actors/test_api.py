import gzip
import json
from http import HTTPStatus

import pytest

from actors.models import Actor
from tests import factories

pytestmark = pytest.mark.django_db


def features(response) -> list[dict]:
    return json.loads(response.content)["features"]


def test_actors_geojson_is_an_rfc7946_feature_collection(client, directory):
    response = client.get("/api/acteurs.geojson")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    assert set(by_name) == {
        "Les Charpentiers du Pays de Redon",
        "Mutuelle Solidaire d'Ille",
        "Ressourcerie du Trégor",
        "Théâtre du Ponant",
    }
    own = by_name["Les Charpentiers du Pays de Redon"]
    assert own["geometry"] == {"type": "Point", "coordinates": [-2.09, 47.66]}  # longitude first
    assert own["properties"]["approximate"] is False
    assert own["properties"]["url"] == f"/acteurs/{directory.scop_redon.slug}/"
    commune_point = by_name["Théâtre du Ponant"]
    assert commune_point["geometry"]["coordinates"] == [-4.49, 48.39]
    assert commune_point["properties"]["approximate"] is True
    assert by_name["Ressourcerie du Trégor"]["geometry"] is None


def test_bbox_keeps_the_organisations_inside(client, directory):
    response = client.get("/api/acteurs.geojson", {"bbox": "-2.5,47.5,-1.5,48.2"})
    assert {f["properties"]["name"] for f in features(response)} == {
        "Les Charpentiers du Pays de Redon",
        "Mutuelle Solidaire d'Ille",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "west,47,-1,48"}, "bbox"),
        ({"bbox": "-1,47,-3,48"}, "bbox"),
        ({"bbox": "-200,47,-1,48"}, "bbox"),
        ({"bbox": "nan,47,-1,48"}, "bbox"),
        ({"pole": "inconnu"}, "pole"),
        ({"sector": "inconnu"}, "sector"),
        ({"family": "sarl"}, "family"),
        ({"department": "99"}, "department"),
        ({"commune": "Atlantis"}, "commune"),
        ({"q": "a " * 1500}, "q"),
    ],
)
def test_bad_parameters_answer_400_with_a_json_message(client, directory, params, field):
    response = client.get("/api/acteurs.geojson", params, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    payload = json.loads(response.content)
    assert payload["error"] == "Paramètres de requête invalides."
    assert field in payload["errors"]


def test_unpublished_organisation_is_absent_from_map_and_csv(client, directory):
    assert "Coopérative Cachée" not in client.get("/api/acteurs.geojson").content.decode()
    csv = b"".join(client.get("/donnees/acteurs.csv").streaming_content).decode()
    assert "Coopérative Cachée" not in csv


def test_geojson_is_gzipped_for_clients_that_accept_it(client, db):
    factories.ActorFactory.create_batch(10)
    response = client.get("/api/acteurs.geojson", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["type"] == "FeatureCollection"


def test_revalidation_answers_304_until_an_actor_changes(client, directory, commit):
    first = client.get("/api/acteurs.geojson")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert client.get("/api/acteurs.geojson", HTTP_IF_NONE_MATCH=etag).status_code == HTTPStatus.NOT_MODIFIED
    assert (
        client.get("/api/acteurs.geojson", HTTP_IF_MODIFIED_SINCE=last_modified).status_code
        == HTTPStatus.NOT_MODIFIED
    )
    directory.asso_brest.name = "Théâtre du Ponant renommé"
    with commit():
        directory.asso_brest.save()
    changed = client.get("/api/acteurs.geojson", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == HTTPStatus.OK
    assert "Théâtre du Ponant renommé" in changed.content.decode()


def test_cached_map_data_follows_sector_changes(client, directory, commit):
    assert len(features(client.get("/api/acteurs.geojson", {"sector": "culture"}))) == 1
    with commit():
        directory.scop_redon.sectors.add(directory.culture)
    assert len(features(client.get("/api/acteurs.geojson", {"sector": "culture"}))) == 2


def test_cached_map_data_follows_bulk_unpublication(client, directory, commit):
    assert len(features(client.get("/api/acteurs.geojson"))) == 4
    with commit():
        Actor.objects.filter(pk=directory.asso_brest.pk).update(is_published=False)
    assert len(features(client.get("/api/acteurs.geojson"))) == 3


def test_poles_geojson_carries_outlines_and_member_counts(client, directory):
    directory.redon.outline = {
        "type": "MultiPolygon",
        "coordinates": [[[[-2.3, 47.5], [-1.9, 47.5], [-1.9, 47.9], [-2.3, 47.9], [-2.3, 47.5]]]],
    }
    directory.redon.save()
    response = client.get("/api/poles.geojson")
    assert response.status_code == HTTPStatus.OK
    by_slug = {f["properties"]["slug"]: f for f in features(response)}
    assert by_slug["cades"]["geometry"]["type"] == "MultiPolygon"
    assert by_slug["cades"]["properties"]["members"] == 1
    assert by_slug["adess-pays-de-brest"]["geometry"] is None
    assert by_slug["adess-pays-de-brest"]["properties"]["members"] == 2
    inside = client.get("/api/poles.geojson", {"bbox": "-2.2,47.6,-2.0,47.7"})
    assert [f["properties"]["slug"] for f in features(inside)] == ["cades"]
    one = client.get("/api/poles.geojson", {"pole": "adess-pays-de-brest"})
    assert [f["properties"]["slug"] for f in features(one)] == ["adess-pays-de-brest"]
    assert client.get("/api/poles.geojson", {"pole": "inconnu"}).status_code == HTTPStatus.BAD_REQUEST
    assert client.get("/api/poles.geojson", {"bbox": "x"}).status_code == HTTPStatus.BAD_REQUEST


def test_csv_has_a_header_and_one_utf8_row_per_organisation(client, directory):
    response = client.get("/donnees/acteurs.csv", {"department": "29"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert lines[0].startswith("name,acronym,legal_form,legal_family,sectors,pole")
    assert len(lines) == 2
    assert lines[1].startswith("Théâtre du Ponant,,association,association,Culture,ADESS Pays de Brest")


def test_csv_rejects_unknown_filter_values(client, directory):
    assert client.get("/donnees/acteurs.csv", {"pole": "inconnu"}).status_code == HTTPStatus.BAD_REQUEST


def test_a_parameter_value_that_looks_like_other_parameters_is_not_confused_with_them(client, directory):
    # "?pole=cades%26q%3Deco" asks for a pole called "cades&q=eco" (there is none: 400), whereas
    # "?pole=cades&q=eco" is a valid search; their cached answers must not be mixed up.
    valid = client.get("/api/acteurs.geojson", {"pole": "cades", "q": "eco"})
    assert [feature["properties"]["name"] for feature in features(valid)] == [
        "Les Charpentiers du Pays de Redon"
    ]
    lookalike = client.get("/api/acteurs.geojson", {"pole": "cades&q=eco"})
    assert lookalike.status_code == 400

"""What the three views of the directory return, as sets of organisation names."""

import csv
import io
import json

from actors.models import Actor


def list_names(client, query: str = "") -> set[str]:
    """Names in the HTML list, following every page."""
    names: set[str] = set()
    url = f"/acteurs/?{query}"
    page = 1
    while True:
        response = client.get(f"{url}&page={page}")
        assert response.status_code == 200, response.content[:500]
        names |= {actor.name for actor in response.context_data["object_list"]}
        if not response.context_data["page_obj"].has_next():
            return names
        page += 1


def geojson_names(client, query: str = "") -> set[str]:
    response = client.get(f"/api/acteurs.geojson?{query}")
    assert response.status_code == 200, response.content[:500]
    return {feature["properties"]["name"] for feature in json.loads(response.content)["features"]}


def csv_rows(client, query: str = "") -> list[dict]:
    response = client.get(f"/donnees/acteurs.csv?{query}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def csv_names(client, query: str = "") -> set[str]:
    return {row["name"] for row in csv_rows(client, query)}


def published_names() -> set[str]:
    return set(Actor.objects.published().values_list("name", flat=True))

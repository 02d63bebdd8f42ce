"""The list, the map data and the CSV always return the same organisations for the same filters."""

import pytest

from tests import factories
from tests.actors.helpers import csv_names, geojson_names, list_names

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "q=eco+construction",
    "q=%C3%89co-construction",
    "pole=cades",
    "pole=adess-pays-de-brest",
    "sector=insertion",
    "family=association",
    "family=cooperative&department=35",
    "department=35",
    "commune=Redon",
    "sector=eco-construction&pole=cades",
    "q=theatre&department=29",
    "sort=distance&near=35238",
    "bbox=-5,47,-1,49",
    "q=rien+du+tout",
]


@pytest.mark.parametrize("query", QUERIES)
def test_list_map_and_csv_agree(client, directory, query):
    # Enough extra rows to need several pages of the list.
    factories.ActorFactory.create_batch(22, pole=directory.redon, commune=directory.redon_commune)
    listed = list_names(client, query)
    assert listed == geojson_names(client, query) == csv_names(client, query)
    assert directory.hidden.name not in listed

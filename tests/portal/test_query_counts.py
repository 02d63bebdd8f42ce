"""Every public page and map endpoint runs the same number of queries with 1 and with 50 organisations."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db

URLS = [
    "/",
    "/poles/",
    "/poles/{pole}/",
    "/acteurs/",
    "/acteurs/?sector={sector}&sort=distance&near=29019",
    "/acteurs/{actor}/",
    "/carte/",
    "/carte/?embed=1&pole={pole}",
    "/donnees/",
    "/evenements/",
    "/evenements/?vue=mois",
    "/evenements/?embed=1&pole={pole}",
    "/api/acteurs.geojson",
    "/api/poles.geojson",
]


def build(count: int):
    pole = factories.PoleFactory()
    sector = factories.SectorFactory()
    commune = factories.CommuneFactory(insee_code="29019", name="Brest")
    actors = [
        factories.ActorFactory(
            pole=pole, commune=commune if i % 2 else factories.CommuneFactory(), sectors=[sector]
        )
        for i in range(count)
    ]
    factories.EventFactory(pole=pole)
    factories.WorkshopFactory(pole=pole)
    return {"pole": pole.slug, "sector": sector.slug, "actor": actors[0].slug}


def count_queries(client, url: str) -> int:
    """Queries of the page rendered afresh: both tiers of the page cache emptied."""
    from django.core.cache import cache

    from core.local_caches import clear_process_caches

    cache.clear()
    clear_process_caches()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def counts(client, count: int) -> dict[str, int]:
    names = build(count)
    return {url: count_queries(client, url.format(**names)) for url in URLS}


@pytest.mark.parametrize("url", URLS)
def test_query_count_does_not_grow_with_the_number_of_organisations(client, django_db_blocker, url):
    from actors.models import Actor
    from events.models import Event, Workshop
    from poles.models import Commune, Epci, Pole

    one = count_queries(client, url.format(**build(1)))
    Event.objects.all().delete()
    Workshop.objects.all().delete()
    Actor.objects.all().delete()
    Pole.objects.all().delete()
    Commune.objects.all().delete()
    Epci.objects.all().delete()
    fifty = count_queries(client, url.format(**build(50)))
    assert one == fifty, f"{url}: {one} queries with 1 organisation, {fifty} with 50"

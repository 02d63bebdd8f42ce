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
    crafted = {"q": f"eco&pole={pole.slug}"}  # ?q=eco%26pole%3D<slug>: one parameter, matching nothing

    assert names(session_client.get("/acteurs/", crafted)) == []
    real = session_client.get("/acteurs/", {"q": "eco", "pole": pole.slug})

    assert real.status_code == HTTPStatus.OK
    assert names(real) == ["Écolieu du Pays"]


# --- Pages: keyed on the parameters their view reads, never on the others ---------------------------

#: A URL of every page the page cache serves, by URL name (``directory`` fixture).
CACHED_PAGES = {
    "home": "/",
    "about": "/a-propos/",
    "robots": "/robots.txt",
    "sitemap": "/sitemap.xml",
    "poles:list": "/poles/",
    "poles:detail": "/poles/cades/",
    "actors:list": "/acteurs/",
    "actors:detail": "/acteurs/les-charpentiers-du-pays-de-redon/",
    "actors:map": "/carte/",
    "actors:embed": "/integrer/",
    "actors:open_data": "/donnees/",
    "legal_notice": "/mentions-legales/",
    "accessibility": "/accessibilite/",
    "events:list": "/evenements/",
}
#: A meaningful value for each parameter some public page reads…
KNOWN_VALUES = {
    "q": "bois",
    "pole": "cades",
    "sector": "culture",
    "family": "cooperative",
    "department": "35",
    "commune": "Rennes",
    "sort": "distance",
    "near": "35238",
    "bbox": "-5,47,-1,49",
    "page": "2",
    "embed": "1",
    "height": "300",
    "p": "1",
    "kind": "meeting",
    "workshop": "atelier-inconnu",
    "month": "2031-03",
    "vue": "mois",
    "format": "online",
}
#: … and parameters no page reads: campaign tags, click ids, guesses.
UNKNOWN_VALUES = {"utm_source": "lettre-mars", "fbclid": "IwAR0", "lang": "en", "output": "json", "x": "1"}


def cached_pages() -> dict[str, frozenset[str]]:
    """Every URL name whose view goes through the page cache, with the parameters it is keyed on."""
    from django.urls import URLResolver, get_resolver

    found = {}

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
                continue
            view = pattern.callback
            params = getattr(view, "public_cache_params", None)
            if params is None and hasattr(view, "view_class"):
                params = getattr(view.view_class.dispatch, "public_cache_params", None)
            if params is not None:
                found[f"{namespace}:{pattern.name}" if namespace else pattern.name] = params

    walk(get_resolver().url_patterns, "")
    return found


def fresh_caches():
    from django.core.cache import cache

    from core.local_caches import clear_process_caches

    cache.clear()
    clear_process_caches()


def pages_kept() -> int:
    """Pages in this process's tier of the page cache (the shared tier holds the same keys)."""
    from core.public_cache import _local_pages

    return len(_local_pages._values)


def test_every_cached_page_is_checked_here():
    assert set(cached_pages()) == set(CACHED_PAGES)
    assert set().union(*cached_pages().values()) <= set(KNOWN_VALUES)


@pytest.mark.parametrize("name", sorted(CACHED_PAGES))
def test_a_cached_page_is_the_page_its_url_shows_whatever_the_parameters(client, directory, name):
    """For each parameter, the page served once the cache holds the page without it is the page rendered
    afresh with it: a page whose content depends on a parameter its key leaves out fails here. And a
    parameter no page reads changes nothing on the page."""
    url = CACHED_PAGES[name]
    for parameter, value in {**KNOWN_VALUES, **UNKNOWN_VALUES}.items():
        fresh_caches()
        plain = client.get(url)
        served = client.get(url, {parameter: value})
        fresh_caches()
        rendered = client.get(url, {parameter: value})
        assert (served.status_code, served.content) == (rendered.status_code, rendered.content), (
            f"{url}?{parameter}={value} served another page than its own"
        )
        if parameter in UNKNOWN_VALUES:
            assert (rendered.status_code, rendered.content) == (plain.status_code, plain.content), (
                f"{url}?{parameter}={value} changed the page"
            )


def test_tracking_parameters_share_the_cached_page_of_the_url_without_them(client, directory):
    plain = client.get("/acteurs/")
    for n in range(200):
        response = client.get("/acteurs/", {"utm_source": f"campagne-{n}"})
        assert response.content == plain.content
    assert pages_kept() == 1


def test_the_parameters_a_page_reads_keep_their_own_entries(client, directory):
    first = client.get("/acteurs/", {"pole": "cades", "utm_source": "a"})
    second = client.get("/acteurs/", {"utm_medium": "b", "pole": "cades"})
    other = client.get("/acteurs/", {"pole": "adess-pays-de-brest"})

    assert names(first) == ["Les Charpentiers du Pays de Redon"]
    assert second.content == first.content  # served from the cache: the same page
    assert "Théâtre du Ponant" in other.content.decode()
    assert "Théâtre du Ponant" not in first.content.decode()
    assert pages_kept() == 2


def test_links_and_forms_of_a_page_carry_only_the_parameters_it_reads(client, directory):
    factories.ActorFactory.create_batch(25, pole=directory.redon)
    content = client.get("/acteurs/", {"pole": "cades", "utm_source": "lettre"}).content.decode()

    assert "utm_source" not in content
    assert 'name="next" type="hidden" value="/acteurs/?pole=cades"' in content
    assert "?pole=cades&amp;page=2" in content


def test_the_two_maps_sharing_a_path_keep_their_own_entries(client, directory):
    full = client.get("/carte/")
    embedded = client.get("/carte/", {"embed": "1"})

    assert 'class="site-header"' in full.content.decode()
    assert 'class="site-header"' not in embedded.content.decode()
    assert "X-Frame-Options" not in embedded and full["X-Frame-Options"] == "DENY"


# --- Map data --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/acteurs.geojson", "/api/poles.geojson"])
def test_map_data_is_keyed_on_its_filters_only(client, directory, path):
    plain = client.get(path)
    tagged = client.get(path, {"utm_source": "lettre", "bench": "1"})
    filtered = client.get(path, {"pole": "cades"})

    assert tagged.status_code == HTTPStatus.OK
    assert tagged["ETag"] == plain["ETag"]
    assert tagged.content == plain.content
    assert filtered["ETag"] != plain["ETag"]

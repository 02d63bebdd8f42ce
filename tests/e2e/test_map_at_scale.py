"""The map at scale in Chromium on a 375 px phone: clusters counted by the server, reachable with the
keyboard, split into organisations as one zooms in, and following the filters."""

import pytest
from playwright.sync_api import expect

from actors import map_clusters
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture
def network(db, monkeypatch):
    """Clusters from a handful of organisations (the site's threshold is 200): 12 in Brest, 6 in Redon."""
    monkeypatch.setattr(map_clusters, "POINTS_LIMIT", 3)
    adess = factories.PoleFactory(name="ADESS", slug="adess")
    cades = factories.PoleFactory(name="CADES", slug="cades")
    brest = factories.CommuneFactory(name="Brest", insee_code="29019", latitude=48.39, longitude=-4.49)
    redon = factories.CommuneFactory(name="Redon", insee_code="35236", latitude=47.65, longitude=-2.08)
    for i in range(12):
        factories.ActorFactory(
            name=f"Brestoise {i}", pole=adess, commune=brest, latitude=48.39 + i * 0.004, longitude=-4.49
        )
    for i in range(6):
        factories.ActorFactory(
            name=f"Redonnaise {i}", pole=cades, commune=redon, latitude=47.65, longitude=-2.08 + i * 0.004
        )


def cluster_counts(page) -> list[int]:
    return sorted(
        int(text.replace("\u202f", "")) for text in page.locator(".server-cluster span").all_inner_texts()
    )


def test_clusters_show_their_counts_and_open_with_the_keyboard_on_a_phone(page, live_server, network):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/carte/")
    expect(page.locator("#full-map[data-loaded]")).to_have_count(1)
    expect(page.locator(".server-cluster").first).to_be_visible()
    assert sum(cluster_counts(page)) == 18
    expect(page.locator(".map-status")).to_have_text("18 organisations dans cette zone de la carte")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    brest = page.locator(".server-cluster", has_text="12")
    expect(brest).to_have_attribute("role", "button")
    expect(brest).to_have_attribute("aria-label", "12 organisations ici : zoomer pour les voir")
    brest.focus()
    page.keyboard.press("Enter")
    # Zoomed in on Brest: its cluster splits, Redon is out of view.
    expect(page.locator(".server-cluster", has_text="12")).to_have_count(0)
    expect(page.locator("#full-map[data-total='12'][data-loaded]")).to_have_count(1)
    expect(page.locator(".map-status")).to_have_text("12 organisations dans cette zone de la carte")
    assert sum(cluster_counts(page)) < 12
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()


def test_the_filters_apply_to_the_clusters(page, live_server, network):
    page.goto(f"{live_server.url}/carte/?pole=cades")
    expect(page.locator("#full-map[data-loaded]")).to_have_count(1)
    expect(page.locator(".map-status")).to_have_text("6 organisations dans cette zone de la carte")
    assert page.locator("#full-map").get_attribute("data-total") == "6"
    assert sum(cluster_counts(page)) <= 6

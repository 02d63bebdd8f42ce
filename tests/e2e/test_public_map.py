"""The full-page map in a real browser: clustered markers, filters, popups leading to an organisation."""

import re

import pytest
from playwright.sync_api import expect

from actors.models import LegalForm
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """The site speaks French first: browse it as a French visitor."""
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture
def map_data(db):
    redon = factories.PoleFactory(name="CADES", slug="cades")
    brest = factories.PoleFactory(name="ADESS", slug="adess")
    commune = factories.CommuneFactory(name="Brest", insee_code="29019", latitude=48.39, longitude=-4.49)
    for i in range(30):
        factories.ActorFactory(
            name=f"Association brestoise {i}",
            pole=brest,
            commune=commune,
            latitude=48.39 + i * 0.001,
            longitude=-4.49 + i * 0.001,
        )
    return factories.ActorFactory(
        name="Les Charpentiers du Pays de Redon",
        legal_form=LegalForm.SCOP,
        pole=redon,
        commune=factories.CommuneFactory(name="Redon", insee_code="35236", latitude=47.65, longitude=-2.08),
    )


def test_map_shows_clusters_filters_and_popups_lead_to_the_organisation(page, live_server, map_data):
    page.goto(f"{live_server.url}/carte/")
    expect(page.locator(".marker-cluster").first).to_be_visible()
    expect(page.locator("#full-map[data-loaded]")).to_have_count(1)
    assert page.locator("#full-map").bounding_box()["height"] > 300
    expect(page.locator(".map-text-alternative")).to_contain_text("Association brestoise 0")

    page.select_option("#id_pole", "cades")
    page.get_by_role("button", name="Appliquer").click()
    expect(page).to_have_url(re.compile(r"/carte/\?.*pole=cades"))
    expect(page.locator("#full-map[data-loaded]")).to_have_count(1)
    expect(page.locator(".marker-cluster")).to_have_count(0)
    expect(page.locator(".map-text-alternative")).not_to_contain_text("Association brestoise")

    page.locator(".leaflet-marker-icon").first.click()
    popup_link = page.locator(".leaflet-popup-content a")
    expect(popup_link).to_have_text("Les Charpentiers du Pays de Redon")
    popup_link.click()
    expect(page).to_have_url(f"{live_server.url}/acteurs/{map_data.slug}/")
    expect(page.locator("h1")).to_contain_text("Les Charpentiers du Pays de Redon")


def test_embedded_map_loads_markers_without_the_site_chrome(page, live_server, map_data):
    page.goto(f"{live_server.url}/carte/?embed=1&pole=adess")
    expect(page.locator(".marker-cluster").first).to_be_visible()
    expect(page.locator("#embed-map[data-loaded]")).to_have_count(1)
    expect(page.locator(".site-header")).to_have_count(0)


def test_home_map_is_drawn_at_its_full_size(page, live_server, map_data):
    page.goto(f"{live_server.url}/")
    expect(page.locator("#home-map .marker-cluster").first).to_be_visible()
    expect(page.locator("#home-map[data-loaded]")).to_have_count(1)
    assert page.locator("#home-map").bounding_box()["height"] > 300

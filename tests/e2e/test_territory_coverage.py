"""A pole's territory and its coverage in a real browser, on a desktop and a 375 px phone: the coordinator
of one pole reads the territory (its real outline, intercommunalities and communes) and the members per
commune on the pole's admin page, edits the profile only; the visitor reads the same coverage on the
public page of the constituted pole. Both pages pass axe."""

import re

import pytest
from playwright.sync_api import expect

from core.public_cache import bump_data_version
from poles.models import Pole
from poles.services_backoffice import pole_territory_set
from tests import factories
from tests.e2e.conftest import admin_login, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture(params=sorted(VIEWPORTS))
def screen(request, page):
    page.set_viewport_size(VIEWPORTS[request.param])
    return page


@pytest.fixture
def pole(roles, places):
    pole = factories.PoleFactory(
        name="CADES", slug="cades", territory_name="pays de Redon", status=Pole.Status.CONSTITUTED
    )
    pole_territory_set(pole=pole, epcis=[places.agglo], communes=[])
    factories.ActorFactory(name="A", pole=pole, commune=places.redon)
    factories.ActorFactory(name="B", pole=pole, commune=places.redon)
    factories.ActorFactory(name="C", pole=pole, commune=places.bains)
    bump_data_version()
    return pole


def test_the_coordinator_reads_the_territory_and_its_coverage_and_edits_the_profile(
    screen, live_server, pole
):
    coordinator = factories.make_coordinator(pole, username="coordinatrice")
    admin_login(screen, live_server, coordinator)
    screen.goto(f"{live_server.url}/admin/poles/pole/{pole.pk}/change/")

    outline = screen.locator("#id-outline-map")
    expect(outline.locator(".leaflet-overlay-pane path").first).to_be_attached()  # the real outline
    expect(outline.locator(".leaflet-draw-toolbar")).to_have_count(0)
    territory = screen.locator(".territory-list")
    expect(territory).to_contain_text("CA Redon Agglomération")
    expect(territory.locator("summary")).to_have_text("3 communes")
    expect(territory).to_contain_text("Bains-sur-Oust, Redon, Sainte-Marie")

    coverage = screen.locator("#coverage")
    image = coverage.locator(".coverage-map img")
    expect(image).to_have_attribute("alt", re.compile(r"^Carte des membres par commune : .*Redon 2"))
    assert screen.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle())
    box = image.bounding_box()
    assert box["x"] + box["width"] <= screen.viewport_size["width"]  # fits a phone's width
    rows = coverage.locator(".coverage-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Redon")
    expect(coverage).to_contain_text("1 commune sans membre")
    coverage.locator(".coverage-communes summary").click()
    expect(coverage.locator(".coverage-communes")).to_contain_text("Sainte-Marie")
    assert axe_violations(screen) == []
    screen.screenshot(path=f"/tmp/maps-admin-{screen.viewport_size['width']}.png", full_page=True)

    screen.fill("#id_description", "Le pôle ESS du pays de Redon.")
    screen.locator("input[name=_save]").click()
    expect(screen.locator(".messagelist .success")).to_be_visible()
    pole.refresh_from_db()
    assert pole.description == "Le pôle ESS du pays de Redon."
    assert pole.epcis.count() == 1 and pole.outline is not None


def test_the_visitor_reads_a_constituted_poles_coverage(screen, live_server, pole):
    screen.goto(f"{live_server.url}/poles/cades/")
    section = screen.locator("section[aria-labelledby=coverage-title]")
    expect(section.locator("h2")).to_have_text("Couverture du territoire")
    expect(section).to_contain_text("Communes ayant au moins un membre : 2 sur 3")
    expect(section.locator(".coverage-table tbody tr")).to_have_count(2)
    expect(section.locator(".coverage-legend li")).to_have_text(
        ["0 membre", "1 membre", "de 2 à 4", "de 5 à 9", "10 ou plus"]
    )  # the classes in words, not colour alone
    # Nothing of the section makes the page scroll sideways.
    assert screen.evaluate("() => document.documentElement.scrollWidth") <= screen.viewport_size["width"]
    box = section.locator(".coverage-map img").bounding_box()
    assert box["x"] + box["width"] <= screen.viewport_size["width"]  # fits a phone's width
    assert axe_violations(screen) == []
    screen.screenshot(path=f"/tmp/maps-public-{screen.viewport_size['width']}.png", full_page=True)

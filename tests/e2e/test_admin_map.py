"""The admin's GDAL-free map widget in a real browser: a pole's territory set by the regional team and its
derived outline shown read-only, then drawn on the public page; an organisation's marker placed, saved
and found in the public map data; and a point placed with the keyboard alone."""

import json
import re

import pytest
from playwright.sync_api import expect

from actors.models import Actor
from poles.models import Pole
from tests import factories
from tests.e2e.conftest import admin_login, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Coordinators and visitors browse in French."""
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture
def data(db, places):
    user = factories.UserFactory(username="regionale", is_superuser=True)
    pole = factories.PoleFactory(name="CADES", slug="cades", acronym="CADES")
    actor = factories.ActorFactory(
        name="Les Charpentiers", slug="les-charpentiers", pole=pole, commune=places.redon
    )
    return user, pole, actor


def login(page, live_server, user):
    admin_login(page, live_server, user, PASSWORD)


def test_the_regional_team_sets_a_territory_and_its_derived_outline_shows_read_only_and_in_public(
    page, live_server, data
):
    user, pole, _actor = data
    login(page, live_server, user)

    change = f"{live_server.url}/admin/poles/pole/{pole.pk}/change/"
    page.goto(change)
    expect(page.locator("#id-outline-map.leaflet-container")).to_be_visible()
    expect(page.locator("#id-outline-map .leaflet-overlay-pane path")).to_have_count(0)  # no commune yet
    page.locator("#id_epcis_from").select_option(label="CA Redon Agglomération")
    page.locator("#id_epcis_add").click()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    outline = Pole.objects.get(pk=pole.pk).outline  # derived once the change was committed
    assert outline["type"] == "MultiPolygon"

    page.goto(change)
    outline_map = page.locator("#id-outline-map")
    expect(outline_map.locator(".leaflet-overlay-pane path").first).to_be_attached()
    expect(outline_map.locator(".leaflet-draw-toolbar")).to_have_count(0)  # shown, not editable
    assert page.locator("#id_outline").get_attribute("name") is None
    assert json.loads(page.locator("#id_outline").input_value()) == outline

    poles = page.request.get(f"{live_server.url}/api/poles.geojson").json()
    [feature] = [f for f in poles["features"] if f["properties"].get("name") == "CADES"]
    assert feature["geometry"] == outline

    page.goto(f"{live_server.url}/poles/cades/")
    expect(page.locator("#pole-map .leaflet-overlay-pane path").first).to_be_attached()
    drawn = page.locator("#pole-map .leaflet-overlay-pane path").first.get_attribute("d")
    assert drawn.count("L") > 10  # the communes' outline, not a box


def test_place_a_marker_then_find_it_on_the_public_map(page, live_server, data):
    user, _pole, actor = data
    login(page, live_server, user)

    page.goto(f"{live_server.url}/admin/actors/actor/{actor.pk}/change/")
    actor_map = page.locator("#id-position-map")
    expect(page.locator("#id_use_commune_position")).to_be_checked()
    actor_map.locator(".leaflet-draw-draw-marker").click()
    box = actor_map.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.4)
    expect(page.locator("#id_position")).not_to_have_value("")
    expect(page.locator("#id_use_commune_position")).not_to_be_checked()
    expect(page.get_by_label("Latitude", exact=True)).not_to_have_value("")  # the inputs follow the marker
    expect(page.get_by_label("Longitude", exact=True)).not_to_have_value("")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    actor = Actor.objects.get(pk=actor.pk)
    assert actor.latitude is not None and actor.longitude is not None

    actors = page.request.get(f"{live_server.url}/api/acteurs.geojson").json()
    [marker] = [f for f in actors["features"] if f["properties"]["name"] == "Les Charpentiers"]
    assert marker["geometry"]["coordinates"] == pytest.approx([actor.longitude, actor.latitude], abs=1e-5)
    assert marker["properties"]["approximate"] is False


def test_proposal_form_is_accessible_and_works_without_javascript(page, live_server, db):
    factories.CommuneFactory(name="Redon", insee_code="35236", postal_codes="35600")
    page.goto(f"{live_server.url}/acteurs/proposer/")
    assert axe_violations(page) == []
    page.fill("#id_name", "La Fabrique Solidaire")
    page.fill("#id_postal_code", "35600")
    page.fill("#id_commune_name", "redon")
    page.fill("#id_description", "Réparation de vélos.")
    page.fill("#id_proposer_name", "Camille Martin")
    page.fill("#id_proposer_email", "camille@example.org")
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.locator("h1")).to_have_text("Merci pour votre proposition")
    assert Actor.objects.get().review_status == Actor.Review.PENDING


def test_place_an_event_venue_by_clicking_then_dragging_the_marker(page, live_server, data):
    user, pole, _actor = data
    event = factories.EventFactory(pole=pole, title="Rencontre à Redon", commune=None)
    login(page, live_server, user)
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    event_map = page.locator("#id-position-map")
    expect(event_map.locator(".leaflet-draw-draw-marker")).to_be_visible()
    event_map.scroll_into_view_if_needed()
    box = event_map.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    expect(page.locator("#id_position")).not_to_have_value("")
    first = page.locator("#id_position").input_value()

    marker = event_map.locator(".leaflet-marker-icon")
    marker_box = marker.bounding_box()
    page.mouse.move(marker_box["x"] + marker_box["width"] / 2, marker_box["y"] + marker_box["height"] - 4)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.3, steps=8)
    page.mouse.up()
    expect(page.locator("#id_position")).not_to_have_value(first)
    dragged_to = json.loads(page.locator("#id_position").input_value())["coordinates"]
    assert float(page.get_by_label("Longitude", exact=True).input_value()) == pytest.approx(dragged_to[0])
    assert float(page.get_by_label("Latitude", exact=True).input_value()) == pytest.approx(dragged_to[1])
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    event.refresh_from_db()
    assert event.latitude is not None and event.longitude is not None
    dragged = json.loads(first)
    assert (event.longitude, event.latitude) != tuple(dragged["coordinates"])


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{selector} never received the focus from the keyboard")


def test_place_a_point_with_the_keyboard_only_and_find_it_on_the_public_map(page, live_server, data):
    user, _pole, actor = data
    login(page, live_server, user)
    page.goto(f"{live_server.url}/admin/actors/actor/{actor.pk}/change/")
    expect(page.locator("#id-position-map.leaflet-container")).to_be_visible()
    expect(page.locator("#id_position")).to_be_hidden()  # the GeoJSON is for the script, not for people
    expect(page.get_by_label("Latitude", exact=True)).to_have_attribute(
        "aria-describedby", re.compile("hint")
    )

    tab_to(page, "#id_position_latitude")
    page.keyboard.type("47.6512")
    page.keyboard.press("Tab")
    page.keyboard.type("-2.0843")
    # Typing moved the marker onto the map and unticked "use the commune's position".
    expect(page.locator("#id-position-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#id_use_commune_position")).not_to_be_checked()
    assert json.loads(page.locator("#id_position").input_value())["coordinates"] == [-2.0843, 47.6512]

    tab_to(page, "input[name=_save]")
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist .success")).to_be_visible()

    actors = page.request.get(f"{live_server.url}/api/acteurs.geojson").json()
    [marker] = [f for f in actors["features"] if f["properties"]["name"] == "Les Charpentiers"]
    assert marker["geometry"]["coordinates"] == pytest.approx([-2.0843, 47.6512])
    assert marker["properties"]["approximate"] is False


def test_a_half_typed_point_is_refused_with_an_error_announced_on_the_inputs(page, live_server, data):
    user, _pole, actor = data
    login(page, live_server, user)
    page.goto(f"{live_server.url}/admin/actors/actor/{actor.pk}/change/")
    tab_to(page, "#id_position_latitude")
    page.keyboard.type("47.65")
    tab_to(page, "input[name=_save]")
    page.keyboard.press("Enter")

    latitude = page.get_by_label("Latitude", exact=True)
    expect(latitude).to_have_attribute("aria-invalid", "true")
    error = page.locator("#id_position_error")
    expect(error).to_contain_text("Indiquez à la fois la latitude et la longitude")
    assert "id_position_error" in latitude.get_attribute("aria-describedby")
    assert not axe_violations(page)
    assert Actor.objects.get(pk=actor.pk).latitude is None

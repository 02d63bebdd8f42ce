"""The admin's map widget as a coordinator of one pole uses it, on a desktop and on a 375 px phone: its
tools speak French, a marker moved with Leaflet.draw's edit tool is kept by the form's own "Enregistrer"
(Leaflet.draw's "Terminer" never clicked), and the point follows the commune chosen in the autocomplete
until the coordinator places it."""

import json

import pytest
from playwright.sync_api import expect

from actors.models import Actor
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
def site(roles, places):
    pole = factories.PoleFactory(name="CADES", slug="cades", acronym="CADES")
    other = factories.PoleFactory(name="ADESS", slug="adess", acronym="ADESS")
    coordinator = factories.make_coordinator(pole, username="coordinatrice")
    placed = factories.ActorFactory(
        name="Les Charpentiers", pole=pole, commune=places.redon, latitude=47.65, longitude=-2.08
    )
    unplaced = factories.ActorFactory(name="La Ressourcerie", pole=pole, commune=places.redon)
    factories.ActorFactory(name="Autre pôle", pole=other, commune=places.redon)
    return coordinator, placed, unplaced


def open_change_page(page, live_server, user, actor):
    admin_login(page, live_server, user)
    page.goto(f"{live_server.url}/admin/actors/actor/{actor.pk}/change/")
    actor_map = page.locator("#id-position-map")
    expect(actor_map.locator(".leaflet-marker-icon")).to_have_count(1)
    actor_map.scroll_into_view_if_needed()
    return actor_map


def drag(page, locator, dx, dy):
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    # The marker's head: on a phone, Leaflet.draw's "Terminer"/"Annuler" bar may cover its tip.
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.3
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=8)
    page.mouse.up()


def choose_commune(page, name):
    page.locator("#id_commune + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill(name[:5])
    page.locator(".select2-results__option", has_text=name).click()


def test_the_map_tools_speak_french(screen, live_server, site):
    coordinator, placed, _unplaced = site
    actor_map = open_change_page(screen, live_server, coordinator, placed)
    expect(actor_map.locator(".leaflet-draw-draw-marker")).to_have_attribute("title", "Placer un marqueur")
    expect(actor_map.locator(".leaflet-draw-edit-edit")).to_have_attribute(
        "title", "Déplacer le marqueur ou les sommets"
    )
    expect(actor_map.locator(".leaflet-draw-edit-remove")).to_have_attribute("title", "Supprimer")
    expect(actor_map.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Zoomer")
    actor_map.locator(".leaflet-draw-edit-edit").click()
    actions = actor_map.locator(".leaflet-draw-actions a:visible")
    expect(actions).to_have_text(["Terminer", "Annuler"])
    expect(actor_map.locator(".leaflet-draw-tooltip")).to_contain_text("Faites glisser le marqueur")
    assert "Save" not in actor_map.inner_text() and "Cancel" not in actor_map.inner_text()


def test_a_marker_moved_with_the_edit_tool_is_saved_by_the_forms_own_button(screen, live_server, site):
    coordinator, placed, _unplaced = site
    actor_map = open_change_page(screen, live_server, coordinator, placed)
    actor_map.locator(".leaflet-draw-edit-edit").click()
    drag(screen, actor_map.locator(".leaflet-marker-icon"), 60, -40)
    moved = json.loads(screen.locator("#id_position").input_value())["coordinates"]
    assert moved != [-2.08, 47.65]  # written at once, before any "Terminer"
    assert float(screen.get_by_label("Latitude", exact=True).input_value()) == pytest.approx(moved[1])

    screen.locator("input[name=_save]").click()  # the form's own "Enregistrer", the edit tool still on
    expect(screen.locator(".messagelist .success")).to_be_visible()
    placed.refresh_from_db()
    assert (placed.longitude, placed.latitude) == pytest.approx(tuple(moved), abs=1e-6)
    assert placed.latitude > 47.65 and placed.longitude > -2.08  # up and to the right, as dragged


def test_a_removal_with_the_delete_tool_is_saved_by_the_forms_own_button(page, live_server, site):
    coordinator, placed, _unplaced = site
    actor_map = open_change_page(page, live_server, coordinator, placed)
    actor_map.locator(".leaflet-draw-edit-remove").click()
    actor_map.locator(".leaflet-marker-icon").click()
    expect(page.locator("#id_position")).to_have_value("")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    placed.refresh_from_db()
    assert placed.latitude is None and placed.longitude is None


def test_the_point_follows_the_chosen_commune_until_the_coordinator_places_it(
    screen, live_server, site, places
):
    coordinator, _placed, unplaced = site
    actor_map = open_change_page(screen, live_server, coordinator, unplaced)
    box = screen.locator("#id_use_commune_position")
    expect(box).to_be_checked()
    expect(actor_map.locator(".leaflet-marker-icon")).to_have_attribute("title", "Position de la commune")

    choose_commune(screen, "Bains-sur-Oust")
    marker = actor_map.locator(".leaflet-marker-icon")
    expect(marker).to_have_count(1)
    expect(box).to_be_checked()
    # The marker stands on Bains-sur-Oust: a tiny drag makes it the coordinator's point, next to Bains.
    drag(screen, marker, 8, 0)
    expect(box).not_to_be_checked()
    latitude = float(screen.get_by_label("Latitude", exact=True).input_value())
    longitude = float(screen.get_by_label("Longitude", exact=True).input_value())
    assert latitude == pytest.approx(places.bains.latitude, abs=0.01)
    assert longitude == pytest.approx(places.bains.longitude, abs=0.01)

    # A later change of commune recentres the map but leaves the coordinator's point where it is.
    choose_commune(screen, "Sainte-Marie")
    expect(screen.locator("[data-commune-note]")).to_be_visible()
    assert float(screen.get_by_label("Latitude", exact=True).input_value()) == latitude
    screen.locator("input[name=_save]").click()
    expect(screen.locator(".messagelist .success")).to_be_visible()
    unplaced = Actor.objects.get(pk=unplaced.pk)
    assert unplaced.commune == places.sainte_marie
    assert unplaced.latitude == pytest.approx(latitude) and unplaced.longitude == pytest.approx(longitude)

    # Ticking the box is the coordinator's action that puts the point back on the commune.
    screen.goto(f"{live_server.url}/admin/actors/actor/{unplaced.pk}/change/")
    screen.locator("#id_use_commune_position").check()
    expect(screen.get_by_label("Latitude", exact=True)).to_have_value("")
    expect(actor_map.locator(".leaflet-marker-icon")).to_have_attribute("title", "Position de la commune")
    assert axe_violations(screen) == []
    screen.locator("input[name=_save]").click()
    expect(screen.locator(".messagelist .success")).to_be_visible()
    unplaced = Actor.objects.get(pk=unplaced.pk)
    assert unplaced.latitude is None and unplaced.commune == places.sainte_marie

"""The back-office in the network's colours, in Chromium, as the coordinator of one pole: the login page,
the dashboard, an organisation's change form with its map widget and the organisations' change list
carry the public site's green (computed colours, no screenshot), no colour-contrast violation (axe),
light only whatever the system prefers, no CSP error from the theme — and the map widget and the scoping still work."""

import pytest
from playwright.sync_api import expect

from ess_portal.management.commands.setup_roles import roles_setup
from tests import factories
from tests.e2e.conftest import admin_login, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

BRAND = "rgb(11, 93, 59)"  # static/css/site.css --brand
BRAND_DARK = "rgb(7, 61, 39)"  # --brand-dark
WHITE = "rgb(255, 255, 255)"


def style(page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(f"e => getComputedStyle(e).getPropertyValue('{prop}')")


def contrast_problems(page) -> list:
    return [v for v in axe_violations(page) if v["id"] == "color-contrast"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_coordinator_sees_the_networks_colours_on_every_kind_of_admin_page(
    browser, live_server, places, scheme
):
    roles_setup()
    pole = factories.PoleFactory(name="CADES", acronym="CADES", slug="cades")
    other = factories.PoleFactory(name="Pôle Bravo", acronym="BRAVO", slug="bravo")
    user = factories.make_coordinator(pole, username="coordinatrice")
    mine = factories.ActorFactory(name="Les Charpentiers", pole=pole, commune=places.redon)
    factories.ActorFactory(name="Coopérative Bravo", pole=other, commune=places.redon)
    context = browser.new_context(locale="fr-FR", color_scheme=scheme)
    page = context.new_page()
    problems = []
    # Map tiles fail to load (no internet on the machines): only the CSP's refusals count here.
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(f"{live_server.url}/admin/login/")
    assert style(page, "#header", "background-color") == BRAND
    assert style(page, "#site-name a", "color") == WHITE
    expect(page.locator("#site-name")).to_contain_text("ESS Bretagne")
    assert style(page, "input[type=submit]", "background-color") == BRAND
    assert contrast_problems(page) == []

    admin_login(page, live_server, user)
    page.goto(f"{live_server.url}/admin/")
    assert style(page, "#header", "background-color") == BRAND
    assert style(page, "body", "background-color") == WHITE  # light, even when the system prefers dark
    expect(page.locator(".theme-toggle")).to_have_count(0)
    assert contrast_problems(page) == []

    page.goto(f"{live_server.url}/admin/actors/actor/")
    expect(page.locator("#result_list")).to_contain_text("Les Charpentiers")
    expect(page.locator("#result_list")).not_to_contain_text("Coopérative Bravo")  # scoping holds
    assert style(page, "div.breadcrumbs", "background-color") == BRAND_DARK
    assert style(page, "#result_list tbody a", "color") == BRAND
    expect(page.get_by_role("link", name="Ajouter une organisation")).to_be_visible()
    assert contrast_problems(page) == []

    assert problems == []  # the theme is a stylesheet: the CSP holds on these pages

    page.goto(f"{live_server.url}/admin/actors/actor/{mine.pk}/change/")
    expect(page.locator(".leaflet-container").first).to_be_visible()  # the map widget draws
    assert style(page, "input[name=_save]", "background-color") == BRAND_DARK
    assert contrast_problems(page) == []
    context.close()

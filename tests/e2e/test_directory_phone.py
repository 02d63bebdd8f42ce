"""On a 375 px phone, in Chromium: a compact header whose menu opens from a button (keyboard, no
script needed), the directory's results before its folded filters, a pole's page with its events
before every (paged) member, and "Signaler une erreur" from an organisation's page to the pole."""

import pytest
from django.core import mail

from actors.models import ErrorReport
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def pole():
    pole = factories.PoleFactory(name="CADES", slug="cades")
    commune = factories.CommuneFactory(name="Redon")
    for n in range(35):
        factories.ActorFactory(name=f"Membre {n:02d}", pole=pole, commune=commune)
    factories.EventFactory(pole=pole, title="Rencontre des membres")
    return pole


@pytest.mark.parametrize("javascript", [True, False])
def test_the_phone_header_menu_opens_from_a_button(browser, live_server, pole, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/acteurs/")
    menu = page.locator(".menu-button")
    link = page.get_by_role("link", name="Événements", exact=True)
    assert menu.is_visible()
    assert not link.is_visible()
    menu.focus()
    page.keyboard.press("Enter")
    assert link.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


def test_the_desktop_header_shows_its_menu_without_a_button(page, live_server, pole):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/acteurs/")
    assert not page.locator(".menu-button").is_visible()
    assert (
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Carte").is_visible()
    )
    assert page.locator("#id_q").is_visible()  # the filters are shown, not folded


def test_on_a_phone_the_results_come_before_the_folded_filters(page, live_server, pole):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/acteurs/")
    first_result = page.locator(".actor-list li").first
    assert first_result.is_visible()
    assert first_result.bounding_box()["y"] < PHONE["height"]  # in the first screen
    assert not page.locator("#id_q").is_visible()
    page.locator(".filters-panel > summary").click()
    page.locator("#id_q").fill("membre 07")
    page.locator("#id_q").press("Enter")
    page.wait_for_url("**q=membre*")
    assert page.locator(".actor-list li").all_inner_texts()[0].startswith("Membre 07")


def test_a_poles_page_lists_events_before_every_paged_member(page, live_server, pole):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{pole.get_absolute_url()}")
    events = page.locator("#events-title").bounding_box()["y"]
    members = page.locator("#members-title")
    assert events < members.bounding_box()["y"]
    assert "35" in members.inner_text()
    assert page.locator(".pole-members .actor-list li").count() == 30
    page.get_by_role("link", name="Page suivante").click()
    assert page.locator(".pole-members .actor-list li").all_inner_texts()[-1].startswith("Membre 34")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_error_is_reported_from_a_phone_with_the_keyboard(
    page, live_server, settings, roles, eager_celery
):
    settings.RATELIMIT_ENABLE = False
    pole = factories.PoleFactory(name="Réso-solidaire")
    coordinator = factories.make_coordinator(pole, username="coord-reso")
    actor = factories.ActorFactory(name="Café des Possibles", pole=pole)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{actor.get_absolute_url()}")
    page.get_by_role("link", name="Signaler une erreur sur la page de Café des Possibles").click()
    page.get_by_label("Qu’est-ce qui est inexact ?").fill("Le café a déménagé rue de Nantes.")
    page.get_by_label("Votre courriel (facultatif)").fill("lea@example.org")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Envoyer le signalement").press("Enter")
    assert page.get_by_role("heading", name="Merci pour votre signalement").is_visible()
    report = ErrorReport.objects.get()
    assert (report.actor, report.email) == (actor, "lea@example.org")
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

"""Accessibility of the flows, in a real browser: axe-core finds no WCAG 2.1 A/AA violation on the pages
that other browser tests do not already check (registration pages in every state, forms showing their
errors, error pages, the back-office), a registration can be made with the keyboard alone, and no public
page scrolls sideways on a 375 px wide phone."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.template import loader
from django.utils import timezone
from playwright.sync_api import expect

from actors.models import LegalForm
from ess_portal.management.commands.setup_roles import roles_setup
from events.models import Registration
from tests import factories
from tests.e2e.conftest import admin_login, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """The site speaks French first: browse it as a French visitor."""
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture
def site(db):
    """A pole with members, a workshop and its session, and one registration in each state. Names are long
    on purpose: they are what breaks a narrow layout."""
    pole = factories.PoleFactory(
        name="Pôle de développement de l’économie sociale et solidaire du pays de Redon",
        slug="cades",
        acronym="CADES",
        territory_name="pays de Redon",
    )
    commune = factories.CommuneFactory(name="Saint-Nicolas-de-Redon", latitude=47.64, longitude=-2.07)
    actor = factories.ActorFactory(
        name="Société coopérative d’intérêt collectif des charpentiers et couvreurs du pays de Redon",
        slug="scic-charpentiers",
        legal_form=LegalForm.SCIC,
        pole=pole,
        commune=commune,
        email="contact-charpente-ecologique@scic-charpentiers-du-pays-de-redon.example.org",
        website="https://www.scic-charpentiers-du-pays-de-redon.example.org/presentation/",
        latitude=47.65,
        longitude=-2.08,
    )
    factories.ActorFactory.create_batch(3, pole=pole, commune=commune)
    workshop = factories.WorkshopFactory(pole=pole, title="Atelier éco-construction et matériaux biosourcés")
    workshop.participants.add(actor)
    event = factories.EventFactory(
        pole=pole,
        workshop=workshop,
        title="Visite d’un chantier de maison en ossature bois et paille à Saint-Nicolas-de-Redon",
        slug="visite-chantier-paille",
        commune=commune,
        latitude=47.64,
        longitude=-2.07,
        capacity=20,
    )
    factories.EventFactory(
        pole=pole,
        title="Assemblée générale passée",
        starts_at=timezone.now() - timedelta(days=30),
    )
    registrations = {
        status: factories.RegistrationFactory(
            event=event,
            status=status,
            full_name="Anne-Marie Le Goff-Kerhervé",
            email=f"anne-marie.le-goff-kerherve.{status}@association-tres-longue.example.org",
            token=f"jeton-{status}",
            organisation=actor,
        )
        for status in Registration.Status.values
    }
    return {
        "pole": pole,
        "actor": actor,
        "workshop": workshop,
        "event": event,
        "registrations": registrations,
    }


def _format(violations) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


def assert_no_violation(page):
    violations = axe_violations(page)
    assert not violations, _format(violations)


def assert_fields_announce_their_errors(page):
    """Every invalid control says so (aria-invalid) and points at an error message that exists."""
    invalid = page.locator("main [aria-invalid=true]")
    assert invalid.count() > 0
    for index in range(invalid.count()):
        control = invalid.nth(index)
        described = (control.get_attribute("aria-describedby") or "").split()
        errors = [ref for ref in described if ref.endswith("_error")]
        assert errors, f"{control.get_attribute('name')} is invalid but no error message describes it"
        expect(page.locator(f"#{errors[0]}")).not_to_be_empty()


def login(page, live_server, user):
    admin_login(page, live_server, user, PASSWORD)


# ------------------------------------------------------------------------------------------------ axe


@pytest.mark.parametrize("status", ["confirmed", "waitlisted", "cancelled"])
def test_registration_page_in_each_state_has_no_wcag_violation(page, live_server, site, status):
    page.goto(f"{live_server.url}/inscription/jeton-{status}/")
    expect(page.locator(".registration-status")).to_have_class(f"registration-status status-{status}")
    assert_no_violation(page)


def test_registration_form_with_errors_has_no_wcag_violation_and_ties_errors_to_fields(
    page, live_server, site
):
    page.goto(live_server.url + site["event"].get_absolute_url())
    page.get_by_role("button", name="S’inscrire").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Corrigez les erreurs ci-dessous")
    expect(summary).to_be_focused()  # read first, and scrolled into view, without any script
    assert page.title().startswith("Erreur :")
    expect(page.get_by_label("Prénom et nom")).to_have_attribute("aria-invalid", "true")
    assert_fields_announce_their_errors(page)
    assert_no_violation(page)

    page.keyboard.press("Tab")  # the summary's first link leads to the field
    page.keyboard.press("Enter")
    expect(page.get_by_label("Prénom et nom")).to_be_focused()


def test_proposal_form_with_errors_has_no_wcag_violation_and_ties_errors_to_fields(page, live_server, site):
    page.goto(f"{live_server.url}/acteurs/proposer/")
    page.get_by_role("button", name="Envoyer la proposition").click()

    expect(page.get_by_role("alert")).to_contain_text("Corrigez les erreurs ci-dessous")
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Nom de l’organisation")).to_have_attribute("aria-invalid", "true")
    assert_fields_announce_their_errors(page)
    assert_no_violation(page)


def test_not_found_page_is_french_and_has_no_wcag_violation(page, live_server, site):
    response = page.goto(f"{live_server.url}/acteurs/cette-organisation-n-existe-pas/")

    assert response.status == HTTPStatus.NOT_FOUND
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    expect(page.get_by_role("link", name="Annuaire des organisations")).to_be_visible()
    assert_no_violation(page)


def test_too_many_registrations_page_has_no_wcag_violation(page, live_server, site, settings):
    settings.REGISTRATION_RATE = "1/h"
    page.goto(live_server.url + site["event"].get_absolute_url())
    page.get_by_role("button", name="S’inscrire").click()  # counted, even though the form is empty
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_role("button", name="S’inscrire").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Trop de tentatives")
    assert_no_violation(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_server_error_page_needs_no_database_and_has_no_wcag_violation(
    page, live_server, site, django_assert_num_queries
):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()  # no request, no context processors
    page.goto(f"{live_server.url}/confidentialite/")  # same origin, so the page's style sheet loads
    page.set_content(html)

    expect(page.get_by_role("heading", level=1)).to_have_text("Désolé, une erreur s’est produite")
    assert_no_violation(page)


def test_admin_login_page_has_no_wcag_violation(page, live_server, db):
    page.goto(f"{live_server.url}/admin/login/")
    expect(page.get_by_label("Nom d’utilisateur")).to_be_visible()
    assert_no_violation(page)


@pytest.fixture
def coordinator(site):
    roles_setup()
    return factories.make_coordinator(site["pole"], username="coord-cades")


def test_admin_index_of_a_coordinator_has_no_wcag_violation(page, live_server, coordinator):
    login(page, live_server, coordinator)
    expect(page.locator(".backoffice-dashboard")).to_be_visible()
    assert_no_violation(page)


def test_admin_change_form_of_an_organisation_has_no_wcag_violation(page, live_server, site, coordinator):
    login(page, live_server, coordinator)
    page.goto(f"{live_server.url}/admin/actors/actor/{site['actor'].pk}/change/")
    expect(page.locator("#id-position-map.leaflet-container")).to_be_visible()
    expect(page.locator(".select2-container").first).to_be_visible()  # autocompletes are built
    assert_no_violation(page)


def test_admin_change_form_of_an_event_labels_its_date_and_time_inputs(page, live_server, site, coordinator):
    login(page, live_server, coordinator)
    page.goto(f"{live_server.url}/admin/events/event/{site['event'].pk}/change/")
    expect(page.get_by_label("Heure").first).to_be_visible()
    assert_no_violation(page)


# ---------------------------------------------------------------------------------------------- keyboard


def focused(page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never received the focus from the keyboard")


def test_register_with_the_keyboard_alone(page, live_server, site):
    page.goto(live_server.url + site["event"].get_absolute_url())
    page.wait_for_selector("#event-map.leaflet-container")

    page.keyboard.press("Tab")
    assert focused(page, ".skip-link")
    expect(page.locator(".skip-link")).to_be_visible()  # shown when focused
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page, "main *"), "the skip link must lead past the header into the content"

    tab_to(page, "#id_full_name")
    page.keyboard.type("Anne Le Goff")
    page.keyboard.press("Tab")
    assert focused(page, "#id_email")
    page.keyboard.type("anne@example.org")
    page.keyboard.press("Tab")
    assert focused(page, "#id_organisation")
    page.keyboard.press("Tab")
    assert focused(page, "#id_organisation_name")
    page.keyboard.press("Shift+Tab")  # back to the member organisations, and choose one
    assert focused(page, "#id_organisation")
    page.keyboard.press("End")  # the last member in alphabetical order
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page, "#id_consent")
    page.keyboard.press("Space")
    expect(page.locator("#id_consent")).to_be_checked()
    tab_to(page, "button[type=submit]")
    assert page.evaluate("document.activeElement.textContent").strip() == "S’inscrire"
    page.keyboard.press("Enter")

    expect(page.get_by_text("C’est presque fini")).to_be_visible()
    registration = Registration.objects.get(email="anne@example.org")
    assert registration.status == Registration.Status.PENDING
    assert registration.full_name == "Anne Le Goff"
    assert registration.organisation == site["actor"]


def test_focus_is_visible_on_links_buttons_and_fields(page, live_server, site):
    page.goto(live_server.url + site["event"].get_absolute_url())
    for selector in (".skip-link", ".main-nav a", "#id_full_name", "button[type=submit]"):
        tab_to(page, selector, limit=120)
        outline = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
        )
        assert outline[0] != "none" and outline[1] != "0px", f"{selector} shows no focus: {outline}"


# ------------------------------------------------------------------------------------------------ phone

PUBLIC_PAGES = [
    "/",
    "/poles/",
    "/poles/cades/",
    "/acteurs/",
    "/acteurs/?q=charpente&pole=cades",
    "/acteurs/scic-charpentiers/",
    "/carte/",
    "/carte/?embed=1",
    "/integrer/",
    "/donnees/",
    "/evenements/",
    "/evenements/archives/",
    "/evenements/visite-chantier-paille/",
    "/inscription/jeton-pending/",
    "/inscription/jeton-confirmed/",
    "/inscription/jeton-waitlisted/",
    "/inscription/jeton-cancelled/",
    "/ateliers/{workshop}/",
    "/confidentialite/",
    "/acteurs/proposer/",
    "/page-qui-n-existe-pas/",
]


@pytest.mark.parametrize("width", [375, 320])  # a common phone, and WCAG 1.4.10's reflow width
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_does_not_scroll_sideways_on_a_phone(page, live_server, site, path, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + path.format(workshop=site["workshop"].slug))
    if page.locator(".leaflet-container, .js-map").count():
        page.wait_for_timeout(300)  # let the map draw its controls

    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{path} is {width[0]} px wide on a {width[1]} px screen"


def test_registration_form_uses_the_phone_width_and_the_consent_box_sits_by_its_label(
    page, live_server, site
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + site["event"].get_absolute_url())

    name = page.get_by_label("Prénom et nom").bounding_box()
    main = page.locator("main .container").first.bounding_box()
    assert name["width"] >= main["width"] - 2 * 16 - 1  # the whole width inside the page margins
    assert name["height"] >= 44
    box = page.locator("#id_consent").bounding_box()
    label = page.locator("label[for=id_consent]").bounding_box()
    assert abs(box["y"] - label["y"]) < 12 and box["x"] < label["x"]  # side by side, box first
    submit = page.get_by_role("button", name="S’inscrire").bounding_box()
    assert submit["height"] >= 44


# ------------------------------------------------------------------------------------ without JavaScript


def test_register_without_javascript(browser, live_server, site):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + site["event"].get_absolute_url())
    expect(page.locator("#event-map")).not_to_have_class("leaflet-container")  # no script ran

    page.get_by_label("Prénom et nom").fill("Yann Le Bihan")
    page.get_by_label("E-mail").fill("yann@example.org")
    page.get_by_label("Ou le nom de votre organisation").fill("Collectif des jardins")
    page.get_by_label("J’accepte que le pôle traite ces informations").check()
    page.get_by_role("button", name="S’inscrire").click()

    expect(page.get_by_text("C’est presque fini")).to_be_visible()
    assert Registration.objects.get(email="yann@example.org").organisation_name == "Collectif des jardins"
    context.close()


def test_a_form_sent_without_its_cookie_gets_a_french_accessible_page(page, live_server, site):
    page.goto(live_server.url + site["event"].get_absolute_url())
    page.context.clear_cookies()  # a browser that refuses cookies
    page.get_by_label("Prénom et nom").fill("Yann Le Bihan")
    page.get_by_role("button", name="S’inscrire").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Le formulaire n’a pas pu être envoyé")
    expect(page.get_by_text("autorisez-les pour ce site")).to_be_visible()
    assert_no_violation(page)
    assert not Registration.objects.filter(full_name="Yann Le Bihan").exists()


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/actors/actor/{actor}/change/", "/admin/events/event/{event}/change/"]
)
def test_back_office_pages_do_not_scroll_sideways_on_a_phone(page, live_server, site, coordinator, path):
    factories.RegistrationFactory(event=site["event"], status=Registration.Status.PENDING)
    login(page, live_server, coordinator)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + path.format(actor=site["actor"].pk, event=site["event"].pk))

    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{path} is {width[0]} px wide on a {width[1]} px screen"

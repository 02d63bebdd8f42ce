"""The Content Security Policy in a real browser: every page with a map draws it, and Chromium reports no
violation and no console error, on the public site, the embeddable map and the admin's map forms.
The embeddable map can be framed by another site; nothing else can."""

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import admin_login

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"

# Installed before any script of the page runs: records what the policy blocks.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") + " " + (event.sample || "")
  );
});
"""


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture
def watched_page(page):
    """The test page, recording policy violations and console errors and warnings."""
    page.console_problems = []
    page.on(
        "console",
        lambda message: (
            page.console_problems.append(f"{message.type}: {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def assert_clean(page):
    """No violation in this document and no console error or warning since the test began."""
    assert page.evaluate("window.__cspViolations") == [], page.url
    assert page.console_problems == [], page.url


@pytest.fixture
def site(db):
    commune = factories.CommuneFactory(name="Redon", insee_code="35236", latitude=47.65, longitude=-2.08)
    pole = factories.PoleFactory(
        name="CADES",
        slug="cades",
        acronym="CADES",
        outline={
            "type": "MultiPolygon",
            "coordinates": [[[[-2.2, 47.6], [-1.9, 47.6], [-1.9, 47.8], [-2.2, 47.8], [-2.2, 47.6]]]],
        },
    )
    actor = factories.ActorFactory(
        name="Les Charpentiers",
        slug="les-charpentiers",
        pole=pole,
        commune=commune,
        latitude=47.651,
        longitude=-2.081,
    )
    event = factories.EventFactory(
        pole=pole, title="Rencontre éco-construction", slug="rencontre-eco-construction", commune=commune
    )
    superuser = factories.UserFactory(username="regionale", is_superuser=True)
    return {"pole": pole, "actor": actor, "event": event, "superuser": superuser}


def expect_map_drawn(page, selector=".leaflet-container"):
    map_box = page.locator(selector).first
    expect(map_box).to_be_visible()
    expect(map_box.locator(".leaflet-tile-pane")).to_have_count(1)
    return map_box


def test_public_pages_draw_their_maps_without_any_policy_violation(watched_page, live_server, site):
    page = watched_page

    page.goto(f"{live_server.url}/")
    expect(expect_map_drawn(page).locator(".leaflet-marker-icon").first).to_be_visible()
    assert_clean(page)

    page.goto(f"{live_server.url}/carte/")
    expect(expect_map_drawn(page).locator(".leaflet-marker-icon").first).to_be_visible()
    expect(page.locator(".leaflet-overlay-pane path").first).to_be_attached()  # the pole's outline
    assert_clean(page)

    page.goto(f"{live_server.url}{site['actor'].get_absolute_url()}")
    expect(expect_map_drawn(page).locator(".leaflet-marker-icon")).to_have_count(1)
    assert_clean(page)

    page.goto(f"{live_server.url}{site['pole'].get_absolute_url()}")
    expect(expect_map_drawn(page).locator(".leaflet-overlay-pane path").first).to_be_attached()
    assert_clean(page)


def test_the_event_map_runs_its_nonced_script_on_every_visit(watched_page, live_server, site):
    page = watched_page
    for _visit in range(2):  # a second visit must get a fresh nonce, not a cached page with a stale one
        page.goto(f"{live_server.url}{site['event'].get_absolute_url()}")
        expect(expect_map_drawn(page, "#event-map").locator(".leaflet-marker-icon")).to_have_count(1)
        assert_clean(page)


@pytest.fixture
def partner_site(live_server):
    """Another site, on another origin of this machine, whose page frames the embeddable map and the full
    map. A real local server: Chromium refuses to let a page it considers public frame a local one."""
    embed_url = f"{live_server.url}/carte/?embed=1"
    body = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Partenaire</title></head><body>'
        f'<iframe id="embed" title="Carte intégrée" src="{embed_url}"></iframe>'
        f'<iframe id="full" title="Carte complète" src="{live_server.url}/carte/"></iframe></body></html>'
    ).encode()

    class PartnerPage(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), PartnerPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}/", "origin": live_server.url}
    server.shutdown()
    server.server_close()


def test_the_embeddable_map_can_be_framed_by_another_site_and_the_full_map_cannot(
    watched_page, partner_site, site
):
    page = watched_page
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "frame-ancestors" in message.text else None,
    )

    page.goto(partner_site["url"])

    embedded = page.frame_locator("#embed")
    expect(embedded.locator(".leaflet-container .leaflet-marker-icon").first).to_be_visible()
    expect(page.frame_locator("#full").locator(".leaflet-container")).to_have_count(0)
    assert len(refused) == 1, refused  # the full map, by its own policy
    assert "frame-ancestors 'none'" in refused[0] and partner_site["origin"] in refused[0], refused
    embed_frame = next(frame for frame in page.frames if "embed=1" in frame.url)
    assert embed_frame.evaluate("window.__cspViolations") == []


def test_admin_login_and_map_widgets_run_without_any_policy_violation(watched_page, live_server, site):
    page = watched_page
    page.goto(f"{live_server.url}/admin/login/")
    assert_clean(page)
    admin_login(page, live_server, site["superuser"], PASSWORD)
    assert_clean(page)

    page.goto(f"{live_server.url}/admin/poles/pole/{site['pole'].pk}/change/")
    outline_map = expect_map_drawn(page, "#id-outline-map")
    expect(outline_map.locator(".leaflet-overlay-pane path").first).to_be_attached()
    expect(outline_map.locator(".leaflet-draw-toolbar")).to_have_count(0)  # derived: shown read-only
    assert_clean(page)

    page.goto(f"{live_server.url}/admin/actors/actor/{site['actor'].pk}/change/")
    position_map = expect_map_drawn(page, "#id-position-map")
    expect(position_map.locator(".leaflet-marker-icon")).to_have_count(1)
    page.locator("#id_commune").locator("xpath=..").locator(".select2-selection").click()
    page.keyboard.type("Red")
    expect(page.locator(".select2-results__option", has_text="Redon")).to_be_visible()
    assert_clean(page)

    page.goto(f"{live_server.url}/admin/actors/actor/?pole__id__exact={site['pole'].pk}")
    expect(page.locator("#result_list")).to_contain_text("Les Charpentiers")
    assert_clean(page)

    page.goto(f"{live_server.url}/admin/events/event/{site['event'].pk}/change/")
    expect_map_drawn(page)
    assert_clean(page)

"""Browser tests: Playwright for Python driving Debian's Chromium (Playwright's own download does not
work on the project's machines). Map tiles are blocked: the machines have no internet."""

import os
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS, "headless": True}


@pytest.fixture
def page(page):
    """A page that answers tile and any other off-machine request with an empty response."""

    def handle(route):
        host = route.request.url.split("/")[2]
        if host.startswith(("127.0.0.1", "localhost")):
            route.continue_()
        else:
            route.fulfill(status=204, body="")

    page.route("**/*", handle)
    page.set_default_timeout(15_000)
    return page


def axe_violations(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")) -> list[dict]:
    """Run axe-core in the page and return the WCAG 2.1 A/AA violations."""
    # Evaluated through the DevTools protocol: a <script> tag would be refused by the site's CSP.
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(tags))
    return result["violations"]


def admin_login(page, live_server, user, password="correct horse battery staple"):
    """Log in to the back office through its pages, as a person does: the password, then, for an
    account that must use a second factor, the code its authenticator app shows (the device is made
    for the account if it has none, as its enrolment would have)."""
    from playwright.sync_api import expect

    from accounts.policy import otp_required
    from tests import factories

    device = None
    if otp_required(user):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or factories.totp_device(user)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.locator("input[type=submit]").click()
    if device is not None:
        page.fill("#id_code", factories.totp_code(device))
        page.locator("#code-form input[type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()

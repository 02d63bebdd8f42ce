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

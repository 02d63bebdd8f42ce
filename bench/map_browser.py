"""The map's first view in a real browser: bytes transferred and time to draw, from the Performance API.

Run by ``bench/run.sh`` after the load scenarios, against the benchmark's gunicorn (``BENCH_PORT``).
Drives Debian's Chromium through Playwright (the browser tests' driver, already a development
dependency), headless, with a cold browser cache for each page and map tiles answered empty (no
internet here; tiles are the tile server's, not the portal's). For ``/carte/`` and ``/`` on a desktop
window and on a 375 px phone it prints what the page transferred (``transferSize`` of the navigation and
of every resource, so compressed bytes as they crossed the network) and when the map showed its final
view (the ``performance.mark`` that ``static/js/actors-map.js`` sets once the organisations are drawn).
Targets (issue 12): at most 500 KB and 2 s; exits non-zero when one is missed.
"""

from __future__ import annotations

import os
import sys

from playwright.sync_api import sync_playwright

HOST = os.environ.get("BENCH_HOST", "127.0.0.1")
PORT = int(os.environ.get("BENCH_PORT", "8190"))
CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAX_BYTES = 500_000
MAX_DRAW_MS = 2000
PAGES = [("/carte/", "full-map"), ("/", "home-map")]
WINDOWS = {"desktop 1280×800": {"width": 1280, "height": 800}, "phone 375×740": {"width": 375, "height": 740}}

MEASURE = """(mapId) => {
  const entries = [performance.getEntriesByType("navigation")[0], ...performance.getEntriesByType("resource")];
  const drawn = performance.getEntriesByName(mapId + "-drawn")[0];
  const bytes = entries.reduce((sum, entry) => sum + (entry.transferSize || 0), 0);
  const data = performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/"));
  return {
    bytes, drawn: drawn ? drawn.startTime : null, requests: entries.length,
    api: data.map((e) => [e.name.replace(location.origin, ""), e.transferSize, Math.round(e.duration)]),
  };
}"""


def measure(browser, path: str, map_id: str, viewport: dict) -> dict:
    context = browser.new_context(viewport=viewport, locale="fr-FR")
    page = context.new_page()

    def route(route):
        if route.request.url.split("/")[2].startswith((HOST, "localhost")):
            route.continue_()
        else:  # map tiles
            route.fulfill(status=204, body="")

    page.route("**/*", route)
    page.goto(f"http://{HOST}:{PORT}{path}")
    page.wait_for_function(
        "(id) => performance.getEntriesByName(id + '-drawn').length > 0", arg=map_id, timeout=30_000
    )
    result = page.evaluate(MEASURE, map_id)
    context.close()
    return result


def main() -> int:
    failed = False
    print("== the map's first view in Chromium (cold cache, tiles not counted)", flush=True)
    print("| page | window | transferred KB | map drawn at ms | requests | target |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    details = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        for path, map_id in PAGES:
            for window, viewport in WINDOWS.items():
                # Once to fill the server's caches as earlier visitors would have, then measured.
                measure(browser, path, map_id, viewport)
                result = measure(browser, path, map_id, viewport)
                ok = (
                    result["bytes"] <= MAX_BYTES
                    and result["drawn"] is not None
                    and result["drawn"] <= MAX_DRAW_MS
                )
                failed |= not ok
                print(
                    f"| {path} | {window} | {result['bytes'] / 1000:.0f} | {result['drawn']:.0f} | "
                    f"{result['requests']} | ≤ {MAX_BYTES // 1000} KB and ≤ {MAX_DRAW_MS} ms: "
                    f"{'met' if ok else 'MISSED'} |",
                    flush=True,
                )
                details.append((path, window, result["api"]))
        browser.close()
    for path, window, api in details:
        print(f"   {path} {window}: " + ", ".join(f"{url} {size} B {ms} ms" for url, size, ms in api))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

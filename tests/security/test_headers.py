"""Security headers on every kind of response, and framing allowed for the embeddable map only."""

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.csp import tile_sources

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_security_headers(response):
    directives = policy(response)
    assert directives["script-src"][0] == "'self'"
    assert (
        "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    )
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("geolocation", "camera", "microphone", "payment", "usb"):
        assert f"{feature}=()" in permissions
    assert "fullscreen=(self)" in permissions


def assert_not_framable(response):
    assert response["X-Frame-Options"] == "DENY"
    assert policy(response)["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/", HTTPStatus.OK),
        ("/poles/", HTTPStatus.OK),
        ("/poles/cades/", HTTPStatus.OK),
        ("/acteurs/", HTTPStatus.OK),
        ("/acteurs/les-charpentiers/", HTTPStatus.OK),
        ("/carte/", HTTPStatus.OK),
        ("/evenements/", HTTPStatus.OK),
        ("/evenements/rencontre-eco-construction/", HTTPStatus.OK),
        ("/donnees/", HTTPStatus.OK),
        ("/integrer/", HTTPStatus.OK),
        ("/api/acteurs.geojson", HTTPStatus.OK),
        ("/api/poles.geojson", HTTPStatus.OK),
        ("/api/acteurs.geojson?bbox=nimporte", HTTPStatus.BAD_REQUEST),
        ("/donnees/acteurs.csv", HTTPStatus.OK),
        ("/sante/", HTTPStatus.OK),
        ("/page-qui-n-existe-pas/", HTTPStatus.NOT_FOUND),
        ("/admin/login/", HTTPStatus.OK),
    ],
)
def test_every_kind_of_response_carries_the_security_headers(client, public_site, url, status):
    response = client.get(url)

    assert response.status_code == status
    assert_security_headers(response)
    assert_not_framable(response)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/poles/pole/",
        "/admin/actors/actor/add/",
        "/admin/events/event/",
    ],
)
def test_the_admin_carries_the_same_policy_without_inline_scripts_or_styles(admin_client, public_site, url):
    response = admin_client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert_security_headers(response)
    assert_not_framable(response)


def test_a_page_served_from_the_page_cache_keeps_its_headers(client, public_site):
    client.get("/acteurs/")

    cached = client.get("/acteurs/")

    assert_security_headers(cached)
    assert_not_framable(cached)


def test_the_embeddable_map_can_be_framed_by_any_site(client, public_site):
    for _visit in range(2):  # rendered, then from the page cache
        response = client.get("/carte/", {"embed": "1", "pole": "cades"})

        assert response.status_code == HTTPStatus.OK
        assert "X-Frame-Options" not in response
        assert policy(response)["frame-ancestors"] == ["*"]
        assert_security_headers(response)


@pytest.mark.urls("tests.security.urls")
def test_a_page_framable_by_the_portal_only_says_so_in_both_headers(client):
    response = client.get("/apercu/")

    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert policy(response)["frame-ancestors"] == ["'self'"]


@pytest.mark.parametrize(
    "url", ["/", "/carte/", "/carte/?embed=", "/acteurs/", "/integrer/", "/admin/login/"]
)
def test_nothing_else_can_be_framed(client, public_site, url):
    assert_not_framable(client.get(url))


def test_the_map_tiles_host_is_allowed_for_images(client, public_site):
    expected = ["'self'", "data:", *tile_sources(settings.MAP_TILES_URL)]

    assert policy(client.get("/carte/"))["img-src"] == expected
    assert tile_sources("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == [
        "https://tile.openstreetmap.org"
    ]


@pytest.mark.parametrize(
    ("url", "sources"),
    [
        ("https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png", ["https://*.tile.openstreetmap.fr"]),
        ("https://tiles.example.org:8443/{z}/{x}/{y}.png", ["https://tiles.example.org:8443"]),
        ("/tuiles/{z}/{x}/{y}.png", []),
    ],
)
def test_tile_sources_follow_the_tiles_url(url, sources):
    assert tile_sources(url) == sources


@pytest.mark.parametrize(
    "url", ["https://tiles.{s}.example.org/{z}/{x}/{y}.png", "ftp://tiles.example.org/{z}/{x}/{y}.png"]
)
def test_a_tiles_url_the_policy_cannot_express_stops_start_up(url):
    with pytest.raises(ImproperlyConfigured):
        tile_sources(url)


def template_sources() -> dict[Path, str]:
    folders = [ROOT / "templates", ROOT / "jinja2", *ROOT.glob("*/templates")]
    return {path: path.read_text() for folder in folders for path in folder.rglob("*.html")}


def test_templates_hold_no_inline_style_and_no_inline_script_without_a_nonce():
    sources = template_sources()
    assert any(path.parts[-3:] == ("jinja2", "events", "event_detail.html") for path in sources)
    offenders = []
    for path, source in sources.items():
        if 'style="' in source or "<style" in source:
            offenders.append(f"{path}: inline style")
        for tag in source.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            if "src=" not in opening and 'type="application/ld+json"' not in opening:
                offenders.append(f"{path}: inline script")
        # Django's tag, or the Jinja2 function of the public pages.
        for tag in re.findall(r"{% leaflet_map .*?%}|leaflet_map\(.*?\)\s*}}", source):
            if "csp_nonce=request.csp_nonce" not in tag:
                offenders.append(f"{path}: leaflet_map without the request's nonce")
    assert offenders == []

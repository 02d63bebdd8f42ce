"""The page cache of anonymous visitors never replays a CSP nonce, keys a page on the parameters its view
declares only, and a deploy empties it."""

import re
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.test import override_settings

from core.public_cache import data_version

from .urls import RENDERS

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def page_nonce(response) -> str | None:
    match = re.search(r'nonce="([^"]*)"', response.content.decode())
    return match.group(1) if match else None


def header_nonce(response) -> str | None:
    match = re.search(r"'nonce-([^']*)'", response["Content-Security-Policy"])
    return match.group(1) if match else None


@pytest.fixture
def renders():
    RENDERS.clear()
    return RENDERS


@pytest.mark.urls("tests.security.urls")
def test_a_page_with_a_nonce_is_rendered_afresh_for_each_visitor(client, renders):
    first = client.get("/avec-script/")
    second = client.get("/avec-script/")

    for response in (first, second):
        assert response.status_code == HTTPStatus.OK
        assert page_nonce(response) and page_nonce(response) == header_nonce(response)
    assert page_nonce(first) != page_nonce(second)
    assert renders["/avec-script/"] == 2


@pytest.mark.urls("tests.security.urls")
def test_a_page_without_a_nonce_is_still_cached(client, renders):
    first = client.get("/sans-script/")
    second = client.get("/sans-script/")

    assert first.content == second.content
    assert header_nonce(second) is None
    assert renders["/sans-script/"] == 1


@pytest.mark.urls("tests.security.urls")
def test_a_page_is_cached_per_value_of_the_parameters_its_view_declares(client, renders):
    first = client.get("/parametres/", {"declared": "1"})
    second = client.get("/parametres/", {"declared": "2"})
    again = client.get("/parametres/", {"declared": "1"})

    assert first.content == again.content == b"declared=1 other=None"
    assert second.content == b"declared=2 other=None"
    assert renders["/parametres/"] == 2


@pytest.mark.urls("tests.security.urls")
@pytest.mark.parametrize("cookies", [{}, {"sessionid": "a-session"}], ids=["anonymous", "with-session"])
def test_a_view_never_sees_a_parameter_it_does_not_declare(client, renders, cookies):
    client.cookies.load(cookies)
    for value in ("1", "2", "3"):
        response = client.get("/parametres/", {"other": value, "declared": "x"})
        assert response.content == b"declared=x other=None"
    assert renders["/parametres/"] == (1 if not cookies else 3)  # one entry for the anonymous visitors


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/poles/",
        "/poles/cades/",
        "/acteurs/",
        "/acteurs/les-charpentiers/",
        "/carte/",
        "/carte/?embed=1",
        "/integrer/",
        "/a-propos/",
        "/evenements/",
        "/evenements/?vue=mois",
        "/evenements/?embed=1",
    ],
)
def test_cached_public_pages_need_no_nonce(client, public_site, url):
    for _visit in range(2):  # rendered, then served from the cache
        response = client.get(url)

        assert response.status_code == HTTPStatus.OK
        assert page_nonce(response) is None
        assert header_nonce(response) is None


def test_the_event_page_carries_a_fresh_nonce_matching_its_header(client, public_site):
    url = public_site["event"].get_absolute_url()
    nonces = []
    for _visit in range(2):
        response = client.get(url)
        assert page_nonce(response) == header_nonce(response) is not None
        nonces.append(page_nonce(response))
    assert nonces[0] != nonces[1]


def test_bump_cache_version_makes_every_cached_page_stale(capsys):
    before = data_version()

    call_command("bump_cache_version")

    assert data_version() != before
    assert "invalidated" in capsys.readouterr().out


@override_settings(CACHES=DEAD_REDIS)
def test_bump_cache_version_renews_the_version_even_with_the_cache_unreachable(capsys):
    """The version is a row of the database: a deploy invalidates even while Redis is down."""
    before = data_version()

    call_command("bump_cache_version")

    assert data_version() != before
    assert "invalidated" in capsys.readouterr().out

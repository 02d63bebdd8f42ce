"""HTTP caching of the public site (core.public_cache, core.middleware.HttpCachingMiddleware): what a
browser, the reverse proxy or a CDN may keep, and validators that every process computes alike."""

import os
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.db import connection

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_PAGES = ["/", "/acteurs/", "/poles/", "/carte/", "/a-propos/"]


def directives(response) -> set[str]:
    return {
        part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()
    }


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_an_anonymous_public_page_may_be_kept_by_any_cache_and_revalidated(client, settings, path):
    settings.PUBLIC_HTTP_MAX_AGE = 30
    factories.ActorFactory()
    first = client.get(path)
    assert first.status_code == HTTPStatus.OK
    assert first["Cache-Control"] == "public, max-age=30"
    assert {"cookie", "accept-encoding"} <= vary(first)
    assert "accept-language" not in vary(first)  # the language is chosen by a cookie, never by the browser
    assert not first.cookies
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again["ETag"] == first["ETag"]
    assert "public" in directives(again)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_visitor_with_a_session_gets_private_pages(client, path):
    client.cookies["sessionid"] = "a-session"
    response = client.get(path)
    assert "public" not in directives(response)
    assert "private" in directives(response)


@pytest.mark.django_db
def test_a_coordinator_s_pages_are_never_public(client, django_user_model):
    user = django_user_model.objects.create_superuser("regional", "r@example.org", "pw")
    client.force_login(user)
    for path in ["/acteurs/", "/api/acteurs.geojson", "/admin/"]:
        response = client.get(path, follow=True)
        assert "public" not in directives(response), path
        assert "private" in directives(response), path


@pytest.mark.django_db
def test_a_registration_form_s_csrf_token_is_never_kept_by_a_cache(client):
    """The event page holds the registration form: its CSRF token and cookie belong to this visitor."""
    event = factories.EventFactory()
    response = client.get(event.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)
    # And the page cache did not keep it for the next visitor either.
    other = client.get(event.get_absolute_url())
    assert 'name="csrfmiddlewaretoken"' in other.content.decode()
    assert {"private", "no-store"} <= directives(other)


@pytest.mark.django_db
def test_a_page_with_a_form_is_no_store(client):
    response = client.get("/acteurs/proposer/")
    assert response.status_code == HTTPStatus.OK
    assert {"private", "no-store"} <= directives(response)


@pytest.mark.django_db
def test_an_anonymous_page_that_is_not_cached_is_private(client):
    """Pages the page cache does not keep (past events are rendered for each request) are private."""
    factories.EventFactory()
    response = client.get("/evenements/archives/")
    assert response.status_code == HTTPStatus.OK
    assert "public" not in directives(response)
    assert "private" in directives(response)


@pytest.mark.django_db
def test_map_data_revalidation_answers_304_with_its_validators(client, settings):
    settings.PUBLIC_HTTP_MAX_AGE = 30
    factories.ActorFactory()
    first = client.get("/api/acteurs.geojson", HTTP_ACCEPT_ENCODING="gzip")
    assert first["Cache-Control"] == "public, max-age=30"
    again = client.get("/api/acteurs.geojson", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again["ETag"] == first["ETag"]
    assert "accept-encoding" in vary(again)


RENDER = """
import sys
import django

django.setup()
from django.test import Client

client = Client()
for path in sys.argv[1:]:
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    print(response.status_code, response["ETag"], response.get("Last-Modified", "-"))
"""
PATHS = ["/acteurs/", "/api/acteurs.geojson", "/api/poles.geojson", "/poles/"]


def render_in_another_process(paths: list[str]) -> list[str]:
    """Answers of a fresh process (its own memory cache, no Redis) on the test database."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ess_portal.settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": "",
        "CACHE_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", RENDER, *paths], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split("\n")[-len(paths) - 1 : -1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_processes_without_a_shared_cache_give_the_same_validators_and_a_change_new_ones():
    """Two gunicorn workers with the embedded default (no Redis): a revalidation answered by the other
    worker must be a 304, not the whole file again. Needs PostgreSQL: both processes read the same
    committed database (SQLite's test database lives in this process's memory)."""
    factories.ActorFactory(name="Coopérative des Deux Processus")
    first = render_in_another_process(PATHS)
    second = render_in_another_process(PATHS)
    assert [line.split()[0] for line in first] == ["200"] * len(PATHS)
    assert first == second

    factories.ActorFactory(name="Coopérative Nouvelle")  # committed at once: the version is renewed
    changed = render_in_another_process(PATHS)
    for before, after in zip(first, changed, strict=True):
        assert before.split()[1] != after.split()[1]

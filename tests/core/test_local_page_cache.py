"""The per-process tier of the anonymous page cache (core.public_cache)."""

import pytest
from django.db.models import F

from core.models import DataVersion
from tests import factories

pytestmark = pytest.mark.django_db


def bump_in_another_process():
    """What another process's change does to the shared data version: its row in the database."""
    DataVersion.objects.filter(name="public").update(counter=F("counter") + 1)


def test_a_change_made_in_this_process_shows_at_once(client, settings, commit):
    settings.PUBLIC_CACHE_LOCAL_SECONDS = 60
    factories.ActorFactory(name="Première Coopérative")
    assert "Nouvelle Coopérative" not in client.get("/acteurs/").content.decode()

    with commit():
        factories.ActorFactory(name="Nouvelle Coopérative")

    assert "Nouvelle Coopérative" in client.get("/acteurs/").content.decode()


def test_within_the_delay_a_page_is_served_without_reading_the_shared_cache(client, settings):
    settings.PUBLIC_CACHE_LOCAL_SECONDS = 60
    actor = factories.ActorFactory(name="Ancien Nom")
    assert "Ancien Nom" in client.get("/acteurs/").content.decode()

    # Another process renames it: the shared data version changes, this process has not read it yet.
    type(actor).objects.filter(pk=actor.pk).update(name="Nom Changé Ailleurs")
    bump_in_another_process()

    assert "Ancien Nom" in client.get("/acteurs/").content.decode()


def test_after_the_delay_the_shared_data_version_is_read_again(client, settings):
    settings.PUBLIC_CACHE_LOCAL_SECONDS = 0
    actor = factories.ActorFactory(name="Ancien Nom")
    assert "Ancien Nom" in client.get("/acteurs/").content.decode()

    type(actor).objects.filter(pk=actor.pk).update(name="Nom Changé Ailleurs", search_text="")
    bump_in_another_process()

    assert "Nom Changé Ailleurs" in client.get("/acteurs/").content.decode()


@pytest.mark.parametrize("encoding", ["gzip, deflate", "identity"])
def test_a_cached_page_is_revalidated_with_its_etag(client, encoding, commit):
    factories.ActorFactory(name="Coopérative Revalidée")
    first = client.get("/acteurs/", HTTP_ACCEPT_ENCODING=encoding)
    second = client.get("/acteurs/", HTTP_ACCEPT_ENCODING=encoding)
    assert first["ETag"] == second["ETag"]
    revalidated = client.get("/acteurs/", HTTP_ACCEPT_ENCODING=encoding, HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304
    assert revalidated.content == b""

    with commit():
        factories.ActorFactory(name="Coopérative Nouvelle")  # a change: the page and its ETag change
    changed = client.get("/acteurs/", HTTP_ACCEPT_ENCODING=encoding, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]

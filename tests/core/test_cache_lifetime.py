"""Whatever the public caches keep lives at most ``PUBLIC_CACHE_SECONDS``, data version or not: a write
made outside Django (a SQL shell, another program) renews no version and shows within that bound."""

import time

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def rename_sector_behind_djangos_back(slug: str, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE actors_sector SET name = %s WHERE slug = %s", [name, slug])


@pytest.mark.parametrize("cookies", [{}, {"sessionid": "a-session"}], ids=["anonymous", "with-session"])
def test_the_directory_filters_show_a_sector_renamed_outside_django_after_the_bound(
    client, directory, settings, cookies
):
    settings.PUBLIC_CACHE_SECONDS = 1
    client.cookies.load(cookies)
    assert '<option value="culture">Culture</option>' in client.get("/acteurs/").content.decode()

    rename_sector_behind_djangos_back("culture", "Arts et culture")
    time.sleep(1.2)

    assert '<option value="culture">Arts et culture</option>' in client.get("/acteurs/").content.decode()


def test_within_the_bound_the_same_data_version_serves_what_was_kept(client, directory, settings):
    settings.PUBLIC_CACHE_SECONDS = 300
    client.cookies["sessionid"] = "a-session"
    client.get("/acteurs/")

    rename_sector_behind_djangos_back("culture", "Arts et culture")

    assert '<option value="culture">Culture</option>' in client.get("/acteurs/").content.decode()

"""One reset forgets every cache a process keeps in memory (``core.local_caches``)."""

import pytest
from django.template import engines
from django.test import override_settings

from actors import filters, selectors
from core import cache as resilient_cache
from core import jinja2 as portal_jinja2
from core import maps, public_cache
from core.local_caches import clear_process_caches
from poles import choropleth


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_one_reset_empties_every_per_process_cache(client):
    portal_jinja2.url("home")
    maps.map_options()
    public_cache.per_version("test", lambda: 1, version="v")
    resilient_cache._paused_until["somewhere"] = 1.0
    selectors._searches.put(("v", "q=x"), "found")
    filters.ActorFilter().get_form_class()
    fragments = next(
        extension
        for extension in engines["jinja2"].env.extensions.values()
        if isinstance(extension, portal_jinja2.FragmentCache)
    ).fragments
    fragments.put(("key",), "html")
    public_cache._local_pages.put("page", b"")
    public_cache.current_data_version()
    choropleth._PROJECTED["29019"] = None
    choropleth._PATHS[("scope",)] = "M0 0"

    clear_process_caches()

    assert portal_jinja2._reverse.cache_info().currsize == 0
    assert maps._djoptions.cache_info().currsize == 0
    assert public_cache._PER_VERSION == {}
    assert resilient_cache._paused_until == {}
    assert selectors._searches.get(("v", "q=x")) is None
    assert filters._form_classes == {}
    assert fragments.get(("key",)) is None
    assert public_cache._local_pages.get("page") is None
    assert public_cache._memo.value[0] == ""
    assert choropleth._PROJECTED == {} and choropleth._PATHS == {}

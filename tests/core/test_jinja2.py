"""The Jinja2 environment of the public pages: Django's helpers, translations, fragments, extraction."""

import ast
from datetime import UTC, datetime

from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from core.management.commands.makemessages import jinja2_as_python


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_translations_follow_the_active_language():
    source = '{{ _("Open data") }}|{% trans counter=n %}{{ counter }} organisation{% pluralize counter %}{{ counter }} organisations{% endtrans %}'
    with translation.override("fr"):
        assert render(source, n=2) == "Données ouvertes|2 organisations"
    with translation.override("en"):
        assert render(source, n=1) == "Open data|1 organisation"


def test_values_are_escaped_inside_and_outside_translations():
    source = "{{ name }}|{% trans name=name %}member of {{ name }}{% endtrans %}"
    with translation.override("en"):
        assert render(source, name="<b>A & B</b>") == (
            "&lt;b&gt;A &amp; B&lt;/b&gt;|member of &lt;b&gt;A &amp; B&lt;/b&gt;"
        )


def test_url_reverses_with_arguments_and_static_names_files():
    assert render("{{ url('actors:detail', slug='la-recyclerie') }}") == "/acteurs/la-recyclerie/"
    assert render("{{ url('actors:detail', slug='autre') }}") == "/acteurs/autre/"
    assert render("{{ static('css/site.css') }}").endswith("css/site.css")


def test_querystring_replaces_or_removes_a_parameter_and_keeps_the_others():
    request = RequestFactory().get("/acteurs/", {"q": "bois & co", "page": "3", "sector": "culture"})
    assert (
        render("{{ querystring(request, page=4) }}", request=request)
        == "?q=bois+%26+co&amp;sector=culture&amp;page=4"
    )
    assert (
        render("{{ querystring(request, page=None) }}", request=request)
        == "?q=bois+%26+co&amp;sector=culture"
    )


def test_dates_are_shown_in_the_portal_time_zone_and_language():
    noon_utc = datetime(2026, 6, 12, 10, 0, tzinfo=UTC)
    with translation.override("fr"):
        assert render('{{ d|date("l j F Y, H:i") }}', d=noon_utc) == "vendredi 12 juin 2026, 12:00"


def test_a_cached_fragment_is_reused_for_the_same_key_only():
    source = '{% cache "test-fragment", key %}{{ value }}{% endcache %}'
    assert render(source, key="k1", value="first") == "first"
    assert render(source, key="k1", value="second") == "first"
    assert render(source, key="k2", value="second") == "second"


def test_fragments_whose_parts_differ_never_share_an_entry_whatever_the_parts_hold():
    source = '{% cache "test-parts", first, second %}{{ first }}|{{ second }}{% endcache %}'
    assert render(source, first="a\x1fb", second="c") == "a\x1fb|c"
    assert render(source, first="a", second="b\x1fc") == "a|b\x1fc"


def test_cache_keys_whose_parts_differ_are_distinct_whatever_the_parts_hold():
    from core.public_cache import make_key

    assert make_key("page", "a\x1fb", "c") != make_key("page", "a", "b\x1fc")


def test_makemessages_sees_the_strings_of_a_jinja2_template_on_their_lines():
    source = (
        "<h1>{{ _('Open data') }}</h1>\n"
        "<p>{% trans counter=n %}{{ counter }} organisation{% pluralize counter %}{{ counter }} organisations{% endtrans %}</p>\n"
        '{% set label = _("It\'s free") %}'
    )
    python = jinja2_as_python(source)
    lines = python.split("\n")
    assert len(lines) == 3
    calls = {node.lineno: node for node in ast.walk(ast.parse(python)) if isinstance(node, ast.Call)}
    assert calls[1].func.id in ("_", "gettext") and calls[1].args[0].value == "Open data"
    assert calls[2].func.id == "ngettext"
    assert [arg.value for arg in calls[2].args[:2]] == [
        "%(counter)s organisation",
        "%(counter)s organisations",
    ]
    assert calls[3].args[0].value == "It's free"


def test_nothing_is_kept_while_templates_reload_themselves():
    environment = engines["jinja2"].env
    source = '{% cache "test-reloading", key %}{{ value }}{% endcache %}'
    environment.auto_reload = True
    try:
        assert render(source, key="k", value="first") == "first"
        assert render(source, key="k", value="edited") == "edited"
    finally:
        environment.auto_reload = False

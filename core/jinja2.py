"""The Jinja2 environment of the public site's templates (``jinja2/``).

The public pages are rendered with Jinja2, which compiles a template to Python code: a page of the
directory renders about seven times faster than with Django's template language, whose per-node
overhead was most of the cost of an uncached page (``bench/RESULTS.md``). The public side's emails
(``jinja2/emails/``: registrations, reminders, changes, messages) use it too, so the public side has one
engine; the back office (the admin, its emails and PDFs) and the form widgets keep Django's templates
(``templates/``).

What the templates get, beside Jinja2's own tags and filters:

- translations: ``_("text")`` and ``{% trans count=n %}…{% pluralize count %}…{% endtrans %}`` through
  Django's catalogues (``makemessages`` extracts them: ``core/management/commands/makemessages.py``);
- ``url(name, *args, **kwargs)``, ``static(path)``, ``querystring(request, **changes)``,
  ``language_name(code)``, ``csrf_input`` (Django's Jinja2 backend), the context processors' values;
- the maps: ``leaflet_css()``, ``leaflet_js()``, ``leaflet_map(...)``, ``map_options()``;
- Django's filters where Jinja2 has none or a different one: ``date``, ``time`` (in the current time
  zone and language), ``linebreaks``, ``capfirst``, ``truncatewords``, ``urlencode``, ``km``.
"""

from __future__ import annotations

from functools import lru_cache

from django.template import defaultfilters, engines
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, get_language_info, gettext, ngettext, npgettext, pgettext
from jinja2 import Environment, nodes, select_autoescape
from jinja2.ext import Extension
from leaflet.templatetags import leaflet_tags
from markupsafe import Markup

from core.local_caches import register_lru
from core.maps import km, map_options
from core.public_cache import LocalLRU
from core.queries import query_with


@register_lru
@lru_cache(maxsize=4096)
def _reverse(prefix: str, urlconf: str | None, viewname: str, args: tuple, kwargs: tuple) -> str:
    return reverse(viewname, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) or None)


def url(viewname: str, *args, **kwargs) -> str:
    """``reverse()``, remembered per URL configuration: the layout alone names a dozen URLs."""
    return _reverse(get_script_prefix(), get_urlconf(), viewname, args, tuple(sorted(kwargs.items())))


def querystring(request, **changes) -> str:
    """The current query string with some parameters set or removed (``None``), like Django's tag."""
    return f"?{query_with(request.GET, **changes)}"


def language_name(code: str) -> str:
    """The language's own name, capitalised: "Français", "English"."""
    return defaultfilters.capfirst(get_language_info(code)["name_local"])


@register_lru
@lru_cache(maxsize=32)
def _leaflet_include(tag: str, language: str | None, **options) -> str:
    """django-leaflet's ``leaflet_css``/``leaflet_js`` output: fixed per language and options."""
    tag_function = getattr(leaflet_tags, tag)
    template = {"leaflet_css": "leaflet/css.html", "leaflet_js": "leaflet/js.html"}[tag]
    return engines["django"].get_template(template).render(tag_function(**options))


def leaflet_css(plugins=None):
    return Markup(_leaflet_include("leaflet_css", get_language(), plugins=plugins))


def leaflet_js(plugins=None):
    return Markup(_leaflet_include("leaflet_js", get_language(), plugins=plugins))


def leaflet_map(name, **options):
    """django-leaflet's ``leaflet_map`` tag (a map div and its initialisation script)."""
    context = leaflet_tags.leaflet_map(name, **options)
    return Markup(engines["django"].get_template("leaflet/_leaflet_map.html").render(context))


def date_filter(value, format_string=None) -> str:
    """Django's ``date`` filter, in the current time zone as in Django's templates."""
    return defaultfilters.date(template_localtime(value), format_string)


def time_filter(value, format_string=None) -> str:
    """Django's ``time`` filter, in the current time zone as in Django's templates."""
    return defaultfilters.time(template_localtime(value), format_string)


def linebreaks(value):
    return defaultfilters.linebreaks_filter(value, autoescape=True)


def html_is_kept() -> bool:
    """Whether rendered HTML may be kept in this process: not while templates reload themselves (DEBUG),
    so that an edited template shows at once."""
    return not engines["jinja2"].env.auto_reload


class FragmentCache(Extension):
    """``{% cache "name", part, … %}…{% endcache %}``: the block's HTML kept in this process (an LRU).

    The parts make the key: they must include everything the block's output depends on, the public data
    version first (``current_data_version()``) when it shows data, so a change is never served stale. A
    fragment lives at most ``PUBLIC_CACHE_SECONDS``, like every public cache. Nothing is kept while
    templates reload themselves (``DEBUG``), so that an edited template shows at once.
    """

    tags = {"cache"}

    def __init__(self, environment):
        super().__init__(environment)
        self.fragments = LocalLRU(256)

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        parts = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            parts.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        call = self.call_method("_fragment", [nodes.List(parts)])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _fragment(self, parts, caller):
        if not html_is_kept():
            return Markup(caller())
        key = tuple(str(part) for part in parts)
        html = self.fragments.get(key)
        if html is None:
            html = Markup(caller())
            self.fragments.put(key, html)
        return html


def environment(**options) -> Environment:
    options["extensions"] = [*options.get("extensions", []), "jinja2.ext.i18n", FragmentCache]
    # HTML escaped, plain-text emails (``.txt``) not: an apostrophe stays an apostrophe.
    options["autoescape"] = select_autoescape(
        disabled_extensions=("txt",), default=True, default_for_string=True
    )
    env = Environment(**options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False, pgettext=pgettext, npgettext=npgettext)
    env.globals.update(
        url=url,
        static=static,
        querystring=querystring,
        language_name=language_name,
        get_language=get_language,
        leaflet_css=leaflet_css,
        leaflet_js=leaflet_js,
        leaflet_map=leaflet_map,
        map_options=map_options,
    )
    env.filters.update(
        date=date_filter,
        time=time_filter,
        linebreaks=linebreaks,
        capfirst=defaultfilters.capfirst,
        truncatewords=defaultfilters.truncatewords,
        urlencode=defaultfilters.urlencode,
        km=km,
    )
    return env

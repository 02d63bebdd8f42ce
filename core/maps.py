"""Template helpers of the public maps.

Maps are created by ``static/js/actors-map.js`` (no inline script, for a strict Content-Security-Policy):
the map element carries django-leaflet's own initialisation options, computed here from
``LEAFLET_CONFIG`` exactly as django-leaflet's ``leaflet_map`` tag computes them.
"""

from functools import lru_cache

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language
from leaflet.templatetags.leaflet_tags import leaflet_map

from .local_caches import register_lru

register = template.Library()


@register_lru
@lru_cache(maxsize=8)
def _djoptions(language: str) -> str:
    return leaflet_map("map")["djoptions"]


@register.simple_tag
def map_options() -> str:
    """django-leaflet's map options as JSON, for a ``data-djoptions`` attribute (escaped by the template)."""
    return _djoptions(get_language() or "")


@register.filter
def km(value) -> str:
    """A distance in kilometres, rounded for display: "850 m", "4.2 km", "37 km"."""
    if value is None:
        return ""
    if value < 1:
        return f"{round(value * 1000, -1):.0f} m"
    if value < 10:
        return f"{number_format(round(value, 1), 1)} km"
    return f"{value:.0f} km"

"""Content-Security-Policy sources computed from the portal's own settings.

The map tiles are the only third-party resource the pages load, so ``img-src`` is derived from
``MAP_TILES_URL`` rather than listed a second time (changing the tile provider cannot silently break the
maps under the policy).
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def tile_sources(url: str) -> list[str]:
    """The CSP source expression allowing the tiles of a Leaflet URL template.

    ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` gives ``https://*.tile.example.org``: Leaflet's
    ``{s}`` subdomain placeholder (or any placeholder in the leftmost label) becomes CSP's ``*.`` wildcard.
    A relative URL (tiles served by the portal itself) needs nothing beyond ``'self'``.
    """
    parts = urlsplit(url)
    if not parts.netloc:
        return []
    if parts.scheme not in ("http", "https"):
        raise ImproperlyConfigured(f"MAP_TILES_URL must be an http(s) URL, not {url!r}.")
    labels = parts.netloc.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    if any("{" in label for label in labels):
        raise ImproperlyConfigured(
            "MAP_TILES_URL may have a placeholder only in the leftmost label of its host "
            f"(e.g. https://{{s}}.tile.example.org/...), not {url!r}."
        )
    return [f"{parts.scheme}://{'.'.join(labels)}"]

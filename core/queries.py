"""Query strings and the filters they carry: one definition of each rule, used by every page and API.

- :func:`canonical_query`: the parameters sorted, each one's values in their order, URL-encoded, so that
  equivalent URLs share a cache entry (the page cache, the map data, the directory's searches);
- :func:`query_with`: the query string as the visitor typed it, with some parameters dropped or set:
  the links of a page (pagination, the same filters on the map, the list, the downloads);
- :func:`filtered` and :func:`query_is_invalid`: binding a FilterSet to a query string; an invalid one
  (an unknown pole, a malformed box) is answered with a 400 (:class:`InvalidQuery`), never with the
  unfiltered results: JSON for the APIs (:func:`bad_request`), the page with its errors for HTML.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus

from django.http import JsonResponse
from django.utils.http import urlencode
from django.utils.translation import gettext


class InvalidQuery(Exception):
    """A query string with an unknown filter value or a malformed parameter (answered with a 400)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors

    def as_text(self) -> str:
        """The errors on one line, for a response that is not JSON nor HTML (an iCalendar feed)."""
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in self.errors.items())


def form_errors(form) -> dict[str, list[str]]:
    """A form's errors as plain strings, ready for JSON."""
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


def bad_request(errors: dict[str, list[str]]) -> JsonResponse:
    """The JSON body of a 400: a French sentence, then the message of each parameter at fault."""
    return JsonResponse(
        {"error": gettext("Invalid query parameters."), "errors": errors},
        status=HTTPStatus.BAD_REQUEST,
        json_dumps_params={"ensure_ascii": False},
    )


def query_is_invalid(filterset) -> bool:
    """Whether the FilterSet was given a query string that does not validate (no query string: valid)."""
    return filterset.is_bound and not filterset.is_valid()


def filtered(filterset):
    """The FilterSet's results; raises :class:`InvalidQuery` when its query string is invalid."""
    if query_is_invalid(filterset):
        raise InvalidQuery(form_errors(filterset.form))
    return filterset.qs


def canonical_query(params, keys=None) -> str:
    """The query string with its parameters sorted (each one's values in their order), so equivalent URLs
    share a cache entry; ``keys``: only these parameters.

    URL-encoded, so that a value holding ``&`` or ``=`` cannot pass for other parameters.
    """
    names = sorted(set(params) if keys is None else set(params) & set(keys))
    return urlencode([(key, value) for key in names for value in params.getlist(key)])


def query_with(params, *, drop: Iterable[str] = (), skip_empty: bool = False, **changes) -> str:
    """The query string of ``params`` (a ``QueryDict``) in its own order, URL-encoded, without the
    parameters of ``drop`` (and, with ``skip_empty``, those left empty), and with ``changes`` set at the
    end (``None`` removes a parameter)."""
    dropped = set(drop) | set(changes)
    kept = [
        (key, value)
        for key, values in params.lists()
        if key not in dropped and not (skip_empty and not any(values))
        for value in values
    ]
    changed = [(key, str(value)) for key, value in changes.items() if value is not None]
    return urlencode(kept + changed)


def url_with_query(url: str, query: str) -> str:
    """``url?query``, or the bare URL when there is no query."""
    return f"{url}?{query}" if query else url

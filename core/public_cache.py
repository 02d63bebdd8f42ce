"""Caching of the public site: anonymous pages and map data.

Two things make a cached entry stale, and both are part of every cache key:

* the *data version*, a random token kept in the cache and replaced when a change to anything the public
  site shows **commits** (``bump_data_version_on_commit``): by signal handlers when such an object is
  saved, deleted or has its sectors changed (``watch_public_data``, called by each app's ``ready()``), and by the bulk writes of the public
  models' QuerySets (``PublicDataQuerySet``: ``update()``, ``delete()``, ``bulk_create()`` and
  ``bulk_update()`` send no signal). Never before the commit: another worker rendering in between would
  read the old rows and keep them under the new version;
* for the map data, a *fingerprint* read from the database (row counts and the latest ``updated_at``
  of organisations and poles), which also catches writes made outside Django (a SQL shell).

A page is keyed on its path and the *canonical query* (sorted, encoded) of the parameters its view
declares (``cache_public_page(params=…)``), map data on those of its FilterSet
(``cached_data_response(params=…)``). The view sees only those, so any other parameter (``utm_source``,
a typo) neither makes a new entry nor changes what is shown.

Pages are kept in two tiers: the shared cache (Redis in production), and a small copy in each process
used while that process read the data version less than ``PUBLIC_CACHE_LOCAL_SECONDS`` ago (default one
second), so that most anonymous hits cost no round trip to Redis. A change made in a process is seen by
that process at once; other processes see it within that delay.

Everything kept, in the shared cache or in a process, lives at most ``PUBLIC_CACHE_SECONDS`` as well,
whatever the data version says, which caps how long anything else (an event passing, a write made
outside Django) can stay stale. A cache outage never breaks a page: the view simply runs uncached.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.http import http_date
from django.utils.text import compress_string
from django.utils.translation import get_language

from . import local_caches
from .queries import InvalidQuery, bad_request, canonical_query

logger = logging.getLogger(__name__)

VERSION_KEY = "public:data-version"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def public_cache_seconds() -> int:
    """How long a cached public page or fragment may live, whatever the data version says."""
    return settings.PUBLIC_CACHE_SECONDS


_timeout = public_cache_seconds


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # a cache outage (Redis down) must never break a public page
        logger.warning("cache unavailable: get %s", key, exc_info=True)
        return None


def _cache_get_many(keys: list[str]) -> dict:
    try:
        return cache.get_many(keys)
    except Exception:  # same as above: run uncached
        logger.warning("cache unavailable: get_many %s", keys, exc_info=True)
        return {}


def _cache_set(key: str, value, timeout: int | None) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:  # same as above: run uncached
        logger.warning("cache unavailable: set %s", key, exc_info=True)


def data_version() -> str:
    """The current data version token (created on first use)."""
    version = _cache_get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        _cache_set(VERSION_KEY, version, None)
    return version


def current_data_version() -> str:
    """The data version as this process last read it, read again from the shared cache when that was
    more than ``PUBLIC_CACHE_LOCAL_SECONDS`` ago: the same delay as the page cache's own copies."""
    version = _local.fresh_version()
    if version is None:
        version = data_version()
        _local.set_version(version)
    return version


def bump_data_version() -> None:
    """Make every cached page and map stale now (a deploy, a benchmark).

    After a write, use ``bump_data_version_on_commit``: renewing the version before the write commits
    lets another worker keep the old rows under the new version.
    """
    version = uuid.uuid4().hex
    _cache_set(VERSION_KEY, version, None)
    _local.set_version(version)


def bump_data_version_on_commit(using: str | None = None) -> None:
    """Renew the data version when the current transaction on ``using`` commits (at once outside one);
    nothing happens if it is rolled back."""
    transaction.on_commit(bump_data_version, using=using, robust=True)


#: The models whose rows the public site shows (labels), each registered by its own app's ``ready()``
#: through :func:`watch_public_data`; each one's QuerySet is a ``PublicDataQuerySet``.
PUBLIC_MODELS: set[str] = set()


def public_data_changed(sender, using=None, action=None, **kwargs) -> None:
    """Signal handler: renew the data version once the change commits, never before."""
    if action is None or action.startswith("post_"):  # m2m_changed also announces changes to come
        bump_data_version_on_commit(using)


def watch_public_data(*public_models, relations: Iterable = ()) -> None:
    """Renew the data version whenever a row of ``public_models``, or a link of the many-to-many
    ``relations`` (their ``through`` models), changes. Signals are used for cache invalidation only,
    never for business rules; bulk writes, which send no signal, are covered by ``PublicDataQuerySet``."""
    for model in public_models:
        label = model._meta.label
        PUBLIC_MODELS.add(label)
        post_save.connect(public_data_changed, sender=model, dispatch_uid=f"public-cache-save-{label}")
        post_delete.connect(public_data_changed, sender=model, dispatch_uid=f"public-cache-delete-{label}")
    for through in relations:
        m2m_changed.connect(
            public_data_changed, sender=through, dispatch_uid=f"public-cache-m2m-{through._meta.label}"
        )


class PublicDataQuerySet(models.QuerySet):
    """The QuerySet of a model the public site shows: its bulk writes, which send no signal, renew the
    public data version when they commit, as saves and deletions do through ``watch_public_data``."""

    def update(self, **kwargs):
        count = super().update(**kwargs)
        if count:
            bump_data_version_on_commit(self.db)
        return count

    update.alters_data = True

    def delete(self):
        result = super().delete()
        if result[0]:
            bump_data_version_on_commit(self.db)
        return result

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            bump_data_version_on_commit(self.db)
        return created

    # bulk_update() goes through update().


class LocalLRU:
    """Values kept in this process, the least recently used dropped first while their total weight is
    over ``size`` (by default each weighs one), each for at most ``PUBLIC_CACHE_SECONDS``.

    For what an uncached public page is rendered from (the directory's searches and matches, template
    fragments): a key that holds the public data version never serves stale data, and the time bound
    caps how long a change that renews no version (a write made outside Django) can stay unseen, as for
    every public cache.
    """

    def __init__(self, size: int, weight: Callable[[object], int] = lambda value: 1):
        self.size = size
        self.weight = weight
        self._lock = threading.Lock()
        self._values: OrderedDict[object, tuple[float, object]] = OrderedDict()
        self._total = 0
        local_caches.track(self)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._total = 0

    def get(self, key):
        """The value kept for ``key``, or None."""
        with self._lock:
            entry = self._values.get(key)
            if entry is None or time.monotonic() - entry[0] > public_cache_seconds():
                return None
            self._values.move_to_end(key)
            return entry[1]

    def put(self, key, value) -> None:
        with self._lock:
            if key in self._values:
                self._total -= self.weight(self._values.pop(key)[1])
            self._values[key] = (time.monotonic(), value)
            self._total += self.weight(value)
            while self._total > self.size and len(self._values) > 1:
                self._total -= self.weight(self._values.popitem(last=False)[1][1])


class _LocalPages:
    """The per-process tier of the page cache: the last data version read, and recent pages."""

    size = 200

    def __init__(self):
        self._pages = LocalLRU(self.size)
        self._version: tuple[str | None, float] = (None, 0.0)

    def set_version(self, version: str) -> None:
        self._version = (version, time.monotonic())

    def clear(self) -> None:
        """Forget everything (``core.local_caches``: the tests' fresh cache between tests)."""
        self._pages.clear()
        self._version = (None, 0.0)

    def fresh_version(self) -> str | None:
        """The data version read less than ``PUBLIC_CACHE_LOCAL_SECONDS`` ago, else None."""
        version, read_at = self._version
        return version if time.monotonic() - read_at < settings.PUBLIC_CACHE_LOCAL_SECONDS else None

    def get(self, key: str, version: str):
        entry = self._pages.get(key)
        if entry is None or entry[0] != version:
            return None
        return pickle.loads(entry[1])  # a fresh response object per hit: middleware mutates responses

    def put(self, key: str, version: str, response) -> None:
        self._pages.put(key, (version, pickle.dumps(response)))


_local = _LocalPages()
local_caches.register(_local.clear)


def remember(name: str, compute: Callable[[], object], *, version: str | None = None):
    """A value derived from the public data, computed once per data version (and cache timeout).

    ``version``: the data version when the caller has already read it (one cache read less).
    """
    key = make_key(name, version or data_version())
    value = _cache_get(key)
    if value is None:
        value = compute()
        _cache_set(key, value, _timeout())
    return value


_PER_VERSION: dict[str, tuple[str, float, object]] = {}
local_caches.register(_PER_VERSION.clear)


def per_version(name: str, compute: Callable[[], object], *, version: str | None = None):
    """A small value derived from the public data, kept in this process until the data version changes,
    and for at most ``PUBLIC_CACHE_SECONDS``.

    For values every uncached page needs (the choices of the directory's selects, the names of the
    sectors): unlike ``remember`` it costs no cache read and no unpickling, only the data version's read
    (none when the caller passes the ``version`` it has already read).
    """
    version = version or data_version()
    entry = _PER_VERSION.get(name)
    now = time.monotonic()
    if entry is None or entry[0] != version or now - entry[1] > public_cache_seconds():
        entry = (version, now, compute())
        _PER_VERSION[name] = entry
    return entry[2]


@dataclass(frozen=True)
class Fingerprint:
    """What the database says about the freshness of the map data."""

    token: str
    last_modified: datetime | None


#: The parts of the map data's fingerprint, registered by the apps whose rows the map shows (``ready()``):
#: each returns a token and the latest change of its rows. The kernel imports no app.
_FINGERPRINT_PARTS: list[Callable[[], tuple[str, datetime | None]]] = []


def register_fingerprint(part: Callable[[], tuple[str, datetime | None]]) -> None:
    """Add a part to the map data's fingerprint (once: registering the same callable again is a no-op)."""
    if part not in _FINGERPRINT_PARTS:
        _FINGERPRINT_PARTS.append(part)


def data_fingerprint() -> Fingerprint:
    """What the registered parts say (organisations and poles: two small aggregate queries)."""
    parts = [part() for part in _FINGERPRINT_PARTS]
    stamps = [stamp for _token, stamp in parts if stamp is not None]
    token = "-".join(token for token, _stamp in parts)
    return Fingerprint(token=token, last_modified=max(stamps) if stamps else None)


def make_key(*parts: str) -> str:
    """A short cache key from any number of parts (query strings can be long); distinct parts give
    distinct keys, whatever characters they hold."""
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]
    return f"public:{digest}"


def accepts_gzip(request) -> bool:
    return bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def _is_anonymous_without_state(request) -> bool:
    """A GET with no session and no pending message: the page is the same for every such visitor."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _uses_csp_nonce(request) -> bool:
    """Whether the page embeds this request's Content-Security-Policy nonce.

    django-csp creates the nonce lazily, the first time a template reads ``request.csp_nonce``. A cached
    copy of such a page would replay one visitor's nonce to every other visitor, under a header that no
    longer names it: its scripts would be blocked, and the nonce would stop being a secret.
    """
    return bool(getattr(request, "csp_nonce", None))


def query_limited_to(request, params: frozenset[str]) -> str:
    """Drop from the request every query parameter not in ``params``; return the canonical query of
    those left, the part of a cache key that comes from the URL.

    What the view renders then depends on these parameters only, links and forms included (pagination,
    the language switcher's ``next``): an unknown parameter can change neither the page nor its key.
    """
    query = canonical_query(request.GET, keys=params)
    if query != request.META.get("QUERY_STRING", ""):
        request.GET = QueryDict(query)
        request.META["QUERY_STRING"] = query
    return query


def cache_public_page(view=None, *, params: Iterable[str] = ()):
    """Serve a public page from the cache to anonymous visitors, for the data version, language, path
    and the query parameters the view reads (``params``: its FilterSet's, ``page``…).

    The view sees only those parameters, whoever the visitor (``query_limited_to``), so a page never
    depends on one that is not in its key. Only successful responses that set no cookie and embed no CSP
    nonce are stored. Visitors with a session (coordinators, people who just submitted a form) always
    get a freshly rendered page. Used as ``@cache_public_page`` or ``@cache_public_page(params=…)``.
    """
    if view is None:
        return partial(cache_public_page, params=params)
    params = frozenset(params)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        query = query_limited_to(request, params)
        if not _is_anonymous_without_state(request):
            return view(request, *args, **kwargs)
        gzipped = accepts_gzip(request)
        key = make_key("page", get_language() or "", request.path, query, str(gzipped))
        version = _local.fresh_version()
        if version is not None and (page := _local.get(key, version)) is not None:
            return page
        # One round trip for the data version and the page, stored with the version it was rendered at.
        found = _cache_get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or data_version()
        _local.set_version(version)
        cached = found.get(key)
        if cached is not None and cached[0] == version:
            _local.put(key, version, cached[1])
            return cached[1]
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
        cacheable = not response.cookies and not response.streaming and not _uses_csp_nonce(request)
        if response.status_code == 200 and cacheable:
            if gzipped:
                # Compressed once here rather than by GZipMiddleware on every hit. These pages hold no
                # secret (no CSRF token), so BREACH's per-response padding is not needed.
                response = GZipMiddleware(lambda request: response).process_response(request, response)
            # The ETag ConditionalGetMiddleware would compute on every hit (a hash of the body), once.
            if not response.has_header("ETag"):
                set_response_etag(response)
            _cache_set(key, (version, response), _timeout())
            _local.put(key, version, response)
        return response

    #: What the page is keyed on; read by the tests that walk every cached page.
    wrapped.public_cache_params = params
    return wrapped


def cached_data_response(
    request,
    *,
    name: str,
    params: Iterable[str],
    build: Callable[[], bytes],
    content_type: str,
    filename: str | None = None,
) -> HttpResponse:
    """Serve generated map data from the cache, with ETag/Last-Modified and 304 on revalidation.

    ``params``: the query parameters the data depends on (its FilterSet's); the others are dropped from
    the request before ``build`` runs, as for pages. ``build`` produces the body and raises
    ``InvalidQuery`` for a bad query string (answered 400).
    """
    query = query_limited_to(request, frozenset(params))
    fingerprint = data_fingerprint()
    gzipped = accepts_gzip(request)
    key = make_key(name, data_version(), fingerprint.token, query)
    etag = f'"{key.removeprefix("public:")}{"-gzip" if gzipped else ""}"'
    last_modified = int(fingerprint.last_modified.timestamp()) if fingerprint.last_modified else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return not_modified
    body = _cache_get(f"{key}:gzip") if gzipped else None
    if body is None:
        body = _cache_get(key)
        if body is None:
            try:
                body = build()
            except InvalidQuery as exc:
                return bad_request(exc.errors)
            _cache_set(key, body, _timeout())
        if gzipped:
            body = compress_string(body)
            _cache_set(f"{key}:gzip", body, _timeout())
    response = HttpResponse(body, content_type=content_type)
    patch_vary_headers(response, ["Accept-Encoding"])
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "public, max-age=60"
    response["Access-Control-Allow-Origin"] = "*"
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response

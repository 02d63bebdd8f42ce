"""The caching of the portal: every cache, its key, what invalidates it, how stale and how big it may get.

One idea runs through all of it, as in pretix's ``NamespacedCache``: nothing is deleted to invalidate;
every key holds the **public data version**, and a change to the data renews the version, so that the
old entries are never read again and simply expire.

The public data version
    One row of the database (``core.models.DataVersion``: a counter and the time of the last change), so
    every process on every host, with or without Redis, reads the same version and gives the same
    validators. It is renewed (``bump_data_version``: one ``UPDATE``) when a change to anything the public
    site shows **commits** (``bump_data_version_on_commit``): by signal handlers on the models each app
    registers in its ``ready()`` (``watch_public_data``: saves, deletions, many-to-many links) and by
    the bulk writes of their QuerySets (``PublicDataQuerySet``: ``update()``, ``delete()``,
    ``bulk_create()``, ``bulk_update()``), and on every deploy (``manage.py bump_cache_version``). Never
    before the commit: another worker rendering in between would keep the old rows under the new
    version. A process reads the row again when it last read it more than ``PUBLIC_CACHE_LOCAL_SECONDS``
    ago (one second: at most one small query per second and process); the process that made the
    change sees it at once, the others within that second.

What is kept, under which key, for how long (``PUBLIC_CACHE_SECONDS``, 300 s, bounds every entry: it
caps how long a change that renews no version, a write made in a SQL shell or an event passing, stays
unseen):

=========================  ===============================================  ===========================
what                       key (every one holds the data version)           where, bound
=========================  ===============================================  ===========================
anonymous pages            ``page``, language, path, canonical query of     shared cache (Redis, or the
(``cache_public_page``)    the view's ``params``, gzip                      process's memory without
                                                                            it), and this process's
                                                                            copy: 200 pages, ~15 MB
map data                   the view's name, query of its FilterSet's        shared cache, the body and
(``cached_data_response``) parameters, and the ``PUBLIC_CACHE_SECONDS``     its gzip
                           period (so a write outside Django is seen too)
small derived values       their name                                       this process (``per_version``:
(``per_version``)                                                           select choices, communes)
the directory's searches,  the search, its meaning, the organisation and    this process (``LocalLRU``,
matches and rows           language (``actors.selectors``)                  ~25 MB at 10,000 organisations)
template fragments         the block's parts (``{% cache %}``,              this process, 256 fragments
                           ``core.jinja2``)
=========================  ===============================================  ===========================

Only GETs without a session, a pending message or an ``Authorization`` header are served from the page
cache, and only responses that set no cookie and embed no CSP nonce nor CSRF token are stored. A cache
outage (Redis down) never breaks a page: the view runs uncached (``core.cache`` gives up quickly).

HTTP does its share. A stored page, and the map data, carry ``Cache-Control: public, max-age=N``
(``PUBLIC_HTTP_MAX_AGE``, 30 s), ``Vary: Cookie`` (the language is a cookie) and ``Accept-Encoding``,
and a validator computed from the data alone: the page's body hash, the map data's key (data version and
query) and the data version's time as ``Last-Modified``. So the reverse proxy (``docker/nginx``), a CDN
and browsers may keep them ``N`` seconds and revalidate with a cheap 304 from any process; every other
response is ``private`` (``HttpCachingMiddleware``), and ``no-store`` when it sets a cookie or holds a
CSRF token: a shared cache never holds a form's token or a session's page. A data change is visible
through the proxy within ``N`` seconds plus the version's second.

Every per-process cache registers with ``core.local_caches``, whose ``clear_process_caches()`` empties
them all (the tests, before each test). What each layer buys, measured, is in ``docs/decisions.md``
("Caching").
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, models, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.http import http_date
from django.utils.text import compress_string
from django.utils.translation import get_language

from . import local_caches
from .queries import InvalidQuery, bad_request, canonical_query
from .ratelimit import api_limit_exceeded

logger = logging.getLogger(__name__)

#: The name of the public data's row in ``core.models.DataVersion``.
PUBLIC = "public"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def public_cache_seconds() -> int:
    """How long a cached page, map data, value or fragment may live, whatever the data version says."""
    return settings.PUBLIC_CACHE_SECONDS


def public_cache_control() -> str:
    """The ``Cache-Control`` of what any visitor, proxy or CDN may keep for a short while."""
    return f"public, max-age={settings.PUBLIC_HTTP_MAX_AGE}"


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # a cache outage (Redis down) must never break a public page
        logger.warning("cache unavailable: get %s", key, exc_info=True)
        return None


def _cache_set(key: str, value, timeout: int | None) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:  # same as above: run uncached
        logger.warning("cache unavailable: set %s", key, exc_info=True)


def make_key(*parts: str) -> str:
    """A short cache key from any number of parts (query strings can be long); distinct parts give
    distinct keys, whatever characters they hold."""
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]
    return f"public:{digest}"


# --- The public data version -------------------------------------------------------------------------


class _VersionMemo:
    """The data version as this process last read it, and when (a tuple swapped whole: thread-safe)."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.value: tuple[str, datetime | None, float] = ("", None, float("-inf"))


_memo = _VersionMemo()
local_caches.track(_memo)


def _read_version() -> tuple[str, datetime | None]:
    from .models import DataVersion  # the kernel's models: imported when first used, after app loading

    try:
        row = DataVersion.objects.filter(name=PUBLIC).values_list("counter", "changed_at").first()
    except DatabaseError:  # a database not migrated yet: pages still answer, uncached
        logger.warning("public data version unreadable: pages are served uncached", exc_info=True)
        return ("", None)
    # No row: a database emptied by a test, before its first change.
    version = ("0", None) if row is None else (f"{row[0]}-{int(row[1].timestamp() * 1000)}", row[1])
    _memo.value = (*version, time.monotonic())
    return version


def data_version() -> str:
    """The data version as the database has it now (one query)."""
    return _read_version()[0]


def current_version() -> tuple[str, datetime | None]:
    """The data version and the time of the change that made it, as this process last read them, read
    again when that was more than ``PUBLIC_CACHE_LOCAL_SECONDS`` ago."""
    token, changed_at, read_at = _memo.value
    if time.monotonic() - read_at < settings.PUBLIC_CACHE_LOCAL_SECONDS:
        return token, changed_at
    return _read_version()


def current_data_version() -> str:
    """The data version as this process last read it (at most ``PUBLIC_CACHE_LOCAL_SECONDS`` ago)."""
    return current_version()[0]


def bump_data_version() -> None:
    """Renew the data version now: every cached page, map and value is stale (a deploy, a benchmark).

    After a write, use ``bump_data_version_on_commit``: renewing the version before the write commits
    lets another worker keep the old rows under the new version.
    """
    from .models import DataVersion

    now = timezone.now()
    if not DataVersion.objects.filter(name=PUBLIC).update(counter=F("counter") + 1, changed_at=now):
        DataVersion.objects.get_or_create(name=PUBLIC, defaults={"counter": 1, "changed_at": now})
    _read_version()


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


# --- What a process keeps ----------------------------------------------------------------------------


class LocalLRU:
    """Values kept in this process, the least recently used dropped first while their total weight is
    over ``size`` (by default each weighs one), each for at most ``PUBLIC_CACHE_SECONDS``.

    Its keys hold the public data version when the values come from the data, so a change is never
    served stale; the time bound caps how long a change that renews no version can stay unseen.
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


_PER_VERSION: dict[str, tuple[str, float, object]] = {}
local_caches.register(_PER_VERSION.clear)


def per_version(name: str, compute: Callable[[], object], *, version: str | None = None):
    """A small value derived from the public data, kept in this process until the data version changes,
    and for at most ``PUBLIC_CACHE_SECONDS`` (the choices of the directory's selects, the communes by
    name): no cache read, no unpickling. ``version``: the data version when the caller has read it."""
    version = version or current_data_version()
    entry = _PER_VERSION.get(name)
    now = time.monotonic()
    if entry is None or entry[0] != version or now - entry[1] > public_cache_seconds():
        entry = (version, now, compute())
        _PER_VERSION[name] = entry
    return entry[2]


#: This process's copy of recent pages (pickled: middleware mutates responses, each hit gets its own).
_local_pages = LocalLRU(200)


# --- Pages and map data ------------------------------------------------------------------------------


def accepts_gzip(request) -> bool:
    return bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def is_anonymous_without_state(request) -> bool:
    """A GET with no session, no pending message and no credentials: the page is the same for every
    such visitor."""
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def holds_request_secret(request, response) -> bool:
    """Whether the response belongs to this visitor alone: it sets a cookie, holds a CSRF token, or
    embeds this request's Content-Security-Policy nonce.

    django-csp creates the nonce lazily, the first time a template reads ``request.csp_nonce``. A cached
    copy of such a page would replay one visitor's nonce to every other visitor, under a header that no
    longer names it: its scripts would be blocked, and the nonce would stop being a secret.
    """
    return bool(
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or getattr(request, "csp_nonce", None)
    )


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
    depends on one that is not in its key. Only successful responses that hold no visitor's secret are
    stored, with the HTTP headers that let a proxy keep them. Visitors with a session (coordinators,
    people who just submitted a form) always get a freshly rendered page. Used as
    ``@cache_public_page`` or ``@cache_public_page(params=…)``.
    """
    if view is None:
        return partial(cache_public_page, params=params)
    params = frozenset(params)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        query = query_limited_to(request, params)
        if not is_anonymous_without_state(request):
            return view(request, *args, **kwargs)
        gzipped = accepts_gzip(request)
        version = current_data_version()
        if not version:  # unreadable (see ``_read_version``)
            return view(request, *args, **kwargs)
        key = make_key("page", version, get_language() or "", request.path, query, str(gzipped))
        stored = _local_pages.get(key)
        if stored is None and (stored := _cache_get(key)) is not None:
            _local_pages.put(key, stored)
        if stored is not None:
            return pickle.loads(stored)
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
        if (
            response.status_code == 200
            and not response.streaming
            and not holds_request_secret(request, response)
        ):
            # The validator: a hash of the body before compression (GZipMiddleware pads each compressed
            # body at random), so the same in every process that renders the same data.
            if not response.has_header("ETag"):
                set_response_etag(response)
            if gzipped:  # compressed once here rather than by GZipMiddleware on every hit (its ETag weak)
                response = GZipMiddleware(lambda request: response).process_response(request, response)
            response["Cache-Control"] = public_cache_control()
            patch_vary_headers(response, ["Cookie"])
            stored = pickle.dumps(response)
            _cache_set(key, stored, public_cache_seconds())
            _local_pages.put(key, stored)
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
    rate_limit_group: str | None = None,
) -> HttpResponse:
    """Serve generated map data from the cache, with ETag/Last-Modified and 304 on revalidation.

    ``params``: the query parameters the data depends on (its FilterSet's); the others are dropped from
    the request before ``build`` runs, as for pages. ``build`` produces the body and raises
    ``InvalidQuery`` for a bad query string (answered 400). A revalidation costs no query (the data
    version is read at most once a second), and its answer is the same from every process.
    ``rate_limit_group``: the ``API_RATE`` limit's group, counted for every request but a revalidation
    answered 304 (no Redis round trip: it transfers nothing).
    """
    query = query_limited_to(request, frozenset(params))
    version, changed_at = current_version()
    if not version:  # unreadable (see ``_read_version``): built for this request only
        if rate_limit_group and (limited := api_limit_exceeded(request, rate_limit_group)) is not None:
            return limited
        try:
            return HttpResponse(build(), content_type=content_type)
        except InvalidQuery as exc:
            return bad_request(exc.errors)
    period = int(time.time() // public_cache_seconds())
    gzipped = accepts_gzip(request)
    key = make_key(name, version, str(period), query)
    etag = f'"{key.removeprefix("public:")}{"-gzip" if gzipped else ""}"'
    # The later of the last change and the start of the period: it moves with the ETag.
    last_modified = max(int(changed_at.timestamp()) if changed_at else 0, period * public_cache_seconds())
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = public_cache_control()
        patch_vary_headers(not_modified, ["Accept-Encoding"])
        return not_modified
    if rate_limit_group and (limited := api_limit_exceeded(request, rate_limit_group)) is not None:
        return limited
    body = _cache_get(f"{key}:gzip") if gzipped else None
    if body is None:
        body = _cache_get(key)
        if body is None:
            try:
                body = build()
            except InvalidQuery as exc:
                return bad_request(exc.errors)
            _cache_set(key, body, public_cache_seconds())
        if gzipped:
            body = compress_string(body)
            _cache_set(f"{key}:gzip", body, public_cache_seconds())
    response = HttpResponse(body, content_type=content_type)
    patch_vary_headers(response, ["Accept-Encoding"])
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = public_cache_control()
    response["Access-Control-Allow-Origin"] = "*"
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response

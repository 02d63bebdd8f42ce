"""Rate limits of the public site, per client address (django-ratelimit), surviving a cache outage.

Every limit goes through :func:`rate_limited`, which counts per client address as
``core.client_ip`` reads it (``CLIENT_IP_HEADER`` behind the proxy, else the connection
address); an IPv6 client counts by its /64 network, as django-ratelimit's own "ip" key does, since one
subscriber holds a whole /64.

django-ratelimit counts in the cache. The project's Redis cache (``core.cache``) already turns an
outage into misses; a plain Redis cache raises instead, so the call is also guarded here. Either way
``settings.RATELIMIT_FAIL_OPEN`` decides: open (the default) lets requests through while the cache is
down, closed refuses them. The README explains the choice.
"""

import ipaddress
import logging
import re
from functools import wraps
from http import HTTPStatus

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from .client_ip import client_ip

logger = logging.getLogger(__name__)

#: django-ratelimit's rate syntax: a count, then per an optional multiple of s, m, h or d ("300/m").
RATE = re.compile(r"(\d+)/(\d*)([smhdSMHD])?")
_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
IPV6_PREFIX = 64


def client_key(group: str, request) -> str:
    """The django-ratelimit key of a request: its client's address (IPv6: the /64 network)."""
    address = client_ip(request)
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return address


def rate_limited(request, *, group: str, rate: str, method: str = "POST") -> bool:
    """True when this client address has gone over ``rate`` (e.g. "10/h") for ``group``; counts the request."""
    try:
        return is_ratelimited(request, group=group, key=client_key, rate=rate, method=method, increment=True)
    except (RedisError, OSError):
        logger.warning(
            "rate limit cache unavailable for %s; failing %s",
            group,
            "open" if settings.RATELIMIT_FAIL_OPEN else "closed",
        )
        return not settings.RATELIMIT_FAIL_OPEN


def _period_seconds(rate: str) -> int:
    """The window of a django-ratelimit rate, read as it reads it: "300/m" → 60, "10/5m" → 300."""
    _count, multiplier, unit = RATE.match(rate).groups()
    return int(multiplier or 1) * _PERIOD_SECONDS[(unit or "s").lower()]


def api_limit_exceeded(request, group: str) -> JsonResponse | None:
    """Count a request to a public data view; over ``settings.API_RATE`` GET requests per client
    address, the answer: a 429 with a French JSON message and a ``Retry-After`` header."""
    if not rate_limited(request, group=group, rate=settings.API_RATE, method="GET"):
        return None
    response = JsonResponse(
        {"error": gettext("Too many requests: please try again later.")},
        status=HTTPStatus.TOO_MANY_REQUESTS,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(_period_seconds(settings.API_RATE))
    return response


def api_rate_limited(group: str):
    """Limit a public data view (GeoJSON, CSV) to ``settings.API_RATE`` GET requests per client address
    (:func:`api_limit_exceeded`). The map data counts inside ``cached_data_response`` instead, after
    answering revalidations: a 304 costs less than counting it."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return api_limit_exceeded(request, group) or view(request, *args, **kwargs)

        return wrapped

    return decorator

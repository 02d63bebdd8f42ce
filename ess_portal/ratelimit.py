"""Rate limits of the public site, per client address (django-ratelimit), surviving a cache outage.

django-ratelimit counts in the cache. The project's Redis cache (``ess_portal.cache``) already turns an
outage into misses; a plain Redis cache raises instead, so the call is also guarded here. Either way
``settings.RATELIMIT_FAIL_OPEN`` decides: open (the default) lets requests through while the cache is
down, closed refuses them. The README explains the choice.
"""

import logging

from django.conf import settings
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def rate_limited(request, *, group: str, rate: str, method: str = "POST") -> bool:
    """True when this client address has gone over ``rate`` (e.g. "10/h") for ``group``; counts the request."""
    try:
        return is_ratelimited(request, group=group, key="ip", rate=rate, method=method, increment=True)
    except (RedisError, OSError):
        logger.warning(
            "rate limit cache unavailable for %s; failing %s",
            group,
            "open" if settings.RATELIMIT_FAIL_OPEN else "closed",
        )
        return not settings.RATELIMIT_FAIL_OPEN

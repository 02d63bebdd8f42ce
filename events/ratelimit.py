"""Rate limit of the registration form per client address (django-ratelimit), surviving a cache outage.

django-ratelimit counts in the cache. Django's Redis cache raises when Redis is down, which
django-ratelimit does not catch, so the call is wrapped here and ``settings.RATELIMIT_FAIL_OPEN``
decides: open (the default) lets registrations through while the cache is down, closed refuses them.
"""

import logging

from django.conf import settings
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def registration_rate_limited(request) -> bool:
    """True when this address has posted more registrations than ``settings.REGISTRATION_RATE``."""
    try:
        return is_ratelimited(
            request,
            group="events.registration",
            key="ip",
            rate=settings.REGISTRATION_RATE,
            method="POST",
            increment=True,
        )
    except (RedisError, OSError):
        logger.warning(
            "Rate limit cache unavailable; failing %s", "open" if settings.RATELIMIT_FAIL_OPEN else "closed"
        )
        return not settings.RATELIMIT_FAIL_OPEN

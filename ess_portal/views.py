"""Site-wide views: home, health, about."""

import hmac
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from actors.models import Actor
from core.public_cache import cache_public_page
from events.models import Event
from poles.selectors import public_poles


@method_decorator(cache_public_page, name="dispatch")
class HomeView(TemplateView):
    """The home page: the map of the organisations, the poles, the next events."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["poles"] = public_poles().order_by("status", "name")
        context["actor_count"] = Actor.objects.published().count()
        context["next_events"] = Event.objects.published().upcoming().select_related("pole", "commune")[:5]
        return context


@method_decorator(cache_public_page, name="dispatch")
class AboutView(TemplateView):
    template_name = "about.html"


@cache_public_page
def robots_txt(request):
    """robots.txt: everything public may be indexed, except the back-office and personal pages."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /inscription/",
        "Disallow: /i18n/",
        "Disallow: /api/",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down" for a load balancer
        return {"status": "down", "error": exc.__class__.__name__}
    return {"status": "ok", "vendor": connection.vendor}


def _broker_status() -> dict:
    if not settings.REDIS_URL:
        return {"status": "eager", "detail": "no REDIS_URL: tasks run in-process"}
    import redis

    timeout = settings.REDIS_TIMEOUT
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except redis.RedisError as exc:
        return {"status": "down", "error": exc.__class__.__name__}
    finally:
        client.close()
    return {"status": "ok"}


def _beat_status() -> dict:
    from datetime import datetime

    from .tasks import HEARTBEAT_KEY

    try:
        last = cache.get(HEARTBEAT_KEY)
    except Exception as exc:  # the cache is Redis in production; an outage must not break health
        return {"status": "unknown", "error": exc.__class__.__name__}
    if not last:
        return {"status": "unknown", "last_run": None, "age_seconds": None}
    age = (timezone.now() - datetime.fromisoformat(last)).total_seconds()
    return {"status": "ok" if age < 300 else "late", "last_run": last, "age_seconds": round(age)}


def _is_monitoring(request) -> bool:
    """Whether the request carries ``Authorization: Bearer <HEALTH_TOKEN>`` (never, with no token set)."""
    token = settings.HEALTH_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())


@never_cache
def health(request):
    """The status for load balancers: ``{"status": "ok"}``, or "down" with HTTP 503 when the database is
    unreachable. A broker outage does not make the site unhealthy: registrations still succeed and their
    emails wait in the outbox for the sweep.

    Only the monitoring (``Authorization: Bearer <HEALTH_TOKEN>``) gets the details: database vendor,
    broker and the age of the last beat run. The public answer calls nothing but the database; every
    Redis call of the details gives up after ``REDIS_TIMEOUT``.
    """
    database = _database_status()
    payload = {"status": "ok" if database["status"] == "ok" else "down"}
    if _is_monitoring(request):
        payload.update(
            time=timezone.now().isoformat(), database=database, broker=_broker_status(), beat=_beat_status()
        )
    status = HTTPStatus.OK if database["status"] == "ok" else HTTPStatus.SERVICE_UNAVAILABLE
    return JsonResponse(payload, status=status)

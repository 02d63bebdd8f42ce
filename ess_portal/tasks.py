"""Site-wide periodic tasks."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "celery:heartbeat"


@shared_task(name="ess_portal.heartbeat")
def heartbeat() -> str:
    """Record when a worker last ran a task sent by the beat (scheduled, or at its start), so that /sante/
    can report the beat's age."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now

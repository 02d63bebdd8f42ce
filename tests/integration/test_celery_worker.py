import pytest
from django.core.cache import cache

from ess_portal.tasks import HEARTBEAT_KEY, heartbeat
from tests.integration.conftest import running_worker, wait_for


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_sent_through_redis(settings):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    cache.delete(HEARTBEAT_KEY)
    with running_worker():
        heartbeat.apply_async()
        recorded = wait_for(lambda: cache.get(HEARTBEAT_KEY))
    assert recorded


@pytest.mark.django_db(transaction=True)
def test_health_reports_the_age_of_the_last_beat_run(client, settings):
    settings.HEALTH_TOKEN = "monitoring-token"
    cache.delete(HEARTBEAT_KEY)
    with running_worker({"HEARTBEAT_SECONDS": "1"}, beat=True):
        wait_for(lambda: cache.get(HEARTBEAT_KEY), timeout=45)
    payload = client.get("/sante/", headers={"Authorization": "Bearer monitoring-token"}).json()
    assert payload["beat"]["status"] == "ok"
    assert payload["beat"]["age_seconds"] < 120


@pytest.mark.django_db(transaction=True)
def test_a_beat_that_starts_reports_itself_at_once():
    """A freshly deployed beat shows on /sante/ at once, not one heartbeat period later."""
    cache.delete(HEARTBEAT_KEY)
    with running_worker({"HEARTBEAT_SECONDS": "3600"}, beat=True):
        recorded = wait_for(lambda: cache.get(HEARTBEAT_KEY), timeout=30)
    assert recorded

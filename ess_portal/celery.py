"""The Celery application: configured from Django settings (``CELERY_`` namespace), tasks autodiscovered."""

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ess_portal.settings")

app = Celery("ess_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def _heartbeat_when_beat_starts(**kwargs):
    """A beat's schedule first runs the heartbeat one period after it starts: send one at start, so that
    /sante/ shows a freshly deployed beat at once."""
    app.send_task("ess_portal.heartbeat")

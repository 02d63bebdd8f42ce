"""The Celery application: configured from Django settings (``CELERY_`` namespace), tasks autodiscovered."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ess_portal.settings")

app = Celery("ess_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

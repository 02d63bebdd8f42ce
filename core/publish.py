"""Handing work to the Celery worker by task name, so that a service never imports its tasks module
(which imports the service: a cycle) nor a task of an app above its own."""

from __future__ import annotations

from celery import current_app


def publish_task(name: str, *args, **options):
    """``apply_async`` on the task registered as ``name`` (its explicit ``name=``): eager when the
    settings say so (no Redis), like a call on the task object itself."""
    return current_app.tasks[name].apply_async(args, **options)

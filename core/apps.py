from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The kernel: geometry, text, validators, caches, rate limits, security headers, widgets and the
    Jinja2 environment. It imports no app of the portal (``make lint`` checks it)."""

    name = "core"
    verbose_name = "Core"

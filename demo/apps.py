from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data and its loader (``load_demo``, ``make run``): above every app, imported by none."""

    name = "demo"
    verbose_name = "Demo"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Activity reports")

    def ready(self):
        from . import signals, tasks  # noqa: F401 - tasks registered by name (services publish them by name)

        signals.connect()

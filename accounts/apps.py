from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and security")

    def ready(self):
        from . import (
            signals,  # noqa: F401  (login records, back-office sessions)
            tasks,  # noqa: F401 - registers the tasks by name (services publish them by name)
        )

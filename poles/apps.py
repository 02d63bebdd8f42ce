from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolesConfig(AppConfig):
    name = "poles"
    verbose_name = _("Poles and territories")

    def ready(self):
        from core.public_cache import watch_public_data

        from .models import Commune, Epci, Partner, Pole, Support

        watch_public_data(
            Pole, Support, Partner, Commune, Epci, relations=[Pole.epcis.through, Pole.communes.through]
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "actors"
    verbose_name = _("Member organisations")

    def ready(self):
        from core.public_cache import watch_public_data
        from poles.coverage import contribute_member_counts
        from poles.selectors import contribute_pole_annotations, contribute_pole_sections

        from . import tasks  # noqa: F401 - registers the tasks by name (services publish them by name)
        from .models import Actor, Sector
        from .selectors import pole_member_count, pole_member_counts_by_commune, pole_members

        watch_public_data(Actor, Sector, relations=[Actor.sectors.through])
        contribute_pole_annotations(pole_member_count)
        contribute_pole_sections(pole_members)
        contribute_member_counts(pole_member_counts_by_commune)

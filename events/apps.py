from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Meetings and workshops")

    def ready(self):
        from core.public_cache import watch_public_data
        from poles.selectors import contribute_pole_annotations, contribute_pole_sections

        from . import tasks  # noqa: F401 - registers the tasks by name (services publish them by name)
        from .models import Event, Workshop
        from .selectors import pole_events, pole_next_event

        watch_public_data(Event, Workshop, relations=[Workshop.participants.through])
        contribute_pole_annotations(pole_next_event)
        contribute_pole_sections(pole_events)

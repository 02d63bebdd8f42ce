from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def seats_changed(sender, instance, created=False, **kwargs):
    """A registration saved or deleted may change the seats the public pages show (places left, full):
    renew the data version once it commits. A new registration waits for its confirmation and takes no
    seat yet, so it changes nothing public. Cache invalidation only, never a business rule."""
    from core.public_cache import bump_data_version_on_commit

    if created and instance.status == instance.Status.PENDING:
        return
    bump_data_version_on_commit(kwargs.get("using"))


def watch_seats():
    from django.db.models.signals import post_delete, post_save

    from .models import Registration

    post_save.connect(seats_changed, sender=Registration, dispatch_uid="events-seats-save")
    post_delete.connect(seats_changed, sender=Registration, dispatch_uid="events-seats-delete")


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
        watch_seats()
        contribute_pole_annotations(pole_next_event)
        contribute_pole_sections(pole_events)

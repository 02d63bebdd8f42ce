from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from poles.services_backoffice import poles_outline_refresh


class Command(BaseCommand):
    """Derive every pole's outline again from its territory's communes.

    Outlines follow territory changes by themselves; this is for when the commune outlines change
    (a new ``poles/data/communes-contours.geojson``). Idempotent: an outline that is already right is
    not written.
    """

    help = "Derive every pole's territory outline again from the outlines of its communes."

    def handle(self, *args, verbosity=1, **options):
        changed = poles_outline_refresh()
        if verbosity >= 1:
            self.stdout.write(
                ngettext(
                    "Outlines derived again: %(count)d changed.",
                    "Outlines derived again: %(count)d changed.",
                    changed,
                )
                % {"count": changed}
            )

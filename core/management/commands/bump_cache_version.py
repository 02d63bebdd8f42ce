"""Make every cached public page and map stale, e.g. after a deploy."""

from django.core.management.base import BaseCommand

from core.public_cache import bump_data_version


class Command(BaseCommand):
    """Renew the public data version (a row of the database), so that no page rendered by the previous
    release is served.

    Cached pages are keyed on the data version, not on the code: a new release changing a template
    would otherwise keep serving the old pages until they expire. ``docker/entrypoint.sh`` runs this
    when the web service starts.
    """

    help = "Invalidate the cached public pages and map data (run on every deploy)."

    def handle(self, *args, **options):
        bump_data_version()
        self.stdout.write(self.style.SUCCESS("Public page cache invalidated."))

"""Make every cached public page and map stale, e.g. after a deploy."""

from django.core.cache import cache
from django.core.management.base import BaseCommand

from core.public_cache import VERSION_KEY, bump_data_version


class Command(BaseCommand):
    """Replace the public data version, so that no page rendered by the previous release is served.

    Cached pages are keyed on the data version, not on the code: a new release changing a template
    would otherwise keep serving the old pages until they expire. ``docker/entrypoint.sh`` runs this
    when the web service starts. An unreachable cache is reported, not fatal: it holds nothing stale.
    """

    help = "Invalidate the cached public pages and map data (run on every deploy)."

    def handle(self, *args, **options):
        bump_data_version()
        if cache.get(VERSION_KEY) is None:
            self.stderr.write(self.style.WARNING("Cache unreachable: nothing to invalidate."))
        else:
            self.stdout.write(self.style.SUCCESS("Public page cache invalidated."))

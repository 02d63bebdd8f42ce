from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from actors.services.reference import reference_data_load
from poles.services import COMMUNES_CSV, EPCIS_CSV, ReferenceDataError


class Command(BaseCommand):
    """Load the communes and EPCIs of Brittany and seed the sectors (``make run`` calls it on every start).

    Idempotent: running it again changes nothing unless the files changed. A file with a bad row is
    refused as a whole: the command lists each bad row (line and reason), loads nothing and exits non-zero.
    """

    help = "Load the reference data (communes, intercommunalities) and seed the sectors. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--communes", default=str(COMMUNES_CSV), help="CSV file of the communes.")
        parser.add_argument("--epcis", default=str(EPCIS_CSV), help="CSV file of the intercommunalities.")

    def handle(self, *args, communes, epcis, verbosity=1, **options):
        try:
            report = reference_data_load(communes_path=communes, epcis_path=epcis)
        except ReferenceDataError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if verbosity >= 2 or (verbosity >= 1 and report.changed):
            self.stdout.write(str(report))
        elif verbosity >= 1:
            self.stdout.write(
                _("Reference data up to date: %(epcis)d intercommunalities, %(communes)d communes.")
                % {"epcis": report.epcis_total, "communes": report.communes_total}
            )

"""``manage.py erase_personal_data EMAIL --yes``: erase everything held about one email address."""

from django.core.management.base import BaseCommand, CommandError

from events import services


class Command(BaseCommand):
    help = (
        "Erase everything held about one email address (right to erasure): upcoming registrations are "
        "cancelled (the waiting list moves on), then every registration of the address is anonymised."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Confirm: the erasure cannot be undone.")

    def handle(self, *args, email, yes, **options):
        if not yes:
            raise CommandError("Add --yes to confirm: the erasure cannot be undone.")
        count = services.personal_data_erase(email=email)
        self.stdout.write(self.style.SUCCESS(f"{count} registration(s) anonymised for {email}."))

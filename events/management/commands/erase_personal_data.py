"""``manage.py erase_personal_data EMAIL --yes``: erase everything held about one email address."""

from django.core.management.base import BaseCommand, CommandError

from events.services import personal_data


class Command(BaseCommand):
    help = (
        "Erase everything held about one email address (right to erasure), in every place of "
        "events.services.personal_data: upcoming registrations are cancelled (the waiting list moves on), every "
        "registration of the address is anonymised, its emails, proposals' contact details and login "
        "records deleted, and its name removed from the admin history."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Confirm: the erasure cannot be undone.")

    def handle(self, *args, email, yes, **options):
        if not yes:
            raise CommandError("Add --yes to confirm: the erasure cannot be undone.")
        counts = personal_data.personal_data_erase(email=email)
        self.stdout.write(self.style.SUCCESS(f"Erased for {email}: {personal_data.erased_summary(counts)}."))

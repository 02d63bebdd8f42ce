"""``manage.py export_personal_data EMAIL``: print, as JSON, everything held about one email address."""

import json

from django.core.management.base import BaseCommand

from events.services import personal_data


class Command(BaseCommand):
    help = (
        "Print as JSON everything the portal holds about one email address (right of access), one key "
        "per place of events.services.personal_data."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        data = personal_data.personal_data_export(email=email)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

"""``manage.py export_personal_data EMAIL``: print, as JSON, everything held about one email address."""

import json

from django.core.management.base import BaseCommand

from core.audit import audit_record
from core.models import AuditEvent
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
        audit_record(
            action=AuditEvent.Action.EXPORT, username="manage.py", what=f"export_personal_data ({email})"
        )
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

"""``manage.py send_due_emails``: run the outbox sweep once, without a worker (cron, debugging)."""

from django.core.management.base import BaseCommand

from events.services import outbox


class Command(BaseCommand):
    help = "Write the reminders that fell due and send every due, unsent email (what the beat runs)."

    def handle(self, *args, **options):
        sent = outbox.emails_send_due()
        self.stdout.write(f"{sent} email(s) sent.")

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from demo.loader import DemoError, demo_load


class Command(BaseCommand):
    """Load the demo data: 14 poles, their partners, ~350 fictitious organisations, workshops, events and
    the demo accounts (``make run`` calls it on every start).

    Idempotent: a second run creates nothing and changes nothing; existing demo accounts keep their
    passwords. The passwords of the accounts it creates are printed once, even with ``-v 0``, and stored
    nowhere else.
    """

    help = "Load the demo data (poles, organisations, events, demo accounts). Idempotent."

    def handle(self, *args, verbosity=1, **options):
        try:
            report = demo_load()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc

        if verbosity >= 1:
            if report.created_anything:
                created = report.created
                self.stdout.write(
                    _(
                        "Demo data loaded: %(poles)d poles, %(actors)d organisations, %(workshops)d workshops, "
                        "%(events)d events, %(partners)d partners created."
                    )
                    % {
                        key: created.get(key, 0)
                        for key in ("poles", "actors", "workshops", "events", "partners")
                    }
                )
            else:
                self.stdout.write(_("Demo data already loaded: nothing to create."))

        new = [account for account in report.accounts if account.password]
        kept = [account.username for account in report.accounts if not account.password]
        if new:
            self.stdout.write(
                self.style.WARNING(
                    ngettext(
                        "Demo account created (note its password: it will not be shown again):",
                        "Demo accounts created (note their passwords: they will not be shown again):",
                        len(new),
                    )
                )
            )
            for account in new:
                self.stdout.write(
                    _("  %(username)s (%(role)s), password: %(password)s")
                    % {"username": account.username, "role": account.role, "password": account.password}
                )
        if kept and verbosity >= 1:
            self.stdout.write(
                _("Existing demo accounts, passwords unchanged: %(usernames)s.")
                % {"usernames": ", ".join(kept)}
            )

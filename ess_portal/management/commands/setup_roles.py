"""Create the back-office roles and their model permissions (``make run`` calls it on every start)."""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from poles.models import COORDINATOR_GROUP, REGIONAL_GROUP

ALL = ("view", "add", "change", "delete")

#: Model permissions of each group, as {app_label.model: actions}. Scoping to the user's own poles is
#: not a permission: poles.admin_scoping.PoleScopedAdmin applies it in every admin view.
ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    REGIONAL_GROUP: {
        "poles.pole": ALL,
        "poles.support": ALL,
        "poles.partner": ALL,
        "poles.epci": ALL,
        "poles.commune": ALL,
        "actors.sector": ALL,
        "actors.actor": ALL,
        "actors.importjob": ("view", "delete"),
        "actors.proposalemail": ("view",),
        "actors.actorchange": ("view", "change"),
        "actors.errorreport": ("view", "change", "delete"),
        "actors.errorreportemail": ("view",),
        "events.workshop": ALL,
        "events.event": ALL,
        "events.registration": ALL,
        "events.emailrecord": ("view",),
        "auth.user": ALL,
        "auth.group": ("view",),
        "axes.accessattempt": ("view", "delete"),
        "axes.accesslog": ("view",),
        "accounts.invitation": ("view", "add"),
        "accounts.accountemail": ("view",),
        "core.auditevent": ("view",),
    },
    COORDINATOR_GROUP: {
        "poles.pole": ("view", "change"),
        "poles.support": ALL,
        "poles.partner": ("view", "add"),
        "poles.epci": ("view",),
        "poles.commune": ("view",),
        "actors.sector": ("view",),
        "actors.actor": ALL,
        "actors.importjob": ("view",),
        "actors.proposalemail": ("view",),
        "actors.actorchange": ("view", "change"),
        "actors.errorreport": ("view", "change", "delete"),
        "actors.errorreportemail": ("view",),
        "events.workshop": ALL,
        "events.event": ALL,
        "events.registration": ALL,
        "events.emailrecord": ("view",),
    },
}


def roles_setup() -> dict[str, int]:
    """Create or update the groups so that each has exactly the permissions of ``ROLES``.

    Idempotent: running it again changes nothing; a permission removed from ``ROLES`` is withdrawn.
    Models of apps that are not installed are skipped. Returns the number of permissions per group.
    """
    counts = {}
    with transaction.atomic():
        for group_name, models in ROLES.items():
            group, _created = Group.objects.get_or_create(name=group_name)
            wanted = []
            for label, actions in models.items():
                app_label, model = label.split(".")
                codenames = [f"{action}_{model}" for action in actions]
                wanted.extend(
                    Permission.objects.filter(
                        content_type__app_label=app_label, content_type__model=model, codename__in=codenames
                    )
                )
            group.permissions.set(wanted)
            counts[group_name] = len(wanted)
    return counts


class Command(BaseCommand):
    """Idempotent: creates the "Équipe régionale" and "Coordinateurs" groups with their permissions."""

    help = "Create or update the back-office groups (regional team, coordinators) and their permissions."

    def handle(self, *args, **options):
        for group, count in roles_setup().items():
            self.stdout.write(f"{group}: {count} permissions")

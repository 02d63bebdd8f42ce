"""The membership history follows every save of an organisation (``reports.memberships.memberships_sync``).

Bulk writes that bypass ``save()`` (an adoption by "Rattacher à mon pôle", an import) are caught up by
the same function before every report, dated by the organisation's last change.
"""

from django.db.models.signals import post_save


def _actor_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .memberships import memberships_sync

    memberships_sync(actor_ids=[instance.pk])


def connect():
    from actors.models import Actor

    post_save.connect(_actor_saved, sender=Actor, dispatch_uid="reports_membership_follows_actor")

"""Every current member gets one open membership, from its member_since (else the day it was created).

Before this app the portal kept only the current pole and member_since: what happened earlier cannot be
recovered, so the history starts there. Pending or rejected public proposals are not members.
"""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Actor = apps.get_model("actors", "Actor")
    Membership = apps.get_model("reports", "Membership")
    rows = (
        Actor.objects.filter(pole__isnull=False)
        .exclude(review_status__in=["pending", "rejected"])
        .values_list("pk", "pole_id", "member_since", "created_at")
    )
    batch = []
    for pk, pole_id, since, created in rows.iterator(chunk_size=2000):
        started = since or timezone.localtime(created).date()
        batch.append(Membership(actor_id=pk, pole_id=pole_id, started_on=started))
        if len(batch) >= 2000:
            Membership.objects.bulk_create(batch)
            batch = []
    Membership.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("actors", "0004_import_job"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

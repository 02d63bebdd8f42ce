"""The membership history of the poles (``Membership``), kept true by :func:`memberships_sync`.

:func:`memberships_sync` makes ``Membership`` agree with the organisations' current pole, in a fixed
number of queries: an open membership whose organisation is no longer a member of that pole is closed,
and a member without an open membership of its pole gets one. It runs on every save of an organisation
(``reports.signals``) and before every report, so bulk writes that bypass ``save()`` are caught up too.
Dates: a membership starts on ``member_since`` when it is set and not older than the organisation's
previous membership, else on the day of the organisation's last change (``updated_at``), which is also
the day a closed membership ends.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, QuerySet
from django.utils import timezone

from actors.models import Actor

from .models import Membership


def members_queryset() -> QuerySet[Actor]:
    """The organisations that are members of a pole now: a pole, and not a pending or rejected proposal."""
    return Actor.objects.filter(pole__isnull=False).exclude(
        review_status__in=[Actor.Review.PENDING, Actor.Review.REJECTED]
    )


def _day(moment: datetime | None, fallback: date) -> date:
    return timezone.localtime(moment).date() if moment else fallback


def memberships_sync(*, actor_ids=None, today: date | None = None) -> tuple[int, int]:
    """Close and open memberships so that the history matches every organisation's current pole.

    Returns (closed, opened). ``actor_ids`` limits the work to those organisations.
    """
    today = today or timezone.localdate()
    members = members_queryset()
    open_rows = Membership.objects.filter(ended_on__isnull=True)
    if actor_ids is not None:
        members = members.filter(pk__in=actor_ids)
        open_rows = open_rows.filter(actor_id__in=actor_ids)
    with transaction.atomic():
        still = members.filter(pk=OuterRef("actor_id"), pole_id=OuterRef("pole_id"))
        stale = list(
            open_rows.exclude(Exists(still)).select_related("actor").only("started_on", "actor__updated_at")
        )
        for membership in stale:
            membership.ended_on = max(membership.started_on, _day(membership.actor.updated_at, today))
        Membership.objects.bulk_update(stale, ["ended_on"])

        # A member_since corrected by hand moves the start of the running membership (unless it would
        # reach back into an earlier membership).
        earlier = Membership.objects.filter(
            actor_id=OuterRef("actor_id"),
            ended_on__isnull=False,
            ended_on__gt=OuterRef("actor__member_since"),
        )
        moved = list(
            Membership.objects.filter(ended_on__isnull=True, actor__member_since__isnull=False)
            .filter(**({"actor_id__in": actor_ids} if actor_ids is not None else {}))
            .exclude(started_on=F("actor__member_since"))
            .exclude(Exists(earlier))
            .annotate(since=F("actor__member_since"))
        )
        for membership in moved:
            membership.started_on = membership.since
        Membership.objects.bulk_update(moved, ["started_on"])

        running = Membership.objects.filter(
            ended_on__isnull=True, actor_id=OuterRef("pk"), pole_id=OuterRef("pole_id")
        )
        last_end = Membership.objects.filter(actor_id=OuterRef("pk")).order_by().values("actor_id")
        joining = (
            members.exclude(Exists(running))
            .annotate(last_end=last_end.annotate(m=Max("ended_on")).values("m")[:1])
            .values("pk", "pole_id", "member_since", "updated_at", "last_end")
        )
        new = []
        for row in joining:
            since, last = row["member_since"], row["last_end"]
            started = since if since and (last is None or since >= last) else _day(row["updated_at"], today)
            if last and started < last:
                started = last
            new.append(Membership(actor_id=row["pk"], pole_id=row["pole_id"], started_on=started))
        Membership.objects.bulk_create(new)
    return len(stale), len(new)

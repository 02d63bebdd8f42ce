"""Publication of organisations: publishing, attaching to a pole, the public address (slug)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_update_with_history

from poles.models import Commune, Pole

from ..models import Actor

logger = logging.getLogger(__name__)


def actors_set_published(*, actors: QuerySet[Actor], published: bool, reason: str = "") -> int:
    """Publish or unpublish organisations; a pending proposal that gets published counts as approved.

    Written in bulk with their history (``bulk_update_with_history``: who — the request's user —, when,
    what), since a plain ``update()`` would bypass it."""
    with transaction.atomic():
        rows = list(actors.exclude(is_published=published).select_for_update(of=("self",)))
        now = timezone.now()
        for actor in rows:
            actor.is_published = published
            actor.updated_at = now
            if published and actor.review_status == Actor.Review.PENDING:
                actor.review_status = Actor.Review.APPROVED
        bulk_update_with_history(
            rows,
            Actor,
            ["is_published", "review_status", "updated_at"],
            batch_size=500,
            default_change_reason=reason or ("Published" if published else "Unpublished"),
        )
        if published:
            actors.filter(review_status=Actor.Review.PENDING).update(review_status=Actor.Review.APPROVED)
    return len(rows)


def actors_attach_to_pole(*, actors: QuerySet[Actor], poles: QuerySet[Pole], user=None) -> int:
    """Make organisations without a pole members of the one of ``poles`` whose territory contains them.

    Used by coordinators to adopt the suggestions of the "in my territory but not a member" filter (the
    territory is ``Commune.objects.in_territory_of``, a drawn shape plays no part). Organisations already in a pole, or outside every given territory, are left alone. The territory is
    asked once per commune and the organisations are moved with one update per pole, so selecting
    thousands costs a few queries per commune, not per organisation.
    """
    attached = 0
    with transaction.atomic():
        rows = actors.filter(pole__isnull=True).select_for_update(of=("self",))
        by_commune: dict[int, list[int]] = {}
        for pk, commune_id in rows.values_list("pk", "commune_id"):
            by_commune.setdefault(commune_id, []).append(pk)
        by_pole: dict[Pole, list[int]] = {}
        for commune in Commune.objects.filter(pk__in=by_commune):
            pole = poles.territory_of(commune).first()
            if pole is not None:
                by_pole.setdefault(pole, []).extend(by_commune[commune.pk])
        now = timezone.now()
        for pole, ids in by_pole.items():
            moved = list(Actor.objects.filter(pk__in=ids, pole__isnull=True))
            for actor in moved:
                actor.pole, actor.updated_at = pole, now
            # With their history ("Rattacher à mon pôle"), which a plain update() would bypass.
            bulk_update_with_history(
                moved,
                Actor,
                ["pole", "updated_at"],
                batch_size=500,
                default_user=user,
                default_change_reason="Attached to the pole",
            )
            attached += len(moved)
    return attached


def unique_slug(name: str, taken: set[str] | None = None) -> str:
    """A slug for ``name`` not in use. ``taken``: every slug in use, when the caller loaded them (a bulk
    import; the new slug joins it); else the database is asked."""
    base = slugify(name)[:200] or "organisation"
    if taken is None:
        taken = set(Actor.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug

"""Public proposals of organisations: routed to the pole whose territory contains the commune
(``Pole.objects.territory_of``), else the regional team; approved or rejected by coordinators."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from core.validators import normalize_siret
from poles.models import Commune, Pole

from ..models import Actor, ProposalEmail, Sector
from .proposal_emails import proposal_emails_create, reviewers_emails  # noqa: F401
from .publication import unique_slug

Kind = ProposalEmail.Kind

logger = logging.getLogger(__name__)


def actor_propose(
    *,
    name: str,
    legal_form: str,
    commune: Commune,
    proposer_name: str,
    proposer_email: str,
    sectors: Iterable[Sector] = (),
    acronym: str = "",
    address: str = "",
    website: str = "",
    email: str = "",
    phone: str = "",
    description: str = "",
    siret: str = "",
) -> Actor:
    """Record an organisation proposed on the public site, unpublished and waiting for review.

    It is routed to the pole whose territory contains its commune (``Pole.objects.territory_of``), or to
    no pole when no territory does (the regional team then reviews it). The reviewers get an email, and
    the proposer an acknowledgement, through the outbox (``proposal_emails``).
    """
    with transaction.atomic():
        pole = Pole.objects.territory_of(commune).first()
        actor = Actor(
            name=name,
            acronym=acronym,
            legal_form=legal_form,
            commune=commune,
            pole=pole,
            address=address,
            website=website,
            email=email,
            phone=phone,
            description=description,
            siret=normalize_siret(siret),
            is_published=False,
            review_status=Actor.Review.PENDING,
            proposer_name=proposer_name,
            proposer_email=proposer_email,
            slug=unique_slug(name),
        )
        actor.save()
        actor.sectors.set(sectors)
        proposal_emails_create([actor], kind=Kind.REVIEW_REQUEST)
        proposal_emails_create([actor], kind=Kind.RECEIVED)
    return actor


def actor_proposals_approve(*, actors: QuerySet[Actor], message: str = "") -> int:
    """Approve the proposals among ``actors`` that wait for review: they are published. Returns how many.

    One update whatever the number selected; each proposer gets the answer (with the optional message).
    """
    with transaction.atomic():
        pending = list(actors.filter(review_status=Actor.Review.PENDING).select_for_update())
        now = timezone.now()
        for actor in pending:
            actor.review_status, actor.is_published, actor.updated_at = Actor.Review.APPROVED, True, now
        # With their history (who approved, when), which a plain update() would bypass.
        bulk_update_with_history(
            pending,
            Actor,
            ["review_status", "is_published", "updated_at"],
            batch_size=500,
            default_change_reason="Proposal approved",
        )
        count = len(pending)
        proposal_emails_create(pending, kind=Kind.APPROVED, message=message)
    return count


def actor_proposal_reject(*, actor: Actor, message: str = "") -> Actor:
    """Reject a proposal: it stays unpublished, and the proposer is told (with the optional message)."""
    with transaction.atomic():
        actor.review_status = Actor.Review.REJECTED
        actor.is_published = False
        actor.save(update_fields=["review_status", "is_published", "updated_at"])
        proposal_emails_create([actor], kind=Kind.REJECTED, message=message)
    return actor

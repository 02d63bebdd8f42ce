"""Public proposals of organisations: routed to the pole whose territory contains the commune
(``Pole.objects.territory_of``), else the regional team; approved or rejected by coordinators."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.validators import normalize_siret
from poles.models import REGIONAL_GROUP, Commune, Pole

from ..models import Actor, Sector
from .publication import unique_slug

logger = logging.getLogger(__name__)


def reviewers_emails(pole: Pole | None) -> list[str]:
    """Who reviews a proposal: the pole's coordinators, else (no pole, or none has an email) the regional team."""
    if pole is not None:
        emails = list(
            pole.coordinators.filter(is_active=True).exclude(email="").values_list("email", flat=True)
        )
        if emails:
            return emails
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return list(
        users.filter(Q(is_superuser=True) | Q(groups__name=REGIONAL_GROUP))
        .distinct()
        .values_list("email", flat=True)
    )


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
    no pole when no territory does (the regional team then reviews it). The reviewers get an email once
    the row is committed.
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
        recipients = reviewers_emails(pole)
        transaction.on_commit(lambda: _notify_reviewers(actor, recipients), robust=True)
    return actor


def _one_line(text: str) -> str:
    """An email subject never contains a line break (Django would refuse to send it)."""
    return " ".join(text.split())


def _notify_reviewers(actor: Actor, recipients: list[str]) -> None:
    if not recipients:
        return
    url = settings.SITE_URL + reverse("admin:actors_actor_change", args=[actor.pk])
    territory = actor.pole.name if actor.pole_id else _("no pole (regional team)")
    send_mail(
        subject=_one_line(_("New organisation proposed: %(name)s") % {"name": actor.name}),
        message=_(
            "%(proposer)s proposed the organisation “%(name)s” (%(commune)s) on the portal.\n"
            "Routed to: %(territory)s.\n\nReview it, then approve or reject it: %(url)s\n"
        )
        % {
            "proposer": actor.proposer_name,
            "name": actor.name,
            "commune": actor.commune.name,
            "territory": territory,
            "url": url,
        },
        from_email=None,
        recipient_list=recipients,
    )


def actor_proposals_approve(*, actors: QuerySet[Actor]) -> int:
    """Approve the proposals among ``actors`` that wait for review: they are published. Returns how many.

    One update whatever the number selected.
    """
    with transaction.atomic():
        count = actors.filter(review_status=Actor.Review.PENDING).update(
            review_status=Actor.Review.APPROVED, is_published=True, updated_at=timezone.now()
        )
    return count


def actor_proposal_reject(*, actor: Actor, message: str = "") -> Actor:
    """Reject a proposal: it stays unpublished, and the proposer is told (with the optional message)."""
    with transaction.atomic():
        actor.review_status = Actor.Review.REJECTED
        actor.is_published = False
        actor.save(update_fields=["review_status", "is_published", "updated_at"])
        if actor.proposer_email:
            transaction.on_commit(lambda: _notify_rejection(actor, message), robust=True)
    return actor


def _notify_rejection(actor: Actor, message: str) -> None:
    body = _(
        "Hello %(proposer)s,\n\nThank you for proposing “%(name)s” on the ESS Bretagne portal. "
        "After review, it will not be added to the directory.\n"
    ) % {"proposer": actor.proposer_name, "name": actor.name}
    if message:
        body += "\n" + _("Message from the reviewer:") + "\n" + message.strip() + "\n"
    send_mail(
        subject=_one_line(_("Your proposal “%(name)s”") % {"name": actor.name}),
        message=body,
        from_email=None,
        recipient_list=[actor.proposer_email],
    )

"""The proposals' emails: to the reviewers of a new proposal, and to its proposer (an acknowledgement
when they submit, the answer once it is decided). Each one is a :class:`~actors.models.ProposalEmail`
row written in the transaction of the change, published to the worker after commit and swept by the
beat (``actors.send_due_proposal_emails``) when the broker was down; the shared sender of
``core.outbox`` sends it exactly once. The row holds only the organisation and the kind: the email is
built from the organisation at send time."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.outbox import Outbox, outbox_publish, outbox_send_batch, outbox_send_due
from poles.models import Pole, pole_reviewers

from ..models import Actor, ProposalEmail

logger = logging.getLogger(__name__)

Kind = ProposalEmail.Kind
PROPOSER_KINDS = {Kind.RECEIVED, Kind.APPROVED, Kind.REJECTED}


def reviewers_emails(pole: Pole | None) -> list[str]:
    """Who reviews a proposal: the pole's reviewers (``poles.models.pole_reviewers``), by email."""
    return [user.email for user in pole_reviewers(pole)]


def proposal_emails_create(actors: Iterable[Actor], *, kind: str, message: str = "") -> list[int]:
    """Write one row of ``kind`` per organisation (never two: a second decision writes nothing) and
    publish them to the worker once the transaction commits; returns the ids written."""
    actors = [
        actor for actor in actors if kind not in PROPOSER_KINDS or actor.proposer_email
    ]  # a proposal written in the admin has nobody to answer
    if not actors:
        return []
    language = translation.get_language() or settings.LANGUAGE_CODE
    ProposalEmail.objects.bulk_create(
        [ProposalEmail(actor=actor, kind=kind, message=message, language=language) for actor in actors],
        ignore_conflicts=True,
    )
    ids = list(
        ProposalEmail.objects.filter(
            actor__in=actors, kind=kind, status=ProposalEmail.Status.PENDING
        ).values_list("pk", flat=True)
    )
    if ids:
        transaction.on_commit(lambda: _publish(ids), robust=True)
    return ids


def _publish(ids: list[int]) -> None:
    outbox_publish("actors.send_proposal_emails", ids)


def _load(ids: list[int]) -> list[ProposalEmail]:
    return list(
        ProposalEmail.objects.filter(pk__in=ids)
        .select_related("actor__pole", "actor__commune")
        .order_by("due_at", "pk")
    )


def _still_wanted(record: ProposalEmail, now: datetime) -> str | None:
    """The proposer's data erased meanwhile, or a review request for a proposal already decided."""
    actor = record.actor
    if record.kind in PROPOSER_KINDS and not actor.proposer_email:
        return ProposalEmail.Status.SKIPPED
    if record.kind == Kind.REVIEW_REQUEST and (
        actor.review_status != Actor.Review.PENDING or not reviewers_emails(actor.pole)
    ):
        return ProposalEmail.Status.SKIPPED
    return None


def _one_line(text: str) -> str:
    """An email subject never contains a line break (Django would refuse to send it)."""
    return " ".join(text.split())


def _review_request(actor: Actor) -> tuple[str, str, list[str]]:
    url = settings.SITE_URL + reverse("admin:actors_actor_proposals")
    territory = actor.pole.name if actor.pole_id else _("no pole (regional team)")
    subject = _("New organisation proposed: %(name)s") % {"name": actor.name}
    body = _(
        "%(proposer)s proposed the organisation “%(name)s” (%(commune)s) on the portal.\n"
        "Routed to: %(territory)s.\n\nReview it, then approve or reject it: %(url)s\n"
    ) % {
        "proposer": actor.proposer_name,
        "name": actor.name,
        "commune": actor.commune.name,
        "territory": territory,
        "url": url,
    }
    return subject, body, reviewers_emails(actor.pole)


def _to_proposer(record: ProposalEmail) -> tuple[str, str, list[str]]:
    actor = record.actor
    names = {"proposer": actor.proposer_name, "name": actor.name}
    subject = _("Your proposal “%(name)s”") % {"name": actor.name}
    if record.kind == Kind.RECEIVED:
        body = (
            _(
                "Hello %(proposer)s,\n\nThank you for proposing “%(name)s” on the ESS Bretagne portal. "
                "We have received it: the pole of its territory will review it, and we will write to you "
                "once it is decided.\n"
            )
            % names
        )
    elif record.kind == Kind.APPROVED:
        body = _(
            "Hello %(proposer)s,\n\nThank you for proposing “%(name)s” on the ESS Bretagne portal. "
            "After review, it is now in the directory: %(url)s\n"
        ) % {**names, "url": settings.SITE_URL + actor.get_absolute_url()}
    else:
        body = (
            _(
                "Hello %(proposer)s,\n\nThank you for proposing “%(name)s” on the ESS Bretagne portal. "
                "After review, it will not be added to the directory.\n"
            )
            % names
        )
    if record.message.strip():
        body += "\n" + _("Message from the reviewer:") + "\n" + record.message.strip() + "\n"
    return subject, body, [actor.proposer_email]


def build_message(record: ProposalEmail) -> EmailMessage:
    """The email of one proposal outbox row (``actor`` loaded), in the language it was written in."""
    with translation.override(record.language or settings.LANGUAGE_CODE):
        if record.kind == Kind.REVIEW_REQUEST:
            subject, body, to = _review_request(record.actor)
        else:
            subject, body, to = _to_proposer(record)
    return EmailMessage(
        subject=_one_line(subject),
        body=body,
        to=to,
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )


def _outbox() -> Outbox:
    return Outbox(model=ProposalEmail, load=_load, still_wanted=_still_wanted, build_message=build_message)


def proposal_emails_send(*, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Send the due, unsent proposal emails (only ``ids`` when given); returns the number sent."""
    return outbox_send_batch(_outbox(), ids=ids, now=now or timezone.now())[1]


def proposal_emails_send_due(*, now: datetime | None = None) -> int:
    """The beat sweep of the proposal emails: every due row, batch by batch."""
    return outbox_send_due(_outbox(), now=now)

"""The places of ``personal_data`` in the directory (``actors``): the proposers of organisations and the
authors of error reports who left their email."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from actors.models import Actor, ErrorReport, ProposalEmail

from .places import Place, _after_months, _retention_cutoff

#: What replaces an erased error report's message (the report itself stays, counted).
ERASED_MESSAGE = "[…]"

# --------------------------------------------------------------------------------------------------
# Proposals of organisations (the organisation itself is public data and stays)


def _export_proposal(actor: Actor) -> dict:
    return {
        "organisation": actor.name,
        "proposed_at": actor.created_at.isoformat(),
        "review_status": actor.review_status,
        "proposer_name": actor.proposer_name,
        "proposer_email": actor.proposer_email,
    }


def _erase_proposals(rows: QuerySet[Actor], now: datetime, email: str | None) -> int:
    """The proposer's name and address; the proposal emails hold neither (they are built when sent,
    and one not sent yet is then skipped) but the reviewer's message to the proposer goes too."""
    ProposalEmail.objects.filter(actor__in=rows).exclude(message="").update(message="")
    return rows.update(proposer_name="", proposer_email="")


PROPOSALS = Place(
    key="proposals",
    label=_("Organisation proposals"),
    holds=_(
        "Your name and email address when you propose an organisation for the directory, so that the "
        "pole can ask you about it and tell you its decision."
    ),
    basis=_("Your consent, given by sending the proposal form (article 6.1.a of the GDPR)."),
    kept=_after_months(
        ngettext_lazy(
            "Your name and address are removed %(months)d month after the proposal; the organisation "
            "stays in the directory if it was accepted.",
            "Your name and address are removed %(months)d months after the proposal; the organisation "
            "stays in the directory if it was accepted.",
            "months",
        )
    ),
    find=lambda email: [Actor.objects.filter(proposer_email__iexact=email.strip()).order_by("created_at")],
    export=_export_proposal,
    erase=_erase_proposals,
    expired=lambda now: [
        Actor.objects.filter(created_at__lt=_retention_cutoff(now)).exclude(
            proposer_name="", proposer_email=""
        )
    ],
)


# --------------------------------------------------------------------------------------------------
# Error reports ("Signaler une erreur"): the report is about public data; the author's email is theirs


def _export_error_report(report: ErrorReport) -> dict:
    return {
        "organisation": report.actor.name,
        "reported_at": report.created_at.isoformat(),
        "message": report.message,
        "status": report.status,
        "email": report.email,
    }


def _erase_error_reports(rows: QuerySet[ErrorReport], now: datetime, email: str | None) -> int:
    """The author's address and what they wrote; an email to them not sent yet is then skipped. The
    report stays (closed or open) so that the pole's work is counted, without its author."""
    return rows.update(email="", message=ERASED_MESSAGE)


ERROR_REPORTS = Place(
    key="error_reports",
    label=_("Error reports"),
    holds=_(
        "What you wrote and, if you gave it, your email address when you report an error on an "
        "organisation's page, so that its pole can correct it and tell you it was handled."
    ),
    basis=_("Your consent, given by sending the report form (article 6.1.a of the GDPR)."),
    kept=_after_months(
        ngettext_lazy(
            "Your message and address are removed %(months)d month after the report.",
            "Your message and address are removed %(months)d months after the report.",
            "months",
        )
    ),
    find=lambda email: [
        ErrorReport.objects.filter(email__iexact=email.strip()).select_related("actor").order_by("created_at")
    ],
    export=_export_error_report,
    erase=_erase_error_reports,
    expired=lambda now: [
        ErrorReport.objects.filter(created_at__lt=_retention_cutoff(now)).exclude(
            email="", message=ERASED_MESSAGE
        )
    ],
)

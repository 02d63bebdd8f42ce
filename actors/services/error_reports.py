""" "Signaler une erreur": a visitor's report of an error on an organisation's public page.

:func:`error_report_create` records it (routed to the organisation's pole: ``ErrorReport.objects``
scope through ``actor__pole``) and writes the email to the pole's coordinators, or to the regional
team when the organisation has no pole or its pole no coordinator with an address
(``proposal_emails.reviewers_emails``, the proposals' rule); :func:`error_report_close` closes it with
an optional note and, when the reporter left an email, writes the email telling them it was handled.
Each email is an :class:`~actors.models.ErrorReportEmail` row written in the transaction of the change,
published to the worker after commit and swept by the beat (``actors.send_due_error_report_emails``)
when the broker was down; the shared sender of ``core.outbox`` sends it exactly once. A row holds no
address: the email is built from the report when it is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.outbox import Outbox, outbox_publish, outbox_send_batch, outbox_send_due

from ..models import Actor, ErrorReport, ErrorReportEmail
from .proposal_emails import reviewers_emails

Kind = ErrorReportEmail.Kind
HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def _email_create(report: ErrorReport, kind: str) -> None:
    """One row of ``kind`` for the report (never two), published to the worker once the change commits."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    email, created = ErrorReportEmail.objects.get_or_create(
        report=report, kind=kind, defaults={"language": language}
    )
    if created:
        transaction.on_commit(
            lambda: outbox_publish("actors.send_error_report_emails", [email.pk]), robust=True
        )


def error_report_create(*, actor: Actor, message: str, email: str = "") -> ErrorReport:
    """Record a visitor's report on a published organisation and tell its pole's coordinators."""
    with transaction.atomic():
        report = ErrorReport.objects.create(
            actor=actor,
            message=message.strip(),
            email=email.strip(),
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        _email_create(report, Kind.NEW)
    return report


def error_report_close(*, report: ErrorReport, user, note: str = "") -> bool:
    """Close an open report with an optional note; the reporter, if they left an email, is told it was
    handled (with the note). Returns False, changing nothing, when the report was already closed."""
    with transaction.atomic():
        closed = ErrorReport.objects.filter(pk=report.pk, status=ErrorReport.Status.OPEN).update(
            status=ErrorReport.Status.CLOSED,
            note=note.strip(),
            closed_at=timezone.now(),
            closed_by=user,
            updated_at=timezone.now(),
        )
        if not closed:
            return False
        report.refresh_from_db()
        if report.email:
            _email_create(report, Kind.CLOSED)
    return True


def _load(ids: list[int]) -> list[ErrorReportEmail]:
    return list(
        ErrorReportEmail.objects.filter(pk__in=ids)
        .select_related("report__actor__pole", "report__actor__commune")
        .order_by("due_at", "pk")
    )


def _still_wanted(record: ErrorReportEmail, now: datetime) -> str | None:
    """The reporter's address erased meanwhile; a report already closed needs no coordinator's email."""
    report = record.report
    if record.kind == Kind.CLOSED and not report.email:
        return ErrorReportEmail.Status.SKIPPED
    if record.kind == Kind.NEW and (
        report.status != ErrorReport.Status.OPEN or not reviewers_emails(report.actor.pole)
    ):
        return ErrorReportEmail.Status.SKIPPED
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _to_coordinators(report: ErrorReport) -> tuple[str, str, list[str]]:
    actor = report.actor
    url = settings.SITE_URL + reverse("admin:actors_errorreport_change", args=[report.pk])
    subject = _("Error reported on “%(name)s”") % {"name": actor.name}
    body = _(
        "A visitor reported an error on the page of “%(name)s” (%(commune)s):\n\n%(message)s\n\n"
        "Correct the listing if needed, then close the report: %(url)s\n"
    ) % {"name": actor.name, "commune": actor.commune.name, "message": report.message, "url": url}
    return subject, body, reviewers_emails(actor.pole)


def _to_reporter(report: ErrorReport) -> tuple[str, str, list[str]]:
    actor = report.actor
    subject = _("Your report on “%(name)s” was handled") % {"name": actor.name}
    body = _(
        "Hello,\n\nThank you for reporting an error on the page of “%(name)s” on the ESS Bretagne portal. "
        "Its pole has handled your report: %(url)s\n"
    ) % {"name": actor.name, "url": settings.SITE_URL + actor.get_absolute_url()}
    if report.note.strip():
        body += "\n" + _("Message from the pole:") + "\n" + report.note.strip() + "\n"
    return subject, body, [report.email]


def build_message(record: ErrorReportEmail) -> EmailMessage:
    """The email of one outbox row (``report`` and its organisation loaded), in its language."""
    with translation.override(record.language or settings.LANGUAGE_CODE):
        if record.kind == Kind.NEW:
            subject, body, to = _to_coordinators(record.report)
        else:
            subject, body, to = _to_reporter(record.report)
    return EmailMessage(subject=_one_line(subject), body=body, to=to, headers=HEADERS)


def _outbox() -> Outbox:
    return Outbox(model=ErrorReportEmail, load=_load, still_wanted=_still_wanted, build_message=build_message)


def error_report_emails_send(*, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Send the due, unsent error report emails (only ``ids`` when given); returns the number sent."""
    return outbox_send_batch(_outbox(), ids=ids, now=now or timezone.now())[1]


def error_report_emails_send_due(*, now: datetime | None = None) -> int:
    """The beat sweep of the error report emails: every due row, batch by batch."""
    return outbox_send_due(_outbox(), now=now)

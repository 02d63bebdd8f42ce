"""The emails of the self-service and freshness flows: the private edit link, the review request to each
coordinator (with one-click links), the decision, and the yearly "Votre fiche est-elle à jour ?".

Each one is a :class:`~actors.models.SelfServiceEmail` row written in the transaction of the change,
published to the worker after commit and swept by the beat (``actors.send_due_selfservice_emails``);
``core.outbox`` sends it exactly once. The address is read when the email is sent: the organisation's
own registered address (never one a visitor typed), or the reviewer's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.outbox import Outbox, outbox_publish, outbox_send_batch, outbox_send_due
from poles.models import Pole, pole_reviewers

from ..models import SelfServiceEmail
from .selfservice_diff import change_lines
from .selfservice_tokens import edit_token, freshness_token, review_token

Kind = SelfServiceEmail.Kind
TASK = "actors.send_selfservice_emails"


def reviewers(pole: Pole | None) -> list:
    """Who decides on a change: the pole's reviewers (``poles.models.pole_reviewers``)."""
    return pole_reviewers(pole)


def emails_create(rows: Iterable[SelfServiceEmail]) -> list[int]:
    """Write the rows (never twice the same actor, kind and key) and hand them to the worker on commit."""
    rows = list(rows)
    if not rows:
        return []
    language = translation.get_language() or settings.LANGUAGE_CODE
    for row in rows:
        row.language = language
    SelfServiceEmail.objects.bulk_create(rows, ignore_conflicts=True)
    keys = Q()
    for row in rows:
        keys |= Q(actor_id=row.actor_id, kind=row.kind, key=row.key)
    ids = list(
        SelfServiceEmail.objects.filter(keys, status=SelfServiceEmail.Status.PENDING).values_list(
            "pk", flat=True
        )
    )
    if ids:
        transaction.on_commit(lambda: outbox_publish(TASK, ids), robust=True)
    return ids


def _load(ids: list[int]) -> list[SelfServiceEmail]:
    return list(
        SelfServiceEmail.objects.filter(pk__in=ids)
        .select_related("actor__pole", "actor__commune", "link", "change", "reviewer")
        .order_by("due_at", "pk")
    )


def _still_wanted(record: SelfServiceEmail, now: datetime) -> str | None:
    if record.kind == Kind.REVIEW_REQUEST:
        if record.change.status != record.change.Status.PENDING or not record.reviewer.email:
            return SelfServiceEmail.Status.SKIPPED
    elif not record.actor.email:
        return SelfServiceEmail.Status.SKIPPED
    return None


def _url(path: str) -> str:
    return settings.SITE_URL + path


def _edit_link_body(record) -> tuple[str, str]:
    actor = record.actor
    url = _url(reverse("actors:selfservice_edit", kwargs={"token": edit_token(record.link)}))
    subject = _("Update the listing of %(name)s") % {"name": actor.name}
    body = _(
        "Hello,\n\nSomeone asked, on the ESS Bretagne portal, to update the listing of “%(name)s”. "
        "This private link opens the form; it can be used once, within %(hours)d hours:\n%(url)s\n\n"
        "Your changes will be checked by the pole before they are published.\n"
        "If you did not ask for it, ignore this email: nothing changes.\n"
    ) % {"name": actor.name, "hours": settings.SELFSERVICE_LINK_HOURS, "url": url}
    return subject, body


def _review_body(record) -> tuple[str, str]:
    change, actor = record.change, record.actor
    token = review_token(change, record.reviewer)
    lines = "\n".join(f"- {label} : {old} → {new}" for label, old, new in change_lines(change))
    subject = _("Listing update to review: %(name)s") % {"name": actor.name}
    body = _(
        "Hello,\n\n“%(name)s” asks to update its listing:\n%(lines)s\n\n"
        "Approve or refuse it in one click (you will be asked to confirm): %(url)s\n"
        "or in the administration: %(admin)s\n"
    ) % {
        "name": actor.name,
        "lines": lines,
        "url": _url(reverse("actors:selfservice_review", kwargs={"token": token})),
        "admin": _url(reverse("admin:actors_actorchange_change", args=[change.pk])),
    }
    return subject, body


def _decision_body(record) -> tuple[str, str]:
    actor, change = record.actor, record.change
    subject = _("Your listing “%(name)s”") % {"name": actor.name}
    if record.kind == Kind.APPROVED:
        body = _(
            "Hello,\n\nThe pole has approved your update: the listing of “%(name)s” is up to date: %(url)s\n"
        ) % {"name": actor.name, "url": _url(actor.get_absolute_url())}
    else:
        body = _("Hello,\n\nThe pole has not approved your update of the listing of “%(name)s”.\n") % {
            "name": actor.name
        }
    if change.message.strip():
        body += "\n" + _("Message from the pole:") + "\n" + change.message.strip() + "\n"
    return subject, body


def _freshness_body(record) -> tuple[str, str]:
    actor = record.actor
    subject = _("Is your listing up to date? %(name)s") % {"name": actor.name}
    body = _(
        "Hello,\n\nOnce a year the ESS Bretagne portal asks each organisation to check its listing: %(page)s\n\n"
        "Yes, it is up to date (one click, then confirm): %(yes)s\n"
        "Something has changed? Update it (private link, usable once within %(hours)d hours): %(edit)s\n"
    ) % {
        "page": _url(actor.get_absolute_url()),
        "yes": _url(
            reverse("actors:freshness_confirm", kwargs={"token": freshness_token(actor, record.key)})
        ),
        "edit": _url(reverse("actors:selfservice_edit", kwargs={"token": edit_token(record.link)})),
        "hours": settings.SELFSERVICE_LINK_HOURS,
    }
    return subject, body


def build_message(record: SelfServiceEmail) -> EmailMessage:
    with translation.override(record.language or settings.LANGUAGE_CODE):
        if record.kind == Kind.EDIT_LINK:
            subject, body = _edit_link_body(record)
        elif record.kind == Kind.REVIEW_REQUEST:
            subject, body = _review_body(record)
        elif record.kind == Kind.FRESHNESS:
            subject, body = _freshness_body(record)
        else:
            subject, body = _decision_body(record)
    to = [record.reviewer.email] if record.kind == Kind.REVIEW_REQUEST else [record.actor.email]
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=to,
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )


def _outbox() -> Outbox:
    return Outbox(model=SelfServiceEmail, load=_load, still_wanted=_still_wanted, build_message=build_message)


def selfservice_emails_send(*, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Send these due, unsent emails now; returns the number sent."""
    return outbox_send_batch(_outbox(), ids=ids, now=now or timezone.now())[1]


def selfservice_emails_send_due(*, now: datetime | None = None) -> int:
    """The beat sweep: every due, unsent self-service or freshness email."""
    return outbox_send_due(_outbox(), now=now)

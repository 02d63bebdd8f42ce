"""Listings that stay true: once per period (``FRESHNESS_CHECK_DAYS``) each published organisation with
an email is asked "Votre fiche est-elle à jour ?" with a one-click "Oui, elle est à jour" and a private
edit link; a listing neither updated nor confirmed for ``FRESHNESS_STALE_DAYS`` is flagged to its
coordinators (``Actor.objects.stale()``), never unpublished.

The beat runs ``freshness_checks_create`` daily; the email row is keyed by organisation and period
(``freshness_period``), so each organisation gets one per period however often it runs, and an
organisation published mid-period gets its email the next day."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Actor, EditLink, SelfServiceEmail
from .selfservice import SelfServiceError
from .selfservice_emails import emails_create
from .selfservice_tokens import FRESHNESS_SALT, token_load

BATCH = 500


def freshness_period(now: datetime | None = None) -> str:
    """The number of the current period (periods of ``FRESHNESS_CHECK_DAYS`` days since 1970)."""
    days = int((now or timezone.now()).timestamp() // 86400)
    return str(days // settings.FRESHNESS_CHECK_DAYS)


def freshness_checks_create(*, now: datetime | None = None) -> int:
    """Write the period's "is your listing up to date?" email of every published organisation with an
    email that has none yet (with its edit link); returns how many were written."""
    period = freshness_period(now)
    already = SelfServiceEmail.objects.filter(
        actor=OuterRef("pk"), kind=SelfServiceEmail.Kind.FRESHNESS, key=period
    )
    ids = list(
        Actor.objects.published()
        .exclude(email="")
        .filter(~Exists(already))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            links = EditLink.objects.bulk_create(
                [EditLink(actor_id=pk, nonce=secrets.token_urlsafe(32)) for pk in ids[start : start + BATCH]]
            )
            emails_create(
                SelfServiceEmail(
                    actor_id=link.actor_id, kind=SelfServiceEmail.Kind.FRESHNESS, key=period, link=link
                )
                for link in links
            )
    return len(ids)


def freshness_check(token: str) -> Actor:
    """The organisation a "yes, it is up to date" link names; :class:`SelfServiceError` if forged or expired."""
    try:
        payload = token_load(
            token, salt=FRESHNESS_SALT, max_age=timedelta(days=settings.FRESHNESS_CHECK_DAYS)
        )
    except signing.SignatureExpired as exc:
        raise SelfServiceError(_("This link has expired.")) from exc
    except signing.BadSignature as exc:
        raise SelfServiceError(_("This link is not valid.")) from exc
    actor = Actor.objects.select_related("commune").filter(pk=payload["a"]).first()
    if actor is None:
        raise SelfServiceError(_("This link is not valid."))
    return actor


def freshness_confirm(*, token: str) -> Actor:
    """The organisation says its listing is up to date: it is no longer flagged (recorded in its history)."""
    with transaction.atomic():
        actor = freshness_check(token)
        actor.checked_at = timezone.now()
        actor._change_reason = _("Confirmed up to date by the organisation")
        actor.save(update_fields=["checked_at"])
    return actor

"""An organisation keeps its own listing: a private link emailed to its own address, a change waiting
for a coordinator of its pole, who approves or refuses it (in the admin or from the email), then the
listing is updated and the organisation told.

- ``edit_link_request``: the visitor's request; the link goes to the organisation's registered address
  only, and the visitor's answer is the same whether or not it has one;
- ``edit_link_check`` / ``actor_change_submit``: the form behind the link (expiring, single use);
- ``actor_change_approve`` / ``actor_change_refuse``: the coordinator's decision; the listing changes
  (and the public data version with it) only on approval, recorded in its history;
- ``review_token`` / ``review_token_check``: the signed one-click links of the reviewers' emails.
Every email is a :class:`~actors.models.SelfServiceEmail` row sent by the worker
(``actors.services.selfservice_emails``).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from poles.models import Pole

from ..models import Actor, ActorChange, EditLink, Sector, SelfServiceEmail
from .selfservice_emails import emails_create, reviewers
from .selfservice_tokens import EDIT_SALT, REVIEW_SALT, token_load

#: The public fields an organisation may change itself (the form's fields, in its order).
EDITABLE_FIELDS = [
    "description",
    "address",
    "commune",
    "latitude",
    "longitude",
    "website",
    "email",
    "phone",
    "sectors",
    "opening_hours",
    "by_appointment",
    "logo_alt",
]
Kind = SelfServiceEmail.Kind


class SelfServiceError(Exception):
    """A link that cannot be used (expired, used, forged) or a change that is no longer pending; the
    message is for the person."""


class NothingChanged(SelfServiceError):
    """The form was sent as the listing already is: the link stays usable."""


def edit_link_request(*, actor: Actor) -> EditLink | None:
    """Email a new private edit link to ``actor``'s own address, if it has one (else nothing happens:
    the caller answers the same either way)."""
    if not actor.email:
        return None
    with transaction.atomic():
        link = EditLink.objects.create(actor=actor, nonce=secrets.token_urlsafe(32))
        emails_create([SelfServiceEmail(actor=actor, kind=Kind.EDIT_LINK, key=link.nonce[:80], link=link)])
    return link


def edit_link_check(*, token: str, for_update: bool = False) -> EditLink:
    """The link a token names, if it is genuine, unused and not expired; else :class:`SelfServiceError`."""
    max_age = timedelta(hours=settings.SELFSERVICE_LINK_HOURS)
    try:
        nonce = token_load(token, salt=EDIT_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise SelfServiceError(
            _("This link has expired. Ask for a new one on the organisation's page.")
        ) from exc
    except signing.BadSignature as exc:
        raise SelfServiceError(
            _("This link is not valid. Ask for a new one on the organisation's page.")
        ) from exc
    links = EditLink.objects.select_related("actor", "actor__commune", "actor__pole")
    if for_update:
        links = links.select_for_update(of=("self",))
    link = links.filter(nonce=nonce).first()
    if link is None or link.created_at < timezone.now() - max_age:
        raise SelfServiceError(_("This link has expired. Ask for a new one on the organisation's page."))
    if link.used_at is not None:
        raise SelfServiceError(
            _("This link has already been used. Ask for a new one on the organisation's page.")
        )
    return link


def listing_values(actor: Actor) -> dict:
    """The editable fields of a listing as JSON values (ids for the commune and the sectors)."""
    values = {name: getattr(actor, name) for name in EDITABLE_FIELDS if name not in ("commune", "sectors")}
    values["commune"] = actor.commune_id
    values["sectors"] = sorted(actor.sectors.values_list("pk", flat=True)) if actor.pk else []
    return values


def _json_value(name, value):
    if name == "commune":
        return value.pk if value is not None else None
    if name == "sectors":
        return sorted(sector.pk for sector in value)
    return value


def actor_change_submit(*, token: str, data: dict, logo=None, logo_thumbnail=None) -> ActorChange:
    """Record what the organisation asks for as a pending change (the listing is not touched), use up
    the link and email the pole's coordinators. ``data``: the form's cleaned values."""
    with transaction.atomic():
        link = edit_link_check(token=token, for_update=True)
        actor = link.actor
        previous = listing_values(actor)
        proposed = {name: _json_value(name, data[name]) for name in EDITABLE_FIELDS if name in data}
        values = {name: value for name, value in proposed.items() if previous.get(name) != value}
        if not values and logo is None:
            raise NothingChanged(_("Nothing was changed: the listing already says all this."))
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        change = ActorChange(
            actor=actor,
            values=values,
            previous={name: previous[name] for name in values},
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        if logo is not None:
            change.logo.save(logo.name, logo, save=False)
            change.logo_thumbnail.save(logo_thumbnail.name, logo_thumbnail, save=False)
        change.save()
        emails_create(
            [
                SelfServiceEmail(
                    actor=actor,
                    kind=Kind.REVIEW_REQUEST,
                    key=f"{change.pk}:{user.pk}",
                    change=change,
                    reviewer=user,
                )
                for user in reviewers(actor.pole)
            ]
        )
    return change


def review_token_check(token: str) -> tuple[ActorChange, object]:
    """The change and the reviewer a one-click link names, if genuine, recent and the reviewer may still
    decide on it; else :class:`SelfServiceError`."""
    from django.contrib.auth import get_user_model

    try:
        payload = token_load(
            token, salt=REVIEW_SALT, max_age=timedelta(days=settings.SELFSERVICE_REVIEW_DAYS)
        )
    except signing.SignatureExpired as exc:
        raise SelfServiceError(
            _("This link has expired: decide on the change in the administration.")
        ) from exc
    except signing.BadSignature as exc:
        raise SelfServiceError(_("This link is not valid.")) from exc
    change = ActorChange.objects.select_related("actor", "actor__pole").filter(pk=payload["c"]).first()
    user = get_user_model().objects.filter(pk=payload["u"], is_active=True).first()
    if change is None or user is None or not may_review(user, change):
        raise SelfServiceError(_("This link is not valid."))
    return change, user


def may_review(user, change: ActorChange) -> bool:
    """A coordinator of the organisation's pole, or the regional team (also for an organisation without a pole)."""
    return Pole.objects.for_user(user).filter(pk=change.actor.pole_id).exists() or (
        change.actor.pole_id is None and user in reviewers(None)
    )


def _decide(change: ActorChange, *, user, status: str, message: str) -> ActorChange:
    change = ActorChange.objects.select_for_update().select_related("actor").get(pk=change.pk)
    if change.status != ActorChange.Status.PENDING:
        raise SelfServiceError(_("This change has already been decided."))
    change.status = status
    change.decided_by = user
    change.decided_at = timezone.now()
    change.message = message
    change.save(update_fields=["status", "decided_by", "decided_at", "message"])
    return change


def actor_change_approve(*, change: ActorChange, user, message: str = "") -> ActorChange:
    """Apply a pending change to the listing (recorded in its history as a self-service update by the
    organisation, approved by ``user``) and tell the organisation."""
    with transaction.atomic():
        change = _decide(change, user=user, status=ActorChange.Status.APPROVED, message=message)
        actor = Actor.objects.select_for_update().get(pk=change.actor_id)
        values = dict(change.values)
        sectors = values.pop("sectors", None)
        for name, value in values.items():
            setattr(actor, f"{name}_id" if name == "commune" else name, value)
        if change.logo:
            actor.logo.name, actor.logo_thumbnail.name = change.logo.name, change.logo_thumbnail.name
        actor._history_user = user
        actor._change_reason = _("Update by the organisation (self-service), approved")
        actor.save()
        if sectors is not None:
            actor.sectors.set(Sector.objects.filter(pk__in=sectors))
        emails_create([SelfServiceEmail(actor=actor, kind=Kind.APPROVED, key=str(change.pk), change=change)])
    return change


def actor_change_refuse(*, change: ActorChange, user, message: str = "") -> ActorChange:
    """Refuse a pending change (the listing stays as it is) and tell the organisation."""
    with transaction.atomic():
        change = _decide(change, user=user, status=ActorChange.Status.REFUSED, message=message)
        emails_create(
            [SelfServiceEmail(actor=change.actor, kind=Kind.REFUSED, key=str(change.pk), change=change)]
        )
    return change

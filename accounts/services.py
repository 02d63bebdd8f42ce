"""Writes of the accounts app: invitations, password resets, ending sessions, deactivation, account emails.

Nobody ever chooses a password for someone else and no password travels by email: an account is
created from an address and its owner chooses the password from an expiring link (invitation or
reset). Every email is an :class:`~accounts.models.AccountEmail` row written in the transaction of the
change, sent after commit by the outbox's shared sender (``core.outbox.outbox_send_batch``), and by
the beat sweep ``accounts.send_due_emails`` when the broker was down: exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone, translation

from core.outbox import Outbox, outbox_publish, outbox_send_batch, outbox_send_due
from poles.models import Pole
from poles.services_backoffice import coordinators_sync_role

from .models import AccountEmail, BackOfficeSession, Invitation

logger = logging.getLogger(__name__)
User = get_user_model()


class InvitationError(ValueError):
    """An invitation the rules refuse (an address that already has an account that works)."""


# --------------------------------------------------------------------------------------------------
# Account emails (outbox)


def _email_create(*, user, kind: str, invitation: Invitation | None = None) -> AccountEmail:
    record = AccountEmail.objects.create(
        user=user, kind=kind, invitation=invitation, language=translation.get_language() or "fr"
    )
    transaction.on_commit(lambda: _publish([record.pk]), robust=True)
    return record


def _publish(ids: list[int]) -> None:
    """Hand the rows to a worker; a broker outage leaves them to the sweep."""
    outbox_publish("accounts.send_emails", ids)


def _load(ids: list[int]) -> list[AccountEmail]:
    return list(
        AccountEmail.objects.filter(pk__in=ids).select_related("user", "invitation").order_by("due_at", "pk")
    )


def _still_wanted(record: AccountEmail, now: datetime) -> str | None:
    """An invitation accepted, expired or superseded meanwhile, or an account deactivated: not sent."""
    if not record.user.is_active:
        return AccountEmail.Status.SKIPPED
    if record.kind == AccountEmail.Kind.INVITATION:
        invitation = record.invitation
        if invitation is None or invitation.accepted_at or invitation.expires_at <= now:
            return AccountEmail.Status.SKIPPED
    return None


def _outbox() -> Outbox:
    from .emails import build_message

    return Outbox(model=AccountEmail, load=_load, still_wanted=_still_wanted, build_message=build_message)


def account_emails_send(*, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Send the due, unsent account emails (only ``ids`` when given); returns the number sent."""
    return outbox_send_batch(_outbox(), ids=ids, now=now or timezone.now())[1]


def account_emails_send_due(*, now: datetime | None = None) -> int:
    """The beat sweep of the account emails: every due row, batch by batch."""
    return outbox_send_due(_outbox(), now=now)


# --------------------------------------------------------------------------------------------------
# Invitations


def _invitation_new(*, user, poles: Iterable[Pole], invited_by, now: datetime) -> Invitation:
    Invitation.objects.filter(user=user).pending(now).update(expires_at=now)
    invitation = Invitation.objects.create(
        user=user,
        email=user.email,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_DAYS),
    )
    invitation.poles.set(list(poles))
    _email_create(user=user, kind=AccountEmail.Kind.INVITATION, invitation=invitation)
    return invitation


def invitation_create(
    *,
    email: str,
    poles: Iterable[Pole],
    invited_by,
    first_name: str = "",
    last_name: str = "",
    now: datetime | None = None,
) -> Invitation:
    """Create a coordinator's account from an address and the poles they coordinate, and email them
    the link to choose their password. An address whose account never chose a password (an earlier
    invitation) gets a new invitation; one whose account works is refused."""
    now = now or timezone.now()
    email = User.objects.normalize_email(email.strip()).lower()
    poles = list(poles)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None and (user.has_usable_password() or not user.is_active):
            raise InvitationError(email)
        if user is None:
            user = User(
                username=email, email=email, first_name=first_name, last_name=last_name, is_staff=True
            )
            user.set_unusable_password()
            user.save()
        for pole in poles:
            pole.coordinators.add(user)
        coordinators_sync_role(users=[user])
        return _invitation_new(user=user, poles=poles, invited_by=invited_by, now=now)


def invitation_resend(
    *, invitation: Invitation, invited_by, now: datetime | None = None
) -> Invitation | None:
    """A new link for an invitation not accepted (expired or not): the older links stop working.
    None when the account has chosen its password since, or was deactivated."""
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=invitation.user_id)
        if user.has_usable_password() or not user.is_active:
            return None
        return _invitation_new(user=user, poles=invitation.poles.all(), invited_by=invited_by, now=now)


def invitation_accept(*, invitation: Invitation, password: str, now: datetime | None = None) -> bool:
    """Set the password chosen from the invitation's link, once: False when the link no longer works
    (accepted, expired, superseded) by the time the row is locked."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
        user = invitation.user
        if invitation.accepted_at or invitation.expires_at <= now or not user.is_active:
            return False
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_at"])
        user_sessions_end(user=user)
    return True


# --------------------------------------------------------------------------------------------------
# Passwords, sessions, deactivation


def password_reset_request(*, email: str) -> int:
    """Email a reset link to every active account of ``email`` that has a password; returns how many.
    The caller answers the same whatever the count: nobody learns whether an address has an account."""
    users = User.objects.filter(email__iexact=email.strip(), is_active=True)
    count = 0
    with transaction.atomic():
        for user in users:
            if user.has_usable_password():
                _email_create(user=user, kind=AccountEmail.Kind.PASSWORD_RESET)
                count += 1
    return count


def user_session_record(*, user, session_key: str) -> None:
    """Remember that ``session_key`` is ``user``'s (called at every login)."""
    BackOfficeSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def user_sessions_end(*, user, keep: str | None = None) -> int:
    """Delete every session of ``user`` (but ``keep``): whoever holds one is logged out at once. Returns
    the number of live sessions ended (a recorded key may be gone already: logged out, or renewed)."""
    rows = BackOfficeSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    ended, _by_model = Session.objects.filter(session_key__in=keys).delete()
    rows.delete()
    return ended


def user_password_changed(*, user, session_key: str | None) -> int:
    """``user`` changed their own password in the session ``session_key``: that session stays logged in
    (recorded again: changing the password gave it a new key) and every other one ends now. Returns the
    number of sessions ended."""
    with transaction.atomic():
        if session_key:
            user_session_record(user=user, session_key=session_key)
        return user_sessions_end(user=user, keep=session_key)


def user_deactivate(*, user) -> int:
    """Leaving: the account can no longer log in and every live session ends now. Its poles keep their
    data and history (nothing is deleted); returns the number of sessions ended."""
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        return user_sessions_end(user=user)


def user_two_factor_reset(*, user) -> int:
    """Remove a person's second factors (a lost phone): they enrol again at their next login, and their
    sessions end. Returns the number of devices removed."""
    from django_otp import devices_for_user

    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        user_sessions_end(user=user)
    return len(devices)

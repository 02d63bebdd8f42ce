"""Back-office accounts: invitations, the account emails' outbox, back-office sessions and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OutboxEmail
from poles.models import Pole


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Invitations not yet accepted whose link still works."""
        return self.filter(accepted_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """An account created from an email address; its owner chooses the password from the emailed link.

    The link (``accounts.tokens``) is signed, names this row, and works until ``expires_at`` and only
    while the invitation is not accepted: once the password is chosen, it is dead. Sending it again
    (resend) creates a new invitation and ends the older ones.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("email"))
    poles = models.ManyToManyField(Pole, verbose_name=_("coordinated poles"), blank=True, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        return "expired" if self.expires_at <= timezone.now() else "pending"


class AccountEmailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Unsent rows whose time has come (including rows whose claim has lapsed)."""
        return self.filter(status=AccountEmail.Status.PENDING, due_at__lte=now or timezone.now())


class AccountEmail(OutboxEmail):
    """One email about an account (invitation, password reset), written before it is sent.

    The outbox of the account emails: the same columns and the same sender as the registrations'
    (``core.outbox.outbox_send_batch``), so each one leaves exactly once. The row holds no link:
    the link is signed when the email is built (``accounts.emails``).
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        PASSWORD_RESET = "password_reset", _("Password reset")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+"
    )
    invitation = models.ForeignKey(
        Invitation, verbose_name=_("invitation"), on_delete=models.CASCADE, null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)

    objects = AccountEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("account email")
        verbose_name_plural = _("account emails")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation"],
                condition=Q(kind="invitation"),
                name="accounts_one_email_per_invitation",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="accounts_email_sent_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.user.email}"


class BackOfficeSession(models.Model):
    """Which session belongs to which account: so that a password change or a deactivation can end
    every session of the account at once (Django's session table does not say whose a session is)."""

    session_key = models.CharField(_("session"), max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("back-office session")
        verbose_name_plural = _("back-office sessions")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"

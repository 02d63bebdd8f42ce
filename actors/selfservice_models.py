"""The models of an organisation keeping its own listing (``actors.services.selfservice``): the private
edit links, the changes waiting for a coordinator, and their outbox of emails.

Imported by ``actors.models`` (so that Django registers them); they name ``Actor`` by its label only,
which keeps this module free of an import back."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OutboxEmail
from poles.models import PoleScopedQuerySet


class ActorScopedQuerySet(PoleScopedQuerySet):
    pole_path = "actor__pole"


class EditLink(models.Model):
    """One private link to update a listing, emailed to the organisation's own address: it expires
    (``SELFSERVICE_LINK_HOURS``) and serves once (``used_at``). The email carries a signed copy of
    ``nonce``; nothing else identifies the link."""

    actor = models.ForeignKey(
        "actors.Actor", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="edit_links"
    )
    nonce = models.CharField(_("nonce"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    used_at = models.DateTimeField(_("used on"), null=True, blank=True)

    objects = ActorScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("edit link")
        verbose_name_plural = _("edit links")

    def __str__(self):
        return f"{self.actor} ({self.created_at:%Y-%m-%d})"


class ActorChange(models.Model):
    """A change of a listing proposed by the organisation, waiting for a coordinator of its pole: the
    listing itself changes only once it is approved. ``previous`` is the listing as it was when the
    change was submitted, ``values`` what the organisation asks for (only the fields that differ)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    actor = models.ForeignKey(
        "actors.Actor", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="changes"
    )
    values = models.JSONField(_("proposed values"), default=dict)
    previous = models.JSONField(_("previous values"), default=dict)
    logo = models.ImageField(_("proposed logo"), upload_to="logos/pending/", blank=True, max_length=200)
    logo_thumbnail = models.ImageField(upload_to="logos/pending/", blank=True, max_length=200, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("submitted on"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("message to the organisation"), blank=True)
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE, editable=False)

    objects = ActorScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing update")
        verbose_name_plural = _("listing updates")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="actors_change_status")]

    def __str__(self):
        return f"{self.actor} – {self.created_at:%d/%m/%Y}"


class SelfServiceEmailQuerySet(ActorScopedQuerySet):
    def due(self, now=None):
        return self.filter(status=SelfServiceEmail.Status.PENDING, due_at__lte=now or timezone.now())


class SelfServiceEmail(OutboxEmail):
    """One email of the self-service and freshness flows, sent by ``core.outbox`` exactly once. ``key``
    makes it unique: the link's nonce, the change and reviewer, or the freshness period. The address is
    read when it is sent: the organisation's own, or the reviewing coordinator's."""

    class Kind(models.TextChoices):
        EDIT_LINK = "edit_link", _("Private link to update the listing")
        REVIEW_REQUEST = "review_request", _("Listing update, to a reviewer")
        APPROVED = "approved", _("Listing update approved")
        REFUSED = "refused", _("Listing update refused")
        FRESHNESS = "freshness", _("Is your listing up to date?")

    actor = models.ForeignKey(
        "actors.Actor",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="selfservice_emails",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=80)
    link = models.ForeignKey(EditLink, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    change = models.ForeignKey(
        ActorChange, null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)

    objects = SelfServiceEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing email")
        verbose_name_plural = _("listing emails")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["actor", "kind", "key"], name="actors_one_selfservice_email"),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="actors_selfservice_email_sent_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.actor}"

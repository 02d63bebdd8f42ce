"""Abstract building blocks shared by the apps' models, and the audit log every app writes to."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .jobs import JobStatus
from .outbox import EmailStatus


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class OutboxEmail(models.Model):
    """The sending columns of an outbox table (``core.outbox``): what the shared sender reads and writes.

    A concrete outbox adds what its email is about (a user, an organisation), its ``kind``, its
    ``language``, and a queryset with ``due(now)``."""

    Status = EmailStatus

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField(_("due at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claim_token = models.CharField(_("claimed by"), max_length=16, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True


class Job(TimeStamped):
    """The columns of a job run by the worker for a page (``core.jobs``): its status, attempts and times.

    A concrete job adds its subject, its ``created_by``, its ``progress_done``/``progress_total``
    (rows, or steps) and its result."""

    Status = JobStatus

    language = models.CharField(_("language"), max_length=10, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    enqueued_at = models.DateTimeField(_("handed to the worker"), null=True, blank=True, editable=False)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Located(models.Model):
    """A WGS84 point as two indexed float columns (no GeoDjango), range-checked by the database."""

    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        db_index=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("WGS84, decimal degrees. Place the point on the map rather than typing it."),
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        db_index=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="%(app_label)s_%(class)s_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="%(app_label)s_%(class)s_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="%(app_label)s_%(class)s_position_complete",
            ),
        ]

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class AuditEvent(models.Model):
    """Who did what with personal data, and when: back-office logins (success and failure) and every
    export of registrations or personal data. Written by ``core.audit``, read by the regional team."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        CODE_FAILED = "code_failed", _("Wrong second-factor code")
        EXPORT = "export", _("Export")
        IMPORT = "import", _("Import file")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    what = models.CharField(_("what"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"


class DataVersion(models.Model):
    """The version of what the public site shows: one row, renewed when such data changes (the public
    caches' invalidation, ``core.public_cache``). Kept in the database so that every process, on every
    host, with or without a shared cache, reads the same version and gives the same validators."""

    name = models.CharField(max_length=32, primary_key=True)
    counter = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("public data version")
        verbose_name_plural = _("public data versions")

    def __str__(self):
        return f"{self.name} {self.counter}"

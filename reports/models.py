"""Membership over time, and the report exports built by the worker.

``Membership`` is the history the activity reports count members from: one row per period an
organisation was a member of a pole (``ended_on`` empty while it still is). ``Actor.pole`` and
``Actor.member_since`` stay the current state everyone edits; the history follows them
(``reports.memberships.memberships_sync``, on every save of an organisation and before every report), so
no form, import or bulk action has to know about it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Job
from poles.models import Partner, Pole, PoleScopedQuerySet


class MembershipQuerySet(PoleScopedQuerySet):
    def active_on(self, day):
        """Memberships running at the end of ``day``."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day), started_on__lte=day)


class Membership(models.Model):
    actor = models.ForeignKey(
        "actors.Actor", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    pole = models.ForeignKey(
        Pole, verbose_name=_("pole"), on_delete=models.CASCADE, related_name="memberships"
    )
    started_on = models.DateField(_("member from"))
    ended_on = models.DateField(_("member until"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["actor"], condition=Q(ended_on__isnull=True), name="reports_one_open_membership"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="reports_membership_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["pole", "started_on"], name="reports_membership_pole")]

    def __str__(self):
        return f"{self.actor_id} → {self.pole_id} ({self.started_on}–{self.ended_on or ''})"


class ReportJobQuerySet(PoleScopedQuerySet):
    def unfinished(self):
        return self.filter(status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING])


class ReportJob(Job):
    """One export of a report (PDF, spreadsheet and CSV), built by the Celery worker and kept for download.

    A pole's report belongs to that pole (its coordinators see it); the regional and funders' reports
    have no pole and are the regional team's only (``for_user``).
    """

    class Kind(models.TextChoices):
        POLE = "pole", _("pole report")
        REGIONAL = "regional", _("regional report")
        FUNDER = "funder", _("funder's report")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.POLE)
    pole = models.ForeignKey(
        Pole,
        verbose_name=_("pole"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_jobs",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("funder"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_jobs",
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    progress_done = models.PositiveSmallIntegerField(_("steps done"), default=0)
    progress_total = models.PositiveSmallIntegerField(_("steps"), default=0)
    pdf = models.BinaryField(_("PDF"), blank=True, editable=False, default=b"")
    xlsx = models.BinaryField(_("spreadsheet"), blank=True, editable=False, default=b"")
    csv = models.BinaryField(_("CSV"), blank=True, editable=False, default=b"")
    error = models.TextField(_("error"), blank=True, editable=False)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "enqueued_at"], name="reports_job_status")]

    def __str__(self):
        if self.kind == self.Kind.POLE and self.pole_id:
            subject = str(self.pole)
        elif self.kind == self.Kind.FUNDER and self.partner_id:
            subject = str(self.partner)
        else:
            subject = str(_("all poles"))
        return f"{self.get_kind_display()} — {subject} ({self.period_start} – {self.period_end})"

    @property
    def file_stem(self) -> str:
        from django.utils.text import slugify

        subject = (
            self.pole.slug if self.pole_id else (slugify(self.partner.name) if self.partner_id else "region")
        )
        return f"rapport-{subject}-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}"

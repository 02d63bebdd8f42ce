from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Job, Located, OutboxEmail, TimeStamped
from core.public_cache import PublicDataQuerySet
from core.text import compact, sort_key
from core.validators import validate_siret
from poles.models import Pole, PoleScopedQuerySet

SORT_NAME_LENGTH = 220


def name_sort_key(name: str) -> str:
    return sort_key(name)[:SORT_NAME_LENGTH]


class SortNameQuerySet(models.QuerySet):
    """Keeps ``sort_name`` (``core.text.sort_key`` of ``name``: French order, identical on every database)
    true through the bulk writes that bypass ``save()``: ``bulk_create``, ``bulk_update`` and ``update``."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.sort_name = name_sort_key(obj.name)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        fields = list(fields)
        if "name" in fields:
            objs = list(objs)
            for obj in objs:
                obj.sort_name = name_sort_key(obj.name)
            fields = [*{*fields, "sort_name"}]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        if "name" in kwargs and "sort_name" not in kwargs:  # bulk_update() passes both
            if not isinstance(kwargs["name"], str):
                raise TypeError("update(name=...) takes a plain string: sort_name is folded from it")
            kwargs["sort_name"] = name_sort_key(kwargs["name"])
        return super().update(**kwargs)


class SortedByName(models.Model):
    """A model listed by its name in French order: "Éco-habitat" among the E's, "Accueil" before "AMAP"."""

    sort_name = models.CharField(
        _("sort key"), max_length=SORT_NAME_LENGTH, editable=False, blank=True, default=""
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.sort_name = name_sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)


class SectorQuerySet(SortNameQuerySet, PublicDataQuerySet):
    pass


class Sector(SortedByName):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = SectorQuerySet.as_manager()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "sort_name", "pk"]

    def __str__(self):
        return self.name


class LegalFamily(models.TextChoices):
    """The ESS families a legal form belongs to (loi du 31 juillet 2014)."""

    ASSOCIATION = "association", _("Associations")
    COOPERATIVE = "cooperative", _("Cooperatives")
    MUTUAL = "mutual", _("Mutuals")
    FOUNDATION = "foundation", _("Foundations")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprises")


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("Association (loi 1901)")
    SCOP = "scop", _("SCOP (workers' cooperative)")
    SCIC = "scic", _("SCIC (collective-interest cooperative)")
    CAE = "cae", _("CAE (business and employment cooperative)")
    COOPERATIVE = "cooperative", _("Other cooperative")
    MUTUAL = "mutual", _("Mutual")
    FOUNDATION = "foundation", _("Foundation")
    ESUS = "esus", _("ESUS-approved company")
    COMMERCIAL_ESS = "commercial_ess", _("ESS commercial company")

    @property
    def family(self) -> "LegalFamily":
        return FAMILY_OF_FORM[self]


FAMILY_OF_FORM = {
    LegalForm.ASSOCIATION: LegalFamily.ASSOCIATION,
    LegalForm.SCOP: LegalFamily.COOPERATIVE,
    LegalForm.SCIC: LegalFamily.COOPERATIVE,
    LegalForm.CAE: LegalFamily.COOPERATIVE,
    LegalForm.COOPERATIVE: LegalFamily.COOPERATIVE,
    LegalForm.MUTUAL: LegalFamily.MUTUAL,
    LegalForm.FOUNDATION: LegalFamily.FOUNDATION,
    LegalForm.ESUS: LegalFamily.SOCIAL_ENTERPRISE,
    LegalForm.COMMERCIAL_ESS: LegalFamily.SOCIAL_ENTERPRISE,
}


def forms_of_family(family: str) -> list[str]:
    return [form.value for form, fam in FAMILY_OF_FORM.items() if fam == family]


class EmployeesRange(models.TextChoices):
    NONE = "0", _("No employee")
    FEW = "1-9", _("1 to 9")
    SMALL = "10-49", _("10 to 49")
    MEDIUM = "50-249", _("50 to 249")
    LARGE = "250+", _("250 or more")


class ActorQuerySet(SortNameQuerySet, PublicDataQuerySet, PoleScopedQuerySet):
    def published(self):
        """Visible to the public. The ``IN (true)`` form, rather than a bare ``WHERE is_published``, lets
        SQLite seek the ``(is_published, name)`` index and read a page already sorted by name
        (PostgreSQL plans both alike)."""
        return self.filter(is_published__in=[True])

    def in_pole(self, pole):
        return self.filter(pole=pole)

    def with_map_position(self):
        """Annotate ``map_latitude``/``map_longitude``: the actor's own point, else its commune's.

        Idempotent: filters and views may both ask for it; it is added once (it joins the commune).
        """
        if "map_latitude" in self.query.annotations:
            return self
        return self.annotate(
            map_latitude=Coalesce(F("latitude"), F("commune__latitude")),
            map_longitude=Coalesce(F("longitude"), F("commune__longitude")),
        )

    def stale(self, now=None):
        """Listings neither updated nor confirmed for ``FRESHNESS_STALE_DAYS`` (flagged, never unpublished)."""
        from datetime import timedelta

        cut = (now or timezone.now()) - timedelta(days=settings.FRESHNESS_STALE_DAYS)
        return self.filter(Q(updated_at__lt=cut), Q(checked_at__isnull=True) | Q(checked_at__lt=cut))

    def search(self, query: str):
        """Case- and accent-insensitive search (``actors.search``): every word must be found in the name,
        acronym, description, sectors, pole, commune, postal code or legal form. Annotates ``name_rank``
        (0 when every word is in the name) so that name matches can come first."""
        from .search import search_condition

        return search_condition(self, query)

    def in_french_order(self):
        """By name in French order (``sort_name``), name matches first after a search."""
        if "name_rank" in self.query.annotations:
            return self.order_by("name_rank", "sort_name", "pk")
        return self.order_by("sort_name", "pk")


class Actor(SortedByName, Located, TimeStamped):
    class Review(models.TextChoices):
        NONE = "", _("Not a proposal")
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True, related_name="actors")
    pole = models.ForeignKey(
        Pole,
        verbose_name=_("pole"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actors",
        help_text=_("The pole this organisation is a member of, if any."),
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    commune = models.ForeignKey(
        "poles.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="actors"
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 digits, without spaces."),
    )
    employees = models.CharField(_("employees"), max_length=10, choices=EmployeesRange.choices, blank=True)
    is_published = models.BooleanField(
        _("published"), default=False, db_index=True, help_text=_("Only published organisations are public.")
    )
    is_fictitious = models.BooleanField(
        _("fictitious (demo data)"), default=False, editable=False, help_text=_("Created by the demo data.")
    )
    review_status = models.CharField(
        _("proposal review"), max_length=10, choices=Review.choices, default=Review.NONE, blank=True
    )
    proposer_name = models.CharField(_("proposed by"), max_length=200, blank=True)
    proposer_email = models.EmailField(_("proposer's email"), blank=True)
    opening_hours = models.TextField(
        _("opening hours"), blank=True, help_text=_("For instance: Monday to Friday, 9 am to 5 pm.")
    )
    by_appointment = models.BooleanField(_("by appointment only"), default=False)
    logo = models.ImageField(_("logo or photo"), upload_to="logos/", blank=True, max_length=200)
    logo_thumbnail = models.ImageField(
        _("logo thumbnail"), upload_to="logos/", blank=True, editable=False, max_length=200
    )
    logo_alt = models.CharField(
        _("text alternative of the logo"),
        max_length=200,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Empty: the name is read."),
    )
    checked_at = models.DateTimeField(_("confirmed up to date on"), null=True, blank=True, editable=False)
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["search_text", "logo_thumbnail", "proposer_name", "proposer_email"],
        m2m_fields=[sectors],
        cascade_delete_history=False,
    )

    class Meta(Located.Meta):
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["sort_name", "pk"]
        constraints = [
            *Located.Meta.constraints,
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="actors_actor_unique_siret"
            ),
        ]
        indexes = [
            # The directory's order (French order of the name, then id): read from the index, unsorted.
            models.Index(fields=["is_published", "sort_name", "id"], name="actors_published_sort_id"),
            # Covers the freshness check of the public caches (counts and latest change, no table scan).
            models.Index(fields=["is_published", "updated_at"], name="actors_published_updated"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # search_text and sort_name are denormalised copies of searchable text, not business rules.
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("actors:detail", kwargs={"slug": self.slug})

    @property
    def listing_date(self):
        """When the listing was last updated or confirmed up to date ("Fiche mise à jour le …")."""
        return (
            max(d for d in (self.updated_at, self.checked_at) if d is not None) if self.updated_at else None
        )

    @property
    def logo_text(self) -> str:
        return self.logo_alt or self.name

    @property
    def legal_family(self) -> LegalFamily | None:
        return FAMILY_OF_FORM.get(LegalForm(self.legal_form)) if self.legal_form else None

    def build_search_text(self, commune_name: str | None = None) -> str:
        if commune_name is None:
            commune_name = self.commune.name if self.commune_id else ""
        return compact(self.name, self.acronym, self.description, commune_name)


class ImportJobQuerySet(PoleScopedQuerySet):
    def unfinished(self):
        return self.filter(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])


class ImportJob(Job):
    """One uploaded CSV file of organisations, previewed then imported by the Celery worker.

    The upload is kept here (not in the session) so that the preview and the import run in the worker,
    their progress and report survive a page reload and a broker outage, and the report stays
    afterwards. ``stage`` says what the worker does with it (``preview``: a dry run; ``import``: the
    confirmed, all-or-nothing write) and ``status`` how far it got. The file's content is emptied once
    it is imported; the report is kept. See ``actors.services`` ("Import jobs").
    """

    class Stage(models.TextChoices):
        PREVIEW = "preview", _("preview")
        IMPORT = "import", _("import")

    pole = models.ForeignKey(
        Pole, verbose_name=_("pole"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file_name = models.CharField(_("file"), max_length=255)
    content = models.BinaryField(_("content"), blank=True, editable=False)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.PREVIEW)
    progress_done = models.PositiveIntegerField(_("rows checked"), default=0)
    progress_total = models.PositiveIntegerField(_("rows"), default=0)
    report = models.JSONField(_("report"), null=True, blank=True, editable=False)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("CSV import")
        verbose_name_plural = _("CSV imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "enqueued_at"], name="actors_importjob_status")]

    def __str__(self):
        return f"{self.file_name} ({self.pole})"


class ProposalEmailQuerySet(PoleScopedQuerySet):
    pole_path = "actor__pole"

    def due(self, now=None):
        """Unsent rows whose time has come (including rows whose claim has lapsed)."""
        return self.filter(status=ProposalEmail.Status.PENDING, due_at__lte=now or timezone.now())


class ProposalEmail(OutboxEmail):
    """One email about a proposal (to its reviewers, the acknowledgement and the answer to the
    proposer), written in the transaction of the change and sent by the shared sender of
    ``core.outbox``: exactly once. The row holds no address nor name: the email is built from the
    organisation when it is sent, so that erasing the proposer's data (``events.services.personal_data``)
    leaves nothing here; a row whose proposer was erased meanwhile is not sent."""

    class Kind(models.TextChoices):
        REVIEW_REQUEST = "review_request", _("New proposal, to its reviewers")
        RECEIVED = "received", _("Acknowledgement to the proposer")
        APPROVED = "approved", _("Proposal accepted")
        REJECTED = "rejected", _("Proposal rejected")

    actor = models.ForeignKey(
        Actor, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="proposal_emails"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    message = models.TextField(_("reviewer's message"), blank=True)
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)

    objects = ProposalEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal email")
        verbose_name_plural = _("proposal emails")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["actor", "kind"], name="actors_one_proposal_email_per_kind"),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="actors_proposal_email_sent_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.actor}"


class ErrorReportQuerySet(PoleScopedQuerySet):
    pole_path = "actor__pole"

    def open(self):
        return self.filter(status=ErrorReport.Status.OPEN)


class ErrorReport(TimeStamped):
    """ "Signaler une erreur": what a visitor says is wrong on an organisation's public page, routed to the
    organisation's pole (its coordinators are emailed; without a pole, the regional team), closed by them
    with an optional note. The reporter's email, when given, is personal data
    (``events.services.personal_data``): only used to tell them it was handled."""

    MESSAGE_MAX_LENGTH = 1000

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    actor = models.ForeignKey(
        Actor, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="error_reports"
    )
    message = models.TextField(_("what is wrong"), max_length=MESSAGE_MAX_LENGTH)
    email = models.EmailField(_("reporter's email"), blank=True)
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(
        _("note"),
        blank=True,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("Optional: what was done. Sent to the reporter if they left an email."),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ErrorReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("error report")
        verbose_name_plural = _("error reports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "actor"], name="actors_errorreport_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | Q(status="open", closed_at__isnull=True),
                name="actors_error_report_closed_has_date",
            ),
        ]

    def __str__(self):
        return _("Report on “%(name)s” of %(date)s") % {
            "name": self.actor.name,
            "date": timezone.localtime(self.created_at).strftime("%d/%m/%Y %H:%M") if self.created_at else "",
        }


class ErrorReportEmailQuerySet(PoleScopedQuerySet):
    pole_path = "report__actor__pole"

    def due(self, now=None):
        return self.filter(status=ErrorReportEmail.Status.PENDING, due_at__lte=now or timezone.now())


class ErrorReportEmail(OutboxEmail):
    """One email about an error report (to the pole's coordinators; to the reporter once it is closed),
    written in the transaction of the change and sent once by ``core.outbox``'s sender. Built from the
    report when sent: the row holds no address."""

    class Kind(models.TextChoices):
        NEW = "new", _("New report, to the pole's coordinators")
        CLOSED = "closed", _("Report handled, to the reporter")

    report = models.ForeignKey(
        ErrorReport, verbose_name=_("error report"), on_delete=models.CASCADE, related_name="emails"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)

    objects = ErrorReportEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("error report email")
        verbose_name_plural = _("error report emails")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="actors_one_error_report_email_per_kind"),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="actors_error_report_email_sent_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.report_id}"


from .selfservice_models import ActorChange, EditLink, SelfServiceEmail  # noqa: E402, F401 - registers them

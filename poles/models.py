from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Located, TimeStamped
from core.public_cache import PublicDataQuerySet

REGIONAL_GROUP = "Équipe régionale"
COORDINATOR_GROUP = "Coordinateurs"


def is_regional(user) -> bool:
    """Superusers and members of the regional team see and manage every pole."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_ess_is_regional", None)
    if cached is None:
        cached = user.groups.filter(name=REGIONAL_GROUP).exists()
        user._ess_is_regional = cached
    return cached


class Epci(models.Model):
    class Kind(models.TextChoices):
        METRO = "METRO", _("Metropolis")
        CU = "CU", _("Urban community")
        CA = "CA", _("Agglomeration community")
        CC = "CC", _("Community of communes")

    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    objects = PublicDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("intercommunality (EPCI)")
        verbose_name_plural = _("intercommunalities (EPCI)")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommuneQuerySet(PublicDataQuerySet):
    def in_territory_of(self, poles):
        """The communes of the territory of ``poles`` (a pole, a queryset or a list of poles).

        A pole's territory is the communes listed on it and every commune of its intercommunalities: the
        one definition of a territory, used for routing proposals, suggesting organisations without a
        pole, the public pages and the outline (``Pole.objects.territory_of`` is built on it).
        """
        lookup = "in" if isinstance(poles, models.QuerySet | list | tuple | set) else "exact"
        return self.filter(
            Q(**{f"poles__{lookup}": poles}) | Q(**{f"epci__poles__{lookup}": poles})
        ).distinct()


class CommuneManager(models.Manager.from_queryset(CommuneQuerySet)):
    use_in_migrations = True  # the data migration that derives the outlines uses in_territory_of()


class Commune(Located):
    insee_code = models.CharField(_("INSEE code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    department_code = models.CharField(_("department"), max_length=3, db_index=True)
    postal_codes = models.CharField(
        _("postal codes"), max_length=100, blank=True, help_text=_("Space-separated La Poste codes.")
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    epci = models.ForeignKey(
        Epci,
        verbose_name=_("intercommunality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="communes",
    )

    objects = CommuneManager()

    class Meta(Located.Meta):
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.department_code})"

    @property
    def postal_code_list(self) -> list[str]:
        return self.postal_codes.split()


class Partner(models.Model):
    class Kind(models.TextChoices):
        REGION = "region", _("Regional council")
        DEPARTMENT = "department", _("Departmental council")
        INTERCOMMUNALITY = "intercommunality", _("Intercommunality")
        STATE = "state", _("State")
        EMPLOYMENT = "employment", _("Employment agency")
        NETWORK = "network", _("ESS network")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(_("website"), blank=True)

    objects = PublicDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PoleQuerySet(PublicDataQuerySet):
    def for_user(self, user):
        """The poles a back-office user may manage: all for the regional team, their own for coordinators."""
        if is_regional(user):
            return self
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(coordinators=user)

    def constituted(self):
        return self.filter(status=Pole.Status.CONSTITUTED)

    def territory_of(self, commune):
        """The poles whose territory (``Commune.objects.in_territory_of``) contains ``commune``, the one a
        proposal from there goes to first.

        Territories do not overlap: the regional team cannot save one that takes a commune of another
        pole's territory. Should they overlap anyway (a reference-data update moving a commune into
        another pole's intercommunality), a pole that lists the commune itself comes before one that has
        it through an intercommunality, then the oldest pole.
        """
        inside = Commune.objects.in_territory_of(OuterRef("pk")).filter(pk=commune.pk)
        listing = Pole.communes.through.objects.filter(pole=OuterRef("pk"), commune=commune.pk)
        return self.filter(Exists(inside)).order_by(Exists(listing).desc(), "pk")


# Who may edit what: the one definition, in three forms that agree. The regional team (``is_regional``)
# edits every pole's objects; a coordinator edits the objects of the poles they coordinate
# (``Pole.objects.for_user``) and nothing of no pole. As a queryset: ``scope_to_user`` (every model's
# ``for_user()``); for one object: ``may_edit``; as ids: ``managed_pole_ids``. The admin's scoping
# (``poles.admin_scoping``), its extra pages (check-in, messages, PDFs, proposals), the imports and
# the reports all ask these.


def managed_pole_ids(user) -> frozenset[int] | None:
    """The ids of the poles whose objects ``user`` may edit; None for the regional team (every pole).

    Kept on the user object, like ``is_regional``: a request's user asks many times per page."""
    if is_regional(user):
        return None
    cached = getattr(user, "_ess_pole_ids", None)
    if cached is None:
        cached = frozenset(Pole.objects.for_user(user).values_list("pk", flat=True))
        if getattr(user, "is_authenticated", False):
            user._ess_pole_ids = cached
    return cached


def may_edit(user, pole_id: int | None) -> bool:
    """Whether ``user`` may edit an object of the pole ``pole_id`` (None: of no pole, the regional team's)."""
    allowed = managed_pole_ids(user)
    return allowed is None or pole_id in allowed


def manages_a_pole(user) -> bool:
    """Whether ``user`` works in the back-office on at least one pole (the regional team: all of them)."""
    allowed = managed_pole_ids(user)
    return allowed is None or bool(allowed)


def regional_users():
    """The active accounts of the regional team: those ``is_regional`` is true for."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name=REGIONAL_GROUP), is_active=True)
        .distinct()
    )


def pole_reviewers(pole) -> list:
    """Who is told of and decides on what concerns a pole (proposals, listing updates, error reports):
    its active coordinators with an email, else (no pole, or none of them has one) the regional team."""
    if pole is not None:
        users = list(pole.coordinators.filter(is_active=True).exclude(email=""))
        if users:
            return users
    return list(regional_users().exclude(email=""))


def scope_to_user(queryset: models.QuerySet, user, pole_path: str) -> models.QuerySet:
    """Restrict rows owned by a pole to those of the poles ``user`` manages (all for the regional team).

    ``pole_path`` leads from the rows to their pole ("pole", "event__pole"…; "" when the rows are poles).
    This is the one definition of "a coordinator sees only their own poles' objects".
    """
    if is_regional(user):
        return queryset
    poles = Pole.objects.for_user(user)
    return queryset.filter(**{f"{pole_path}__in" if pole_path else "pk__in": poles})


class PoleScopedQuerySet(models.QuerySet):
    """Base of the querysets of pole-owned models: ``for_user()`` through ``scope_to_user``."""

    pole_path = "pole"

    def for_user(self, user):
        """The rows a back-office user may manage: their poles' rows, every row for the regional team."""
        return scope_to_user(self, user, self.pole_path)


class Pole(TimeStamped):
    class Status(models.TextChoices):
        EMERGING = "emerging", _("emerging")
        CONSTITUTED = "constituted", _("constituted")

    class Mission(models.TextChoices):
        STRATEGY = "strategy", _("Territorial ESS strategy")
        REPRESENTATION = "representation", _("Representation of the ESS")
        VISIBILITY = "visibility", _("Visibility of the ESS")
        CREATION = "creation", _("Support to the creation of activities")
        PARTNERSHIP = "partnership", _("Partnership projects")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("Used in the pole's address.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.EMERGING)
    territory_name = models.CharField(
        _("territory"), max_length=200, help_text=_("The name of the territory, e.g. “pays de Redon”.")
    )
    epcis = models.ManyToManyField(
        Epci,
        verbose_name=_("intercommunalities"),
        blank=True,
        related_name="poles",
        help_text=_("The intercommunalities that make up the territory; their communes follow."),
    )
    communes = models.ManyToManyField(
        Commune,
        verbose_name=_("communes"),
        blank=True,
        related_name="poles",
        help_text=_("Communes of the territory besides those of its intercommunalities."),
    )
    outline = models.JSONField(
        _("territory outline"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Derived from the outlines of the territory's communes whenever the territory changes."),
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    governance = models.TextField(_("governance"), blank=True)
    missions = models.JSONField(
        _("missions"), default=list, blank=True, help_text=_("The functions the pole carries out.")
    )
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    partners = models.ManyToManyField(
        Partner, verbose_name=_("partners"), through="Support", blank=True, related_name="poles"
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_poles",
        help_text=_("People who manage this pole in the back-office."),
    )

    objects = PoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("pole")
        verbose_name_plural = _("poles")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym and self.acronym != self.name else self.name

    def get_absolute_url(self):
        return reverse("poles:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        unknown = set(self.missions or []) - set(self.Mission.values)
        if unknown:
            raise ValidationError({"missions": _("Unknown mission: %s") % ", ".join(sorted(unknown))})

    @property
    def mission_labels(self) -> list[str]:
        return [self.Mission(m).label for m in self.missions or [] if m in self.Mission.values]


class Support(models.Model):
    class Kind(models.TextChoices):
        FUNDING = "funding", _("Funding")
        TECHNICAL = "technical", _("Technical support")
        POLITICAL = "political", _("Political support")
        NETWORK = "network", _("Network coordination")

    pole = models.ForeignKey(Pole, verbose_name=_("pole"), on_delete=models.CASCADE, related_name="supports")
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="supports"
    )
    kind = models.CharField(_("kind of support"), max_length=20, choices=Kind.choices, default=Kind.FUNDING)
    since = models.PositiveSmallIntegerField(_("since (year)"), null=True, blank=True)

    objects = PublicDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["pole", "partner", "kind"], name="poles_support_unique"),
            models.CheckConstraint(
                condition=models.Q(since__isnull=True) | models.Q(since__gte=1900, since__lte=2100),
                name="poles_support_since_range",
            ),
        ]

    def __str__(self):
        return f"{self.partner} → {self.pole}"

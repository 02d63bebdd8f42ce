"""Back-office of poles, their territory and partners, and of the people who coordinate them.

Regional staff manage everything here. A coordinator edits their own pole's profile and partners, but
not its status, slug, coordinators or territory (EPCIs, communes): those change the network's map, where
proposals go and who may edit what, so they stay with the regional team. The territory's outline is
derived from its communes (``pole_territory_set``) and shown read-only to everyone. Reference data
(communes, EPCIs, partners) is read-only for coordinators.
Accounts (users, groups, login
attempts) are the regional team's alone, and nobody but a superuser may act on an account that holds
more than they do, or grant more than they hold (see :func:`holds_more_than`).
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.admin_titles import Nouns, TitledAdmin
from core.forms import HTTPS_URL_FIELDS, https_formfield
from core.widgets import MapWidget

from .admin_scoping import PoleScopedAdmin, PoleScopedInline, RegionalOnlyAdmin
from .coverage import pole_coverage
from .models import Commune, Epci, Partner, Pole, Support, is_regional
from .services_backoffice import coordinators_sync_role, pole_territory_set, territory_validate

User = get_user_model()


class ReferenceDataAdmin(TitledAdmin, admin.ModelAdmin):
    """Reference data loaded from INSEE by ``load_reference_data``: corrected, not created or deleted by
    hand (only superusers may, e.g. after a commune merger the data files do not know yet)."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Epci)
class EpciAdmin(ReferenceDataAdmin):
    nouns = Nouns(_("an intercommunality"), _("the intercommunality"))
    list_display = ["name", "kind", "siren", "population"]
    list_filter = ["kind"]
    search_fields = ["name", "siren"]


@admin.register(Commune)
class CommuneAdmin(ReferenceDataAdmin):
    """Reference data loaded from INSEE: read-mostly (only the map point is usually corrected)."""

    nouns = Nouns(_("a commune"), _("the commune"))

    list_display = ["name", "insee_code", "department_code", "postal_codes", "epci", "population"]
    list_filter = ["department_code", "epci__kind"]
    list_select_related = ["epci"]
    search_fields = ["name", "insee_code", "postal_codes"]
    autocomplete_fields = ["epci"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return ["insee_code"] if obj else []

    @staticmethod
    def autocomplete_data(commune) -> dict:
        """The commune's position in its autocomplete result: the map widget of an organisation or an
        event centres on it and places the point there (``static/js/admin-map.js``)."""
        if commune.latitude is None or commune.longitude is None:
            return {}
        return {"latitude": commune.latitude, "longitude": commune.longitude}


@admin.register(Partner)
class PartnerAdmin(TitledAdmin, admin.ModelAdmin):
    nouns = Nouns(_("a partner"), _("the partner"))
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["name"]


class SupportInline(PoleScopedInline, admin.TabularInline):
    model = Support
    extra = 0
    autocomplete_fields = ["partner"]


TERRITORY_FIELDS = ("epcis", "communes")


class PoleAdminForm(forms.ModelForm):
    missions = forms.MultipleChoiceField(
        label=capfirst(_("missions")),
        choices=Pole.Mission.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Pole
        formfield_callback = https_formfield
        fields = [
            "name",
            "acronym",
            "slug",
            "status",
            "founded_on",
            "territory_name",
            "epcis",
            "communes",
            "description",
            "governance",
            "missions",
            "email",
            "phone",
            "website",
            "coordinators",
        ]

    def clean(self):
        cleaned = super().clean()
        if all(name in cleaned for name in TERRITORY_FIELDS):  # the regional team's form only
            try:
                territory_validate(pole=self.instance, epcis=cleaned["epcis"], communes=cleaned["communes"])
            except ValidationError as error:
                self.add_error("communes" if cleaned["communes"] else "epcis", error)
        return cleaned


@admin.register(Pole)
class PoleAdmin(PoleScopedAdmin):
    """Poles: every pole for the regional team, their own for coordinators (profile and partners)."""

    nouns = Nouns(_("a pole"), _("the pole"))

    pole_path = ""
    form = PoleAdminForm
    ordering = ["name"]
    list_display = ["name", "acronym", "status", "territory_name", "member_count", "founded_on"]
    list_filter = ["status"]
    search_fields = ["name", "acronym", "territory_name"]
    filter_horizontal = ["epcis", "coordinators"]
    autocomplete_fields = ["communes"]
    inlines = [SupportInline]
    regional_only_fields = ("slug", "status", "coordinators", *TERRITORY_FIELDS)
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "status", "founded_on"]}),
        (_("Territory"), {"fields": ["territory_name", *TERRITORY_FIELDS, "territory_outline"]}),
        (_("Territory coverage"), {"fields": ["territory_coverage"]}),
        (_("Presentation"), {"fields": ["description", "governance", "missions"]}),
        (_("Contact"), {"fields": ["email", "phone", "website"]}),
        (_("Coordinators"), {"fields": ["coordinators"]}),
    ]
    #: What a coordinator reads of the territory in place of the regional team's selectors.
    coordinator_territory_fields = ("territory_name", "territory_list", "territory_outline")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("actors", distinct=True))

    @admin.display(description=_("members"), ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ("name",)} if is_regional(request.user) else {}

    @property
    def media(self):
        coverage = forms.Media(css={"all": ["css/coverage.css"]})
        return super().media + MapWidget(readonly=True).media + coverage

    @admin.display(description=capfirst(_("territory outline")))
    def territory_outline(self, obj):
        """The outline derived from the territory's communes, on a map that only shows it."""
        widget = MapWidget(geom_type="MULTIPOLYGON", readonly=True)
        return widget.render("outline", obj.outline if obj else None, attrs={"id": "id_outline"})

    @admin.display(description=capfirst(_("intercommunalities and communes")))
    def territory_list(self, obj):
        """The territory, read-only: its intercommunalities, then its communes (folded when many)."""
        if obj is None:
            return ""
        return render_to_string(
            "poles/territory_list.html",
            {
                "epcis": obj.epcis.order_by("name"),
                "communes": list(Commune.objects.in_territory_of(obj).order_by("name").only("name")),
            },
        )

    @admin.display(description=capfirst(_("members per commune")))
    def territory_coverage(self, obj):
        """The members per commune of the territory, on a map and in a table, and where there are none."""
        if obj is None or obj.pk is None:
            return _("Shown once the pole is saved.")
        return render_to_string("poles/coverage.html", {"coverage": pole_coverage(obj)})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_regional(request.user):
            return fieldsets
        return [
            (name, {**options, "fields": list(self.coordinator_territory_fields)})
            if name == _("Territory")
            else (name, options)
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        if is_regional(request.user):
            return ["territory_outline", "territory_coverage"]
        return [
            "territory_outline",
            "territory_coverage",
            "territory_list",
            *self.regional_only_fields,
        ]

    def has_add_permission(self, request):
        return is_regional(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return is_regional(request.user) and super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.coordinators.all()) if change else set()
        # The territory is set by its service (which derives the outline), not by the form's save_m2m.
        territory = {
            name: form.cleaned_data.pop(name) for name in TERRITORY_FIELDS if name in form.cleaned_data
        }
        super().save_related(request, form, formsets, change)
        if territory:
            pole_territory_set(pole=form.instance, **territory)
        if "coordinators" in form.cleaned_data:
            coordinators_sync_role(users=before | set(form.instance.coordinators.all()))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "coordinators":
            kwargs["queryset"] = User.objects.filter(is_active=True).order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CoordinatedPoleInline(admin.TabularInline):
    """The poles a user coordinates, edited on the user's page ("Pôles coordonnés")."""

    model = Pole.coordinators.through
    extra = 0
    verbose_name = _("coordinated pole")
    verbose_name_plural = _("coordinated poles")


def permissions_held(*, users=(), groups=()) -> set[str]:
    """Every permission ("app_label.codename") held by ``users`` (directly or through their groups,
    active or not: an inactive account regains its rights when reactivated) and by ``groups``."""
    rows = Permission.objects.filter(
        Q(user__in=list(users)) | Q(group__user__in=list(users)) | Q(group__in=list(groups))
    )
    return {
        f"{app_label}.{codename}"
        for app_label, codename in rows.values_list("content_type__app_label", "codename")
    }


def holds_more_than(user, actor) -> bool:
    """Whether ``user`` (an account, saved or about to be) holds a privilege that ``actor`` lacks:
    superuser status or any permission. Only a superuser may act on such an account."""
    if actor.is_superuser:
        return False
    return user.is_superuser or not permissions_held(users=[user]) <= permissions_held(users=[actor])


def refuse_grants_beyond(actor, *, groups=(), permissions=()) -> None:
    """Refuse, as a form error, to give ``groups`` or ``permissions`` holding anything ``actor`` lacks
    (a superuser lacks nothing)."""
    if actor.is_superuser:
        return
    wanted = permissions_held(groups=groups) | {
        f"{p.content_type.app_label}.{p.codename}" for p in permissions
    }
    beyond = wanted - permissions_held(users=[actor])
    if beyond:
        raise forms.ValidationError(
            _("You cannot grant permissions you do not hold yourself: %(permissions)s."),
            params={"permissions": ", ".join(sorted(beyond))},
        )


class PortalGroupAdmin(RegionalOnlyAdmin, GroupAdmin):
    """Groups, the regional team's. Only a superuser changes or deletes a group that holds more than
    they do, or gives a group permissions they do not hold."""

    nouns = Nouns(_("a group"), _("the group"))

    def _holds_more(self, request, group) -> bool:
        actor = request.user
        return not actor.is_superuser and bool(
            permissions_held(groups=[group]) - permissions_held(users=[actor])
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not self._holds_more(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not self._holds_more(request, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class GrantCheckedForm(form):
            def clean_permissions(self):
                refuse_grants_beyond(request.user, permissions=self.cleaned_data["permissions"])
                return self.cleaned_data["permissions"]

        GrantCheckedForm.__name__ = form.__name__
        return GrantCheckedForm


admin.site.unregister(Group)
admin.site.register(Group, PortalGroupAdmin)


def register_regional_only(model, nouns: Nouns) -> None:
    """Re-register a third-party account admin (django-axes' login attempts) for the regional team only."""
    admin_class = type(admin.site.get_model_admin(model))
    admin.site.unregister(model)
    admin.site.register(model, type(admin_class.__name__, (RegionalOnlyAdmin, admin_class), {"nouns": nouns}))


register_regional_only(AccessAttempt, Nouns(_("a login attempt"), _("the login attempt")))
register_regional_only(AccessLog, Nouns(_("a login"), _("the login")))
register_regional_only(AccessFailureLog, Nouns(_("a login failure"), _("the login failure")))


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(RegionalOnlyAdmin, UserAdmin):
    """Users, with their coordinated poles: the regional team's.

    Only a superuser may change, delete or set the password of an account that holds more than they
    do (a superuser, or anyone with a permission they lack), give superuser status, direct permissions
    or staff status to someone else, or groups with permissions they do not hold.

    Saving a user (or a pole's coordinators) gives the coordinator role, staff status included, to
    whoever coordinates a pole (``coordinators_sync_role``).
    """

    nouns = Nouns(_("a user"), _("the user"))

    inlines = [CoordinatedPoleInline]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active", "pole_list"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "coordinated_poles"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("coordinated_poles")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        coordinators_sync_role(users=[form.instance])

    @admin.display(description=_("coordinated poles"))
    def pole_list(self, obj):
        return ", ".join(pole.acronym or pole.name for pole in obj.coordinated_poles.all())

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not holds_more_than(obj, request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not holds_more_than(obj, request.user))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
            if obj is not None and obj.pk != request.user.pk:
                readonly.append("is_staff")
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            return form  # the add form has no rights to give

        class GrantCheckedForm(form):
            def clean_groups(self):
                refuse_grants_beyond(request.user, groups=self.cleaned_data["groups"])
                return self.cleaned_data["groups"]

        GrantCheckedForm.__name__ = form.__name__
        return GrantCheckedForm

"""The organisation list's filters in the back-office: membership and territory suggestions, possible
duplicates, freshness."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import StrIndex, Substr
from django.utils.translation import gettext_lazy as _

from poles.admin_scoping import allowed_pole_ids
from poles.models import Commune, Pole

from .models import Actor


def _folded_name():
    """The folded name (no case, accents or separators): the first word of ``search_text``, which is
    ``core.text.compact(name, acronym, description, commune)`` and so never lacks a space."""
    return Substr("search_text", 1, StrIndex("search_text", Value(" ")) - 1)


def with_duplicate_flag(queryset):
    """Annotate ``is_duplicate``: another organisation has the same SIRET, or the same folded name in the
    same commune ("Épicerie du Port" and "EPICERIE-DU-PORT")."""
    others = Actor.objects.exclude(pk=OuterRef("pk"))
    same_siret = others.filter(siret=OuterRef("siret")).exclude(siret="")
    same_name = others.filter(commune=OuterRef("commune")).annotate(name_key=_folded_name())
    same_name = same_name.filter(name_key=OuterRef("name_key"))
    return queryset.annotate(name_key=_folded_name()).annotate(
        is_duplicate=Exists(same_siret) | Exists(same_name)
    )


def territory_suggestions(user):
    """Organisations without a pole in the territory of the user's poles."""
    return Actor.objects.filter(
        pole__isnull=True, commune__in=Commune.objects.in_territory_of(Pole.objects.for_user(user))
    )


class MembershipFilter(admin.SimpleListFilter):
    """Members of my poles (default for coordinators) or, in my territory, organisations without a pole."""

    title = _("membership")
    parameter_name = "adhesion"

    def __init__(self, request, params, model, model_admin):
        self.coordinator = allowed_pole_ids(request) is not None
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [
            ("members", _("members of my poles")),
            ("suggestions", _("in my territory but not a member")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "suggestions":
            return queryset.filter(pk__in=territory_suggestions(request.user).values("pk"))
        if value == "members" or allowed_pole_ids(request) is not None:
            return queryset.filter(pk__in=Actor.objects.for_user(request.user).values("pk"))
        return queryset

    def choices(self, changelist):
        coordinator = self.coordinator
        for lookup, title in self.lookup_choices:
            selected = self.value() == lookup or (
                coordinator and lookup == "members" and self.value() is None
            )
            yield {
                "selected": selected,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }
        if not coordinator:
            yield {
                "selected": self.value() is None,
                "query_string": changelist.get_query_string(remove=[self.parameter_name]),
                "display": _("All"),
            }


class DuplicateFilter(admin.SimpleListFilter):
    title = _("possible duplicates")
    parameter_name = "doublon"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_duplicate=self.value() == "yes")
        return queryset


class FreshnessFilter(admin.SimpleListFilter):
    """Listings neither updated nor confirmed for ``FRESHNESS_STALE_DAYS`` (the dashboard links here)."""

    title = _("freshness")
    parameter_name = "fraicheur"

    def lookups(self, request, model_admin):
        return [("a-verifier", _("to check (not confirmed for a long time)"))]

    def queryset(self, request, queryset):
        if self.value() == "a-verifier":
            return queryset.stale()
        return queryset

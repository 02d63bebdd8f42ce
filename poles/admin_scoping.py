"""Scoping of the back-office by pole: the one place where coordinators are scoped to their poles.

Every pole-owned model admin inherits :class:`PoleScopedAdmin`; every inline of such a model inherits
:class:`PoleScopedInline`; the admins of accounts (users, groups, login attempts) inherit
:class:`RegionalOnlyAdmin`. Django's own site-wide views go through ``ess_portal.admin.PortalAdminSite``, which
answers only with what the model admins above let the user see: "View on site", the autocomplete JSON
and the "recent actions" of the index. Nothing else in the project repeats the rule "a coordinator sees
and changes only the objects of their own poles".
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_titles import TitledAdmin
from core.forms import HTTPS_URL_FIELDS

from .models import Pole, is_regional, managed_pole_ids, may_edit, scope_to_user

SCOPE_ERROR = _("You can only choose one of your own poles.")


def allowed_pole_ids(request) -> frozenset[int] | None:
    """The ids of the poles the request's user manages, or None for the regional team (every pole):
    ``poles.models.managed_pole_ids``, the one definition of who may edit."""
    return managed_pole_ids(request.user)


def scoped_queryset(queryset: models.QuerySet, user, pole_path: str = "pole") -> models.QuerySet:
    """Restrict ``queryset`` to the user's poles: the model's own ``for_user()`` when it has one,
    else a filter on ``pole_path`` (``""`` when the rows are the poles themselves)."""
    for_user = getattr(queryset, "for_user", None)
    if callable(for_user):
        return for_user(user)
    return scope_to_user(queryset, user, pole_path)


def pole_id_of(obj, pole_path: str) -> int | None:
    """Follow ``pole_path`` ("pole", "event__pole", "" for a pole) on an instance, without a query when
    the intermediate objects are already loaded. None when a link on the way is empty."""
    if not pole_path:
        return obj.pk
    *links, last = pole_path.split("__")
    target = obj
    for link in links:
        target = getattr(target, link, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-field filter whose choices are limited to what the user may see (``for_user()``)."""

    def field_choices(self, field, request, model_admin):
        queryset = field.related_model._default_manager.all()
        for_user = getattr(queryset, "for_user", None)
        if callable(for_user):
            queryset = for_user(request.user)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class PoleListFilter(ScopedRelatedFieldListFilter):
    """The "pole" filter: only the user's poles are offered (all of them for the regional team).

    Use it as ``list_filter = [("pole", PoleListFilter)]`` or ``[("event__pole", PoleListFilter)]``;
    :class:`PoleScopedAdmin` also applies it to plain ``"pole"``-like entries by itself.
    """

    def field_choices(self, field, request, model_admin):
        return [(pole.pk, str(pole)) for pole in Pole.objects.for_user(request.user).only("name", "acronym")]


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited by the related model's ``for_user()``.

    Applies to every relation whose target has a ``for_user`` queryset method (Pole, Actor, Workshop,
    Event, Registration): an event's pole, an actor's pole, a workshop's participants, a registration's
    organisation. Reference data (communes, EPCIs, sectors, partners) stays unrestricted. Because the
    form field's queryset is restricted, a forged id is a form error ("Select a valid choice"), never
    a save; ``autocomplete_fields`` use the target admin's scoped ``get_queryset`` for their JSON.
    """

    def get_field_queryset(self, db, db_field, request):
        ordered = super().get_field_queryset(db, db_field, request)
        queryset = ordered
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db).complex_filter(
                db_field.remote_field.limit_choices_to
            )
        for_user = getattr(queryset, "for_user", None)
        if callable(for_user):
            return for_user(request.user)
        return ordered


class PoleScopedAdmin(TitledAdmin, ScopedChoicesMixin, admin.ModelAdmin):
    """Base admin for every pole-owned model: coordinators see and change only their poles' rows.

    Usage::

        @admin.register(Registration)
        class RegistrationAdmin(PoleScopedAdmin):
            pole_path = "event__pole"      # how to reach the owning pole ("pole" by default, "" for Pole)
            list_filter = ["status", "event__pole"]   # pole/FK filters are scoped automatically

    What it covers, once for all:

    - ``get_queryset``: the model's ``for_user(user)`` queryset (else a filter on ``pole_path``), so
      change lists, search, "select all" actions, exports, the related-object popups and the
      autocomplete JSON of this model only ever see the user's rows;
    - ``get_object``: an object outside the scope (or missing) answers 404 on the change, delete and
      history pages, instead of the stock redirect that would reveal nothing but confuse;
    - ``has_view/change/delete_permission(obj)``: False outside the scope (checked without a query);
    - foreign-key / many-to-many choices through :class:`ScopedChoicesMixin`; the direct pole field is
      required for coordinators (an object without a pole would vanish from their scope);
    - the form refuses (as a form error, never a 500) an object whose pole, after the edit, is not one
      of the user's: a forged POST moving an object to another pole gets "You can only choose one of
      your own poles."; ``save_model`` re-checks it before writing;
    - list filters: "pole" and other related-field filters only offer choices from the user's scope.

    Regional staff (superusers and the "Équipe régionale" group) see everything.
    """

    pole_path = "pole"
    formfield_overrides = HTTPS_URL_FIELDS

    def get_queryset(self, request):
        queryset = scoped_queryset(super().get_queryset(request), request.user, self.pole_path)
        if not queryset.query.order_by:
            # Explicit, so that it survives aggregate annotations (GROUP BY drops Meta.ordering) and
            # the autocomplete's pagination stays deterministic.
            queryset = queryset.order_by(*(self.model._meta.ordering or ["pk"]))
        return queryset

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(gettext("This object does not exist or is not one of your poles'."))
        return obj

    def in_scope(self, request, obj) -> bool:
        """Whether ``obj`` belongs to one of the user's poles (always true for the regional team)."""
        return may_edit(request.user, pole_id_of(obj, self.pole_path))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or self.in_scope(request, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self.in_scope(request, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or self.in_scope(request, obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name == self.pole_path and allowed_pole_ids(request) is not None:
            field.required = True
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        admin_self = self

        class ScopedForm(form):
            def _post_clean(self):
                super()._post_clean()
                if not admin_self.in_scope(request, self.instance):
                    field = admin_self.pole_path.split("__")[0] or None
                    self.add_error(field if field in self.fields else None, SCOPE_ERROR)

        ScopedForm.__name__ = form.__name__
        return ScopedForm

    def save_model(self, request, obj, form, change):
        if not self.in_scope(request, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def get_list_filter(self, request):
        scoped = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and self._is_scoped_relation(entry):
                last = entry.split("__")[-1]
                scoped.append((entry, PoleListFilter if last == "pole" else ScopedRelatedFieldListFilter))
            else:
                scoped.append(entry)
        return scoped

    def _is_scoped_relation(self, path: str) -> bool:
        model = self.model
        field = None
        for name in path.split("__"):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                return False
            if not field.is_relation:
                return False
            model = field.related_model
        return field is not None and callable(getattr(model._default_manager.all(), "for_user", None))


class PoleScopedInline(ScopedChoicesMixin):
    """Mixin for inlines on a pole-owned parent: foreign-key choices limited to the user's scope.

    The parent admin already guarantees the parent is in scope; this keeps the inline's own choices
    (e.g. a registration's organisation) within it too. Combine with ``admin.TabularInline`` or
    ``admin.StackedInline``: ``class RegistrationInline(PoleScopedInline, admin.TabularInline)``.
    """


class RegionalOnlyAdmin(TitledAdmin):
    """Mixin for the admins of accounts (users, groups, login attempts): the regional team's alone.

    A coordinator sees none of them, whatever model permissions they were given: who may log in, and
    with which rights, is not a pole's business.
    """

    def has_view_permission(self, request, obj=None):
        return is_regional(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_regional(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_regional(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_regional(request.user) and super().has_delete_permission(request, obj)

"""The admin site: Django's site-wide views answer only with what the model admins let the user see.

The scoping of each model admin by pole lives with the poles (``poles.admin_scoping``); this site
assembles every app's admins and scopes its own views ("View on site", autocomplete, recent actions).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import Cast
from django.http import Http404, HttpResponseRedirect
from django.urls import include, path
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext


class PortalAutocompleteJsonView(AutocompleteJsonView):
    """The autocomplete JSON, for forward relations only.

    Django accepts any relation name, reverse ones included, and then fails on them with a server
    error; no autocomplete widget asks for one. The results stay those of the target model admin's
    ``get_queryset`` (scoped by :class:`PoleScopedAdmin`) and its view permission.
    """

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if not isinstance(source_field, models.Field):
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name

    def serialize_result(self, obj, to_field_name):
        """Django's ``{id, text}``, plus what the target admin adds (``autocomplete_data``: a commune's
        position, which the map widget centres on)."""
        result = super().serialize_result(obj, to_field_name)
        extra = getattr(self.model_admin, "autocomplete_data", None)
        if extra is not None:
            result.update(extra(obj))
        return result


class PortalAdminSite(admin.AdminSite):
    """The admin site, whose own views show only what the model admins let the user see.

    Django's site-wide views check only that the user is staff. Here:

    - "View on site" (``r/<content type>/<id>/``) redirects only to an object its model admin shows the
      user (``get_object`` through the scoped ``get_queryset``, then ``has_view_permission``), and only
      when that admin offers the link (``view_on_site``); anything else answers 404;
    - a password changed on "Change password" ends every other session of the account
      (``accounts.views.ending_other_sessions``);
    - the autocomplete refuses reverse relations (:class:`PortalAutocompleteJsonView`);
    - the log entries of the index's "recent actions" (and of any page that lists them) are those of
      objects the user can currently see in the admin: an object moved to another pole since, or of a
      model the user may not view, or deleted, is not listed.
    """

    def get_urls(self):
        from reports.admin import ReportViews

        urls = super().get_urls()
        for index, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[index] = path(
                    str(pattern.pattern), self.admin_view(self.view_on_site), name="view_on_site"
                )
        # The activity reports (/admin/rapports/), before the catch-all view that ends the list.
        urls[-1:-1] = [path("rapports/", include(ReportViews(self).urls()))]
        return urls

    def view_on_site(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ValueError, ContentType.DoesNotExist):
            model = None
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.view_on_site:
            raise Http404(gettext("This object does not exist or is not one of your poles'."))
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None or not model_admin.has_view_permission(request, obj):
            raise Http404(gettext("This object does not exist or is not one of your poles'."))
        if callable(model_admin.view_on_site):
            return HttpResponseRedirect(model_admin.view_on_site(obj))
        return contenttype_views.shortcut(request, content_type_id, object_id)

    def password_change(self, request, extra_context=None):
        from accounts.views import ending_other_sessions

        return ending_other_sessions(super().password_change)(request, extra_context)

    def autocomplete_view(self, request):
        return PortalAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_log_entries(self, request):
        # Every admin page puts the entries in its context, only the index lists them: build the
        # scoped queryset when it is first used.
        return SimpleLazyObject(lambda: self._visible_log_entries(request))

    def _visible_log_entries(self, request):
        entries = super().get_log_entries(request)
        if request.user.is_superuser:
            return entries
        visible = models.Q(pk__in=[])
        for model, model_admin in self._registry.items():
            if not model_admin.has_view_or_change_permission(request):
                continue
            ids = model_admin.get_queryset(request).order_by().values(log_id=Cast("pk", models.TextField()))
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            visible |= models.Q(content_type=content_type, object_id__in=ids)
        return entries.filter(visible)

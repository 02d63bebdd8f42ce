"""The history of every change of an organisation in the admin (django-simple-history), scoped like the
rest: the history list and each recorded version open only for an organisation the user's admin shows
today (else 404, as Django's own pages), whatever pole it had in the past. Reverting is disabled
(``SIMPLE_HISTORY_REVERT_DISABLED``): a change goes through the form and its checks."""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """Mixed in before :class:`~poles.admin_scoping.PoleScopedAdmin`: its ``get_object`` is the gate."""

    history_list_display = ["history_change_reason"]

    def get_urls(self):
        urls = super().get_urls()
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_simple_history"
        urls = [url for url in urls if getattr(url, "name", None) != name]
        version = path(
            "<path:object_id>/history/<int:history_id>/",
            self.admin_site.admin_view(self.history_form_view),
            name=name,
        )
        return [version, *urls]

    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))  # 404 outside the user's scope
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, history_id=None, extra_context=None, version_id=None):
        self.get_object(request, unquote(object_id))
        return super().history_form_view(request, object_id, history_id or version_id, extra_context)

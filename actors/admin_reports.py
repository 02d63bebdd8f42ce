"""Back-office of "Signaler une erreur": the open reports of the coordinator's poles, beside the listing.

A coordinator sees only the reports on their poles' organisations (``PoleScopedAdmin``, through
``actor__pole``; reports on an organisation without a pole are the regional team's). The list shows
open reports first and filters by organisation (the organisation's admin page links to its open
reports, and lists them); a report is closed from its page, with an optional note sent to the
reporter (``error_report_close``). The dashboard counts the open ones (``ess_portal.templatetags``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actors.services import error_reports
from core.admin_titles import Nouns
from poles.admin_scoping import PoleScopedAdmin

from .models import ErrorReport, ErrorReportEmail


class ErrorReportForm(forms.ModelForm):
    close = forms.BooleanField(
        label=_("Close this report"),
        required=False,
        help_text=_("The reporter, if they left an email, is told it was handled, with the note."),
    )

    class Meta:
        model = ErrorReport
        fields = ["note"]


class StatusFilter(admin.SimpleListFilter):
    """Open reports by default: what is left to do."""

    title = _("status")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))]

    def queryset(self, request, queryset):
        value = self.value() or "open"
        return queryset if value == "all" else queryset.filter(status=value)

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "open") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


@admin.register(ErrorReport)
class ErrorReportAdmin(PoleScopedAdmin):
    """Reports of errors on the public pages, scoped to the user's poles; closed from their page."""

    nouns = Nouns(_("an error report"), _("the error report"))
    pole_path = "actor__pole"
    form = ErrorReportForm
    list_display = ["created_at", "actor", "summary", "status", "closed_at"]
    list_display_links = ["created_at", "summary"]
    list_filter = [StatusFilter, "actor__pole"]
    list_select_related = ["actor"]
    search_fields = ["actor__name", "message"]
    fields = [
        "actor_link",
        "message",
        "email",
        "created_at",
        "status",
        "closed_at",
        "closed_by",
        "note",
        "close",
    ]
    readonly_fields = ["actor_link", "message", "email", "created_at", "status", "closed_at", "closed_by"]

    def has_add_permission(self, request):
        return False

    def lookup_allowed(self, lookup, value, request=None):
        return lookup == "actor__id__exact" or super().lookup_allowed(lookup, value, request)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status == ErrorReport.Status.CLOSED:
            fields.append("note")
        return fields

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and obj.status == ErrorReport.Status.CLOSED:
            fields.remove("close")
        return fields

    @admin.display(description=_("what is wrong"))
    def summary(self, obj):
        return Truncator(obj.message).chars(80)

    @admin.display(description=_("organisation"))
    def actor_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">{}</a>)',
            reverse("admin:actors_actor_change", args=[obj.actor_id]),
            obj.actor.name,
            obj.actor.get_absolute_url(),
            gettext("public page"),
        )

    def save_model(self, request, obj, form, change):
        if not self.in_scope(request, obj):
            raise PermissionDenied
        if form.cleaned_data.get("close") and obj.status == ErrorReport.Status.OPEN:
            if error_reports.error_report_close(
                report=obj, user=request.user, note=form.cleaned_data["note"]
            ):
                text = (
                    gettext("The report is closed; its author is told it was handled.")
                    if obj.email
                    else gettext("The report is closed.")
                )
                messages.success(request, text)
            return
        super().save_model(request, obj, form, change)


def with_open_reports(queryset):
    """Annotate ``open_reports``: how many open error reports each organisation has (a subquery)."""
    counts = (
        ErrorReport.objects.filter(actor=OuterRef("pk"), status=ErrorReport.Status.OPEN)
        .order_by()
        .values("actor")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(open_reports=Coalesce(Subquery(counts), 0))


def open_reports_link(actor) -> str:
    """The count of an organisation's open reports, linked to their list; empty when there is none."""
    if not actor.open_reports:
        return ""
    url = reverse("admin:actors_errorreport_changelist")
    return format_html('<a href="{}?actor__id__exact={}">{}</a>', url, actor.pk, actor.open_reports)


def open_reports_list(actor) -> str:
    """The organisation's open reports, each linked to its page (where it is closed), for its admin page:
    a read-only field rather than an inline, so that the organisation's form posts as before."""
    if actor is None or actor.pk is None:
        return "–"
    reports = list(actor.error_reports.open().order_by("-created_at", "-pk"))
    if not reports:
        return gettext("No open report.")
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            '<li><a href="{}">{}</a> : {}</li>',
            (
                (
                    reverse("admin:actors_errorreport_change", args=[report.pk]),
                    timezone.localtime(report.created_at).strftime("%d/%m/%Y"),
                    Truncator(report.message).chars(120),
                )
                for report in reports
            ),
        ),
    )


@admin.register(ErrorReportEmail)
class ErrorReportEmailAdmin(PoleScopedAdmin):
    """The error reports' outbox, read-only: what was sent about a report, and when."""

    nouns = Nouns(_("an error report email"), _("the error report email"))
    pole_path = "report__actor__pole"
    list_display = ["report", "kind", "status", "due_at", "sent_at", "attempts", "last_error"]
    list_filter = ["kind", "status"]
    list_select_related = ["report__actor"]
    readonly_fields = [f.name for f in ErrorReportEmail._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

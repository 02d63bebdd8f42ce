"""Back-office of sectors and member organisations: publication, suggestions, duplicates, CSV, proposals.

What a coordinator sees: the organisations of their poles (change, publish, export) and, read-only, the
organisations *without a pole* located in their territory (communes of their poles and of their poles'
EPCIs), offered as suggestions through the "Membership" filter and adoptable with the "Attach to my
pole" action. Organisations of other poles are never shown. Regional staff see everything.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from actors.services import csv_format, exports, import_jobs, proposals, publication
from core.admin_titles import Nouns, TitledAdmin
from core.audit import audit_record
from core.csv_export import csv_response
from core.models import AuditEvent
from poles.admin_scoping import PoleScopedAdmin, allowed_pole_ids
from poles.models import Pole, may_edit

from . import admin_proposals, admin_selfservice  # noqa: F401 - registers the listing updates' admin
from .admin_filters import (
    DuplicateFilter,
    FreshnessFilter,
    MembershipFilter,
    territory_suggestions,
    with_duplicate_flag,
)
from .admin_history import ScopedHistoryAdmin
from .admin_reports import open_reports_link, open_reports_list, with_open_reports
from .forms import ActorAdminForm, ActorImportForm, ProposalRejectForm
from .models import Actor, ImportJob, Sector


@admin.register(Sector)
class SectorAdmin(TitledAdmin, admin.ModelAdmin):
    nouns = Nouns(_("a sector"), _("the sector"))
    list_display = ["french_name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}

    @admin.display(description=_("name"), ordering="sort_name")
    def french_name(self, obj):
        return obj.name


def duplicate_siret_message(request, other: Actor):
    """The SIRET's organisation in a coordinator's words: named and linked where the user may see it
    (their own poles' in the admin, a published one on the site), else a sentence that names nobody."""
    if may_edit(request.user, other.pole_id):
        url = reverse("admin:actors_actor_change", args=[other.pk])
    elif other.is_published:
        url = other.get_absolute_url()
    else:
        return gettext(
            "An organisation with this SIRET already exists in another pole: ask the regional team."
        )
    return format_html(
        '{} <a href="{}">{}</a>', gettext("An organisation with this SIRET already exists:"), url, other.name
    )


@admin.register(Actor)
class ActorAdmin(ScopedHistoryAdmin, PoleScopedAdmin):
    """Member organisations, scoped to the user's poles (see the module docstring for suggestions)."""

    nouns = Nouns(_("an organisation"), _("the organisation"))

    form = ActorAdminForm
    list_display = [
        "french_name",
        "pole",
        "commune",
        "legal_form",
        "is_published",
        "review_status",
        "duplicate_flag",
        "error_reports_count",
    ]
    list_filter = [
        MembershipFilter,
        "is_published",
        "review_status",
        "pole",
        "legal_form",
        DuplicateFilter,
        FreshnessFilter,
        "sectors",
    ]
    list_select_related = ["pole", "commune"]
    search_fields = ["name"]
    search_help_text = _(
        "Name, acronym, description, sector, pole, commune or postal code (accents and case ignored), or a SIRET."
    )
    autocomplete_fields = ["commune"]
    filter_horizontal = ["sectors"]
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = [
        "review_status",
        "proposer_name",
        "proposer_email",
        "created_at",
        "updated_at",
        "error_reports_open",
    ]
    actions = [
        "publish",
        "unpublish",
        "approve_proposals",
        "reject_proposals",
        "attach_to_my_pole",
        "export_csv",
    ]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "legal_form", "sectors", "pole", "member_since"]}),
        (_("Location"), {"fields": ["address", "commune", "position", "use_commune_position"]}),
        (_("Contact"), {"fields": ["website", "email", "phone", "opening_hours", "by_appointment"]}),
        (_("Logo or photo"), {"fields": ["logo", "logo_alt"]}),
        (_("About"), {"fields": ["description", "siret", "employees", "is_published"]}),
        (_("Open error reports"), {"fields": ["error_reports_open"]}),
        (
            _("Proposal"),
            {
                "fields": ["review_status", "proposer_name", "proposer_email", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class DuplicateSiretForm(form):
            def clean_siret(self):
                siret = super().clean_siret()
                if siret:
                    other = Actor.objects.filter(siret=siret).exclude(pk=self.instance.pk).first()
                    if other is not None:
                        raise ValidationError(duplicate_siret_message(request, other), code="unique")
                return siret

        DuplicateSiretForm.__name__ = form.__name__
        return DuplicateSiretForm

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if allowed_pole_ids(request) is not None and not (match and match.url_name == "autocomplete"):
            queryset = queryset | territory_suggestions(request.user)
        return with_open_reports(with_duplicate_flag(queryset))

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        digits = "".join(term.split())
        if digits.isdigit() and len(digits) >= 9:
            return queryset.filter(siret__startswith=digits), False
        return queryset.search(term), False

    @admin.display(description=_("reported by visitors"))
    def error_reports_open(self, obj):
        return open_reports_list(obj)

    @admin.display(description=_("open error reports"), ordering="open_reports")
    def error_reports_count(self, obj):
        return open_reports_link(obj)

    @admin.display(description=_("name"), ordering="sort_name")
    def french_name(self, obj):
        """The name, sorted in French order ("Éco-habitat" among the E's) when its column is clicked."""
        return obj.name

    @admin.display(description=_("duplicate?"), boolean=True, ordering="is_duplicate")
    def duplicate_flag(self, obj):
        return obj.is_duplicate

    def has_view_permission(self, request, obj=None):
        # A suggestion (no pole, in the territory: get_object only finds those) is visible read-only.
        if obj is not None and obj.pole_id is None and allowed_pole_ids(request) is not None:
            return super(PoleScopedAdmin, self).has_view_permission(request, obj)
        return super().has_view_permission(request, obj)

    def _editable(self, request, queryset):
        """The selected rows the user may change: their poles' organisations, never a suggestion."""
        return Actor.objects.filter(pk__in=queryset.values("pk")).for_user(request.user)

    @admin.action(description=_("Publish the selected organisations"), permissions=["change"])
    def publish(self, request, queryset):
        count = publication.actors_set_published(actors=self._editable(request, queryset), published=True)
        self.message_user(
            request,
            ngettext("%d organisation published.", "%d organisations published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected organisations"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = publication.actors_set_published(actors=self._editable(request, queryset), published=False)
        self.message_user(
            request,
            ngettext("%d organisation unpublished.", "%d organisations unpublished.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Approve the selected proposals (publish them)"), permissions=["change"])
    def approve_proposals(self, request, queryset):
        count = proposals.actor_proposals_approve(actors=self._editable(request, queryset))
        self.message_user(
            request,
            ngettext("%d proposal approved.", "%d proposals approved.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Reject the selected proposals…"), permissions=["change"])
    def reject_proposals(self, request, queryset):
        pending = self._editable(request, queryset).filter(review_status=Actor.Review.PENDING)
        if "apply" in request.POST:
            form = ProposalRejectForm(request.POST)
            if form.is_valid():
                count = 0
                for actor in pending:
                    proposals.actor_proposal_reject(actor=actor, message=form.cleaned_data["message"])
                    count += 1
                self.message_user(
                    request,
                    ngettext("%d proposal rejected.", "%d proposals rejected.", count) % count,
                    messages.SUCCESS,
                )
                return None
        else:
            form = ProposalRejectForm()
        if not pending.exists():
            self.message_user(
                request, gettext("No selected organisation is waiting for review."), messages.WARNING
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reject proposals"),
            "opts": self.model._meta,
            "form": form,
            "actors": pending,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/actors/actor/reject_proposals.html", context)

    @admin.action(description=_("Attach to my pole (organisations without a pole)"), permissions=["view"])
    def attach_to_my_pole(self, request, queryset):
        if not self.has_change_permission(request):
            self.message_user(request, gettext("You cannot change organisations."), messages.ERROR)
            return
        count = publication.actors_attach_to_pole(
            actors=Actor.objects.filter(pk__in=queryset.values("pk")),
            poles=Pole.objects.for_user(request.user),
        )
        self.message_user(
            request,
            ngettext("%d organisation attached.", "%d organisations attached.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Export the selected organisations (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        queryset = self._editable(request, queryset)
        audit_record(
            action=AuditEvent.Action.EXPORT,
            request=request,
            what=f"organisations.csv ({queryset.count()})",
        )
        rows = exports.actors_export_rows(queryset)
        return csv_response("organisations.csv", csv_format.EXPORT_COLUMNS, rows)

    # ---------------------------------------------------------------- CSV import: upload, preview, confirm

    def get_urls(self):
        extra = [
            path(
                "propositions/",
                self.admin_site.admin_view(lambda request: admin_proposals.proposals_view(self, request)),
                name="actors_actor_proposals",
            ),
            path(
                "propositions/<path:object_id>/decision/",
                self.admin_site.admin_view(
                    lambda request, object_id: admin_proposals.proposal_decide_view(self, request, object_id)
                ),
                name="actors_actor_proposal_decide",
            ),
            path(
                "importer/",
                self.admin_site.admin_view(self.import_view),
                name="actors_actor_import",
            ),
            path(
                "importer/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name="actors_actor_import_job",
            ),
            path(
                "importer/<int:job_id>/etat/",
                self.admin_site.admin_view(self.import_status_view),
                name="actors_actor_import_status",
            ),
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        """Upload a CSV file: it is kept as an import job, previewed by the worker, then confirmed."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ActorImportForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            audit_record(
                action=AuditEvent.Action.IMPORT,
                request=request,
                what=f"{upload.name[:200]} → {form.cleaned_data['pole']}",
            )
            job = import_jobs.import_job_create(
                pole=form.cleaned_data["pole"],
                user=request.user,
                file_name=upload.name,
                content=upload.read(),
            )
            return HttpResponseRedirect(reverse("admin:actors_actor_import_job", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import organisations from a CSV file"),
            "columns": csv_format.EXPORT_COLUMNS,
            "max_mb": csv_format.IMPORT_MAX_BYTES // (1024 * 1024),
            "form": form,
            "recent_jobs": ImportJob.objects.for_user(request.user)
            .select_related("pole")
            .defer("content", "report")[:5],
        }
        return TemplateResponse(request, "admin/actors/actor/import_form.html", context)

    def _import_job(self, request, job_id, *, status_only=False):
        """The import job ``job_id`` if it belongs to one of the user's poles (else 404)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        jobs = ImportJob.objects.for_user(request.user)
        if status_only:  # polled every second: neither the file nor the report
            jobs = jobs.only("pole", "stage", "status", "progress_done", "progress_total", "enqueued_at")
        else:
            jobs = jobs.select_related("pole", "created_by")
        return get_object_or_404(jobs, pk=job_id)

    def import_job_view(self, request, job_id):
        """An import job's page: its progress while the worker runs, then the preview (with the
        confirmation) or the import's report. POST ``confirm`` hands the previewed file to the worker."""
        job = self._import_job(request, job_id)
        url = reverse("admin:actors_actor_import_job", args=[job.pk])
        if request.method == "POST":
            if "confirm" in request.POST and not import_jobs.import_job_confirm(job=job):
                self.message_user(
                    request,
                    gettext(
                        "This import cannot be confirmed (already confirmed, rows in error, or expired)."
                    ),
                    messages.ERROR,
                )
            return HttpResponseRedirect(url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import of “%(name)s”") % {"name": job.file_name},
            "job": job,
            "report": job.report if job.finished else None,
            "progress": import_jobs.import_job_progress(job),
            "status_url": reverse("admin:actors_actor_import_status", args=[job.pk]),
            "can_confirm": job.finished
            and job.stage == ImportJob.Stage.PREVIEW
            and bool((job.report or {}).get("ok"))
            and bool(job.content),
        }
        return TemplateResponse(request, "admin/actors/actor/import_job.html", context)

    def import_status_view(self, request, job_id):
        """The JSON status the job's page polls (its progress bar); re-sends a job left waiting."""
        job = self._import_job(request, job_id, status_only=True)
        if import_jobs.import_job_nudge(job=job):
            job.refresh_from_db(fields=["stage", "status", "progress_done", "progress_total"])
        return JsonResponse(import_jobs.import_job_progress(job))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_add_permission(request)}
        return super().changelist_view(request, extra_context)


@admin.register(ImportJob)
class ImportJobAdmin(PoleScopedAdmin):
    """The CSV imports of the user's poles, read-only: who uploaded what, and how it ended. Each row
    opens the import's own page (progress, preview or report)."""

    nouns = Nouns(_("a CSV import"), _("the CSV import"))

    list_display = ["created_at", "file_name", "pole", "created_by", "stage", "status", "outcome"]
    list_display_links = None
    list_filter = ["status", "stage", "pole"]
    list_select_related = ["pole", "created_by"]
    search_fields = ["file_name"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content", "report")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)  # 404 outside the user's poles
        return HttpResponseRedirect(reverse("admin:actors_actor_import_job", args=[job.pk]))

    @admin.display(description=_("result"))
    def outcome(self, obj):
        url = reverse("admin:actors_actor_import_job", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("See the import"))

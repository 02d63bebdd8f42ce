"""Back-office of workshops, events, registrations and their emails, scoped to the user's poles.

Coordinators manage their poles' events: seats taken / capacity / waiting at a glance, registrations
with status filters, a CSV export, attendance marking and manual promotion. Saving an event goes
through :func:`events.services.event_update`, so a new date, time or place, a cancellation or a larger
capacity sends the registrants their notices. Regional staff can also export or erase everything
held about one email address.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.csv_export import csv_response
from core.models import AuditEvent
from events.services import changes as event_changes
from events.services import registrations
from poles.admin_scoping import PoleScopedAdmin
from poles.models import is_regional

from . import admin_views
from .admin_meeting import (
    EVENT_FIELDSETS,
    EventAdminForm,
    EventDocumentInline,
    QuestionInline,
    answer_columns,
    send_documents,
)
from .models import EmailRecord, Event, Registration, Workshop
from .services import personal_data
from .tasks import send_emails


@admin.register(Workshop)
class WorkshopAdmin(PoleScopedAdmin):
    """Co-production workshops of the user's poles and their participant organisations."""

    list_display = ["title", "pole", "theme", "is_active"]
    list_filter = ["is_active", "pole"]
    list_select_related = ["pole"]
    search_fields = ["title", "theme"]
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["participants"]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/seances/",
                admin_views.object_view(self, admin_views.sessions_view),
                name="events_workshop_sessions",
            ),
            *super().get_urls(),
        ]


@admin.register(Event)
class EventAdmin(PoleScopedAdmin):
    """Events of the user's poles; saving one notifies the registrants of what changed."""

    form = EventAdminForm
    list_display = ["title", "pole", "starts_at", "status", "seats", "waiting", "registrations_link", "tools"]
    list_filter = ["status", "kind", "audience", "pole", "workshop"]
    list_select_related = ["pole"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["commune"]
    # The iCalendar SEQUENCE is the calendars' business, raised by event_update: not in the form.
    actions = ["cancel_events", send_documents]
    fieldsets = EVENT_FIELDSETS
    inlines = [QuestionInline, EventDocumentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_seat_counts()

    @admin.display(description=_("seats taken / capacity"), ordering="confirmed_count")
    def seats(self, obj):
        return f"{obj.confirmed_count} / {obj.capacity if obj.capacity is not None else '∞'}"

    @admin.display(description=_("waiting list"), ordering="waitlisted_count")
    def waiting(self, obj):
        return obj.waitlisted_count

    @admin.display(description=_("registrations"))
    def registrations_link(self, obj):
        url = reverse("admin:events_registration_changelist") + f"?event__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, gettext("See the registrations"))

    @admin.display(description=_("at the door and after"))
    def tools(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:events_event_checkin", args=[obj.pk]),
            gettext("Check-in"),
            reverse("admin:events_event_attendance_sheet", args=[obj.pk]),
            gettext("Attendance sheet (PDF)"),
            reverse("admin:events_event_message", args=[obj.pk]),
            gettext("Write to the registrants"),
        )

    def get_urls(self):
        def view(function):
            return admin_views.object_view(self, function)

        return [
            path(
                "<path:object_id>/dupliquer/", view(admin_views.duplicate_view), name="events_event_duplicate"
            ),
            path("<path:object_id>/pointage/", view(admin_views.checkin_view), name="events_event_checkin"),
            path(
                "<path:object_id>/emargement.pdf",
                view(admin_views.attendance_sheet_view),
                name="events_event_attendance_sheet",
            ),
            path("<path:object_id>/message/", view(admin_views.message_view), name="events_event_message"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        if not self.in_scope(request, obj):
            raise PermissionDenied
        changes = event_changes.event_update(event=obj)
        if changes.cancelled:
            self.message_user(
                request,
                ngettext(
                    "Event cancelled: %d person will be told.",
                    "Event cancelled: %d people will be told.",
                    changes.notified,
                )
                % changes.notified,
                messages.WARNING,
            )
        elif changes.rescheduled or changes.moved:
            self.message_user(
                request,
                ngettext(
                    "Date, time or venue changed: %d person will get an updated calendar entry.",
                    "Date, time or venue changed: %d people will get an updated calendar entry.",
                    changes.notified,
                )
                % changes.notified,
                messages.INFO,
            )
        if changes.promoted:
            count = len(changes.promoted)
            self.message_user(
                request,
                ngettext(
                    "%d person promoted from the waiting list.",
                    "%d people promoted from the waiting list.",
                    count,
                )
                % count,
                messages.INFO,
            )

    @admin.action(
        description=_("Cancel the selected events and tell the registrants"), permissions=["change"]
    )
    def cancel_events(self, request, queryset):
        notified = 0
        events = queryset.exclude(status=Event.Status.CANCELLED)
        count = 0
        for event in Event.objects.filter(pk__in=events.values("pk")):
            notified += event_changes.event_cancel(event=event).notified
            count += 1
        self.message_user(
            request,
            gettext("%(events)s; %(people)s")
            % {
                "events": ngettext("%d event cancelled", "%d events cancelled", count) % count,
                "people": ngettext("%d registrant will be told.", "%d registrants will be told.", notified)
                % notified,
            },
            messages.WARNING,
        )


class PersonalDataForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    action = forms.ChoiceField(
        label=_("What to do"),
        choices=[("export", _("Export everything held (JSON)")), ("erase", _("Erase everything held"))],
        widget=forms.RadioSelect,
        initial="export",
    )
    confirm = forms.BooleanField(
        label=_("I confirm the erasure: it cannot be undone."),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "erase" and not cleaned.get("confirm"):
            self.add_error("confirm", _("Tick this box to confirm the erasure."))
        return cleaned


class FailedEmailFilter(admin.SimpleListFilter):
    """Registrations with an email the mail server refused for good (or that failed too many times)."""

    title = _("emails not sent")
    parameter_name = "email_failed"

    def lookups(self, request, model_admin):
        return [("yes", _("With an email not sent"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            failed = EmailRecord.objects.filter(registration=OuterRef("pk"), status=EmailRecord.Status.FAILED)
            return queryset.filter(Exists(failed))
        return queryset


@admin.register(Registration)
class RegistrationAdmin(PoleScopedAdmin):
    """Registrations of the user's poles' events: filters, CSV, attendance, promotion, emails not sent."""

    pole_path = "event__pole"
    # Fits 1,280 px without scrolling sideways; attendance is set per line (list_editable).
    list_display = [
        "full_name",
        "organisation_label",
        "event",
        "status",
        "attended",
        "certificate",
        "email_failures",
    ]
    list_editable = ["attended"]
    list_filter = ["status", "attended", FailedEmailFilter, "event__pole", "event"]
    list_select_related = ["event", "organisation"]
    search_fields = ["full_name", "email", "organisation_name", "organisation__name"]
    date_hierarchy = "created_at"
    actions = ["export_csv", "mark_attended", "mark_absent", "promote", "cancel"]
    change_list_template = "events/admin/registration_change_list.html"
    autocomplete_fields = ["event", "organisation"]  # thousands of each: searched, not listed
    show_full_result_count = False
    # The registrant's page is theirs (its link confirms or cancels as them): no "View on site".
    view_on_site = False
    fields = [
        "event",
        "full_name",
        "email",
        "organisation",
        "organisation_name",
        "status",
        "attended",
        "language",
        "consent_at",
        "created_at",
        "confirmed_at",
        "waitlisted_at",
        "cancelled_at",
        "anonymised_at",
        "walk_in",
        "email_failures",
    ]
    readonly_fields = [
        "walk_in",
        "email_failures",
        "event",
        "email",
        "status",
        "language",
        "consent_at",
        "created_at",
        "confirmed_at",
        "waitlisted_at",
        "cancelled_at",
        "anonymised_at",
    ]

    def has_add_permission(self, request):
        return False  # people register themselves, with their consent

    def get_queryset(self, request):
        failed = EmailRecord.objects.filter(status=EmailRecord.Status.FAILED).order_by("created_at", "pk")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("emails", failed, to_attr="failed_emails"))
        )

    @admin.display(description=_("emails not sent"))
    def email_failures(self, obj):
        """Each email the mail server refused for good, with its answer, so the coordinator can act."""
        return format_html_join(
            mark_safe("<br>"),
            "{}",
            (
                (
                    gettext("Email not sent (%(kind)s): %(reason)s")
                    % {"kind": record.get_kind_display(), "reason": record.last_error},
                )
                for record in obj.failed_emails
            ),
        )

    @admin.display(description=_("organisation"), ordering="organisation__name")
    def organisation_label(self, obj):
        return obj.organisation_label

    @admin.display(description=_("certificate"))
    def certificate(self, obj):
        if obj.attended is not True or obj.status == Registration.Status.CANCELLED:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:events_registration_certificate", args=[obj.pk]),
            gettext("PDF"),
        )

    @admin.action(description=_("Export the selected registrations (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        header = [
            gettext("Name"),
            gettext("Email"),
            gettext("Organisation"),
            gettext("Event"),
            gettext("Status"),
            gettext("Registered on"),
            gettext("Attended"),
        ]
        queryset = queryset.prefetch_related("answers")
        questions, answers = answer_columns(queryset)
        header += questions
        attended = {True: gettext("yes"), False: gettext("no"), None: ""}
        audit_record(
            action=AuditEvent.Action.EXPORT, request=request, what=f"inscriptions.csv ({queryset.count()})"
        )
        rows = (
            [
                r.full_name,
                r.email,
                r.organisation_label,
                r.event.title,
                r.get_status_display(),
                timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
                attended[r.attended],
                *answers(r),
            ]
            for r in queryset.select_related("event", "organisation").order_by(
                "event__starts_at", "created_at"
            )
        )
        return csv_response("inscriptions.csv", header, rows)

    def _mark(self, request, queryset: QuerySet, attended: bool) -> None:
        count = registrations.registrations_mark_attendance(registrations=queryset, attended=attended)
        self.message_user(
            request, ngettext("%d registration updated.", "%d registrations updated.", count) % count
        )

    @admin.action(description=_("Mark as present"), permissions=["change"])
    def mark_attended(self, request, queryset):
        self._mark(request, queryset, True)

    @admin.action(description=_("Mark as absent"), permissions=["change"])
    def mark_absent(self, request, queryset):
        self._mark(request, queryset, False)

    @admin.action(
        description=_("Promote from the waiting list (even beyond the capacity)"), permissions=["change"]
    )
    def promote(self, request, queryset):
        promoted = 0
        for registration in queryset.filter(status=Registration.Status.WAITLISTED):
            registrations.registration_promote(registration=registration)
            promoted += 1
        skipped = queryset.count() - promoted
        self.message_user(
            request,
            gettext("%(promoted)s; %(skipped)s")
            % {
                "promoted": ngettext("%d promoted", "%d promoted", promoted) % promoted,
                "skipped": ngettext(
                    "%d not on the waiting list, left unchanged.",
                    "%d not on the waiting list, left unchanged.",
                    skipped,
                )
                % skipped,
            },
            messages.SUCCESS if promoted else messages.WARNING,
        )

    @admin.action(description=_("Cancel the selected registrations"), permissions=["change"])
    def cancel(self, request, queryset):
        done, refused = 0, []
        for registration in queryset.exclude(status=Registration.Status.CANCELLED):
            try:
                registrations.registration_cancel(registration=registration)
                done += 1
            except registrations.RegistrationError as exc:
                refused.append(f"{registration.full_name}: {' '.join(exc.messages)}")
        self.message_user(
            request, ngettext("%d registration cancelled.", "%d registrations cancelled.", done) % done
        )
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    def get_urls(self):
        return [
            path(
                "donnees-personnelles/",
                self.admin_site.admin_view(self.personal_data_view),
                name="events_registration_personal_data",
            ),
            path(
                "<path:object_id>/attestation.pdf",
                self.admin_site.admin_view(
                    lambda request, object_id: admin_views.certificate_view(self, request, object_id)
                ),
                name="events_registration_certificate",
            ),
            *super().get_urls(),
        ]

    def personal_data_view(self, request):
        """Export or erase everything held about one email address, in every place the portal keeps a
        person's data (``events.services.personal_data``); regional staff only."""
        if not is_regional(request.user):
            raise PermissionDenied
        form = PersonalDataForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            if form.cleaned_data["action"] == "export":
                data = personal_data.personal_data_export(email=email)
                audit_record(
                    action=AuditEvent.Action.EXPORT,
                    request=request,
                    what=f"donnees-personnelles.json ({email})",
                )
                response = HttpResponse(
                    json.dumps(data, ensure_ascii=False, indent=2),
                    content_type="application/json; charset=utf-8",
                )
                response["Content-Disposition"] = 'attachment; filename="donnees-personnelles.json"'
                return response
            counts = personal_data.personal_data_erase(email=email)
            self.message_user(
                request,
                gettext("Erased (rows per place): %(summary)s.")
                % {"summary": personal_data.erased_summary(counts)},
                messages.SUCCESS,
            )
            form = PersonalDataForm()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Personal data of one email address"),
            "form": form,
            "places": personal_data.PLACES,
            "opts": self.model._meta,
        }
        return render(request, "events/admin/personal_data.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_manage_personal_data": is_regional(request.user)}
        return super().changelist_view(request, extra_context)


@admin.register(EmailRecord)
class EmailRecordAdmin(PoleScopedAdmin):
    """The outbox, read-only: what was sent, what waits, what failed and why."""

    pole_path = "registration__event__pole"
    list_display = ["kind", "registration", "status", "due_at", "sent_at", "attempts", "last_error"]
    list_filter = ["status", "kind", "registration__event__pole"]
    list_select_related = ["registration__event"]
    search_fields = ["registration__email", "registration__full_name"]
    date_hierarchy = "due_at"
    actions = ["send_now"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected pending emails now"), permissions=["view"])
    def send_now(self, request, queryset):
        pending = list(queryset.filter(status=EmailRecord.Status.PENDING).values_list("pk", flat=True))
        with transaction.atomic():
            EmailRecord.objects.filter(pk__in=pending).update(due_at=timezone.now())
            # Sent by the worker, not in this request (a slow mail server would hold the page); if the
            # broker is down the beat sweep sends them, since they are now due.
            transaction.on_commit(lambda: send_emails.apply_async((pending,), retry=False), robust=True)
        count = len(pending)
        self.message_user(
            request,
            ngettext("%d email will be sent in a moment.", "%d emails will be sent in a moment.", count)
            % count,
        )

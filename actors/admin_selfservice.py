"""Back-office of the listing updates sent by the organisations themselves: the pole's coordinators
see each pending change field by field (old → new) and approve or refuse it. Scoped like every
pole-owned model (``PoleScopedAdmin``, through the organisation's pole): nobody sees another pole's."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actors.services import selfservice
from actors.services.selfservice_diff import change_lines
from core.admin_titles import Nouns
from poles.admin_scoping import PoleScopedAdmin

from .models import ActorChange


@admin.register(ActorChange)
class ActorChangeAdmin(PoleScopedAdmin):
    nouns = Nouns(_("a listing update"), _("the listing update"))
    pole_path = "actor__pole"
    list_display = ["actor", "created_at", "status", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["actor", "decided_by"]
    search_fields = ["actor__name"]
    fields = [
        "actor",
        "status",
        "created_at",
        "differences",
        "proposed_logo",
        "decided_by",
        "decided_at",
        "message",
    ]
    readonly_fields = [name for name in fields if name != "message"]
    change_form_template = "admin/actors/actorchange/change_form.html"

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("changes"))
    def differences(self, obj):
        rows = format_html_join(
            "", "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>", change_lines(obj)
        )
        return format_html(
            "<table><thead><tr><th scope='col'>{}</th><th scope='col'>{}</th><th scope='col'>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            gettext("Field"),
            gettext("Before"),
            gettext("After"),
            rows,
        )

    @admin.display(description=_("proposed logo"))
    def proposed_logo(self, obj):
        if not obj.logo_thumbnail:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="80" height="80">', obj.logo_thumbnail.url, gettext("Proposed logo")
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decider/",
                self.admin_site.admin_view(self.decide_view),
                name="actors_actorchange_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, object_id):
        """POST only: approve (the listing is updated) or refuse, with the optional message."""
        change = self.get_object(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request, change):
            raise PermissionDenied
        decide = {
            "approve": selfservice.actor_change_approve,
            "refuse": selfservice.actor_change_refuse,
        }.get(request.POST.get("decision"))
        url = reverse("admin:actors_actorchange_change", args=[change.pk])
        if decide is None:
            self.message_user(request, gettext("Choose to approve or refuse."), messages.ERROR)
            return HttpResponseRedirect(url)
        try:
            decide(change=change, user=request.user, message=request.POST.get("message", "")[:2000])
        except selfservice.SelfServiceError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(url)
        done = (
            gettext("Change approved: the listing is updated and the organisation told.")
            if request.POST["decision"] == "approve"
            else gettext("Change refused: the organisation is told.")
        )
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:actors_actorchange_changelist"))

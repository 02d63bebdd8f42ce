"""The proposal review page of the back-office (``/admin/actors/actor/propositions/``): the pending
proposals of the user's poles (the regional team: all of them, including those routed to no pole),
each with its details and its own Accept / Reject buttons, with an optional message to the proposer.

A coordinator never sees nor decides another pole's proposal: both views read
``Actor.objects.for_user``, and a proposal outside it answers 404.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actors.services import proposals
from core.admin_titles import Nouns
from poles.admin_scoping import PoleScopedAdmin

from .forms import ProposalDecisionForm
from .models import Actor, ProposalEmail


def pending_proposals(user):
    """The proposals waiting for review that ``user`` may decide, oldest first."""
    return (
        Actor.objects.for_user(user)
        .filter(review_status=Actor.Review.PENDING)
        .select_related("pole", "commune")
        .prefetch_related("sectors")
        .order_by("created_at", "pk")
    )


def proposals_view(model_admin, request):
    """The list of pending proposals, each with its decision form."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    rows = [(actor, ProposalDecisionForm(prefix=f"p{actor.pk}")) for actor in pending_proposals(request.user)]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": gettext("Proposals to review"),
        "rows": rows,
    }
    return TemplateResponse(request, "admin/actors/actor/proposals.html", context)


def proposal_decide_view(model_admin, request, object_id):
    """Accept or reject one proposal (POST); anything else goes back to the list."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    actor = pending_proposals(request.user).filter(pk=object_id).first() if object_id.isdigit() else None
    if actor is None:
        raise Http404(gettext("This proposal does not exist, is decided or is not one of your poles'."))
    back = reverse("admin:actors_actor_proposals")
    if request.method != "POST":
        return HttpResponseRedirect(f"{back}#proposition-{actor.pk}")
    form = ProposalDecisionForm(request.POST, prefix=f"p{actor.pk}")
    decision = request.POST.get("decision")
    if not form.is_valid() or decision not in {"accept", "reject"}:
        messages.error(request, gettext("The decision could not be recorded: please try again."))
        return HttpResponseRedirect(f"{back}#proposition-{actor.pk}")
    message = form.cleaned_data["message"]
    if decision == "accept":
        proposals.actor_proposals_approve(actors=Actor.objects.filter(pk=actor.pk), message=message)
        text = gettext("“%(name)s” is accepted and published; its proposer is told.")
    else:
        proposals.actor_proposal_reject(actor=actor, message=message)
        text = gettext("“%(name)s” is rejected; its proposer is told.")
    messages.success(request, text % {"name": actor.name})
    return HttpResponseRedirect(back)


@admin.register(ProposalEmail)
class ProposalEmailAdmin(PoleScopedAdmin):
    """The proposals' outbox, read-only: what was sent about a proposal, and when."""

    nouns = Nouns(_("a proposal email"), _("the proposal email"))

    pole_path = "actor__pole"
    list_display = ["actor", "kind", "status", "due_at", "sent_at", "attempts"]
    list_filter = ["kind", "status"]
    list_select_related = ["actor"]
    readonly_fields = [f.name for f in ProposalEmail._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

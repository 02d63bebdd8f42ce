"""The public "Proposer une organisation" page: anyone may suggest an organisation for the directory.

The proposal becomes an unpublished organisation waiting for review, routed to the pole whose territory
contains its commune (``proposals.actor_propose``). Spam is kept out by a honeypot field (a filled-in
honeypot gets the thank-you page and nothing is recorded) and by a per-address rate limit
(``settings.PROPOSAL_RATE``, django-ratelimit; a cache outage fails open or closed as
``RATELIMIT_FAIL_OPEN`` says).
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.conf import settings
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from actors.services import proposals
from core.ratelimit import rate_limited

from .forms import ActorProposalForm

logger = logging.getLogger(__name__)

FORM_TEMPLATE = "actors/actor_proposal_form.html"
THANKS_TEMPLATE = "actors/actor_proposal_thanks.html"


def actor_propose_view(request):
    """GET: the form; POST: record the proposal, then redirect to the thank-you page (``?merci``)."""
    if request.method == "GET" and "merci" in request.GET:
        return TemplateResponse(request, THANKS_TEMPLATE)
    form = ActorProposalForm(request.POST or None)
    if request.method != "POST":
        return TemplateResponse(request, FORM_TEMPLATE, {"form": form})
    if rate_limited(request, group="actors.proposal", rate=settings.PROPOSAL_RATE):
        return TemplateResponse(
            request, FORM_TEMPLATE, {"form": form, "rate_limited": True}, status=HTTPStatus.TOO_MANY_REQUESTS
        )
    if form.is_spam:
        return redirect(reverse("actors:propose") + "?merci")
    if not form.is_valid():
        return TemplateResponse(request, FORM_TEMPLATE, {"form": form}, status=HTTPStatus.BAD_REQUEST)
    data = form.cleaned_data
    proposals.actor_propose(
        name=data["name"],
        acronym=data["acronym"],
        legal_form=data["legal_form"],
        sectors=data["sectors"],
        commune=data["commune"],
        address=data["address"],
        website=data["website"],
        email=data["email"],
        phone=data["phone"],
        siret=data["siret"],
        description=data["description"],
        proposer_name=data["proposer_name"],
        proposer_email=data["proposer_email"],
    )
    return redirect(reverse("actors:propose") + "?merci")

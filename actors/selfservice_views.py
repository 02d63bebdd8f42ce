"""Public pages of an organisation keeping its own listing: asking for the private edit link, the form
behind it, the reviewer's one-click decision and the "yes, it is up to date" confirmation.

Every link in an email opens a page that changes nothing; the change is a POST from that page. None of
these pages is cached (each carries a CSRF token or a private link)."""

from __future__ import annotations

from http import HTTPStatus

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache

from actors.services import freshness, selfservice
from actors.services.selfservice_diff import change_lines
from core.ratelimit import rate_limited

from .models import Actor, ActorChange
from .selfservice_forms import ChangeDecisionForm, ListingUpdateForm

REQUEST_TEMPLATE = "actors/selfservice_request.html"
FORM_TEMPLATE = "actors/selfservice_form.html"
DONE_TEMPLATE = "actors/selfservice_done.html"
REVIEW_TEMPLATE = "actors/selfservice_review.html"
FRESHNESS_TEMPLATE = "actors/freshness_confirm.html"


@never_cache
def link_request_view(request, slug):
    """GET: explain and offer the button; POST: email the link to the organisation's own address. The
    answer is the same whether or not the organisation has an address."""
    actor = get_object_or_404(Actor.objects.published().select_related("commune"), slug=slug)
    context = {"actor": actor}
    if request.method == "POST":
        if rate_limited(request, group="actors.selfservice", rate=settings.SELFSERVICE_RATE):
            context["rate_limited"] = True
            return TemplateResponse(request, REQUEST_TEMPLATE, context, status=HTTPStatus.TOO_MANY_REQUESTS)
        selfservice.edit_link_request(actor=actor)
        return redirect(reverse("actors:selfservice_request", kwargs={"slug": slug}) + "?envoye")
    context["sent"] = "envoye" in request.GET
    return TemplateResponse(request, REQUEST_TEMPLATE, context)


def _link_error(request, error):
    return TemplateResponse(request, DONE_TEMPLATE, {"error": str(error)}, status=HTTPStatus.GONE)


@never_cache
def edit_view(request, token):
    """The form behind the private link; a valid POST records a change waiting for the pole."""
    try:
        link = selfservice.edit_link_check(token=token)
    except selfservice.SelfServiceError as error:
        return _link_error(request, error)
    actor = link.actor
    form = ListingUpdateForm(request.POST or None, request.FILES or None, actor=actor)
    context = {"actor": actor, "form": form, "token": token}
    if request.method != "POST":
        return TemplateResponse(request, FORM_TEMPLATE, context)
    if not form.is_valid():
        return TemplateResponse(request, FORM_TEMPLATE, context, status=HTTPStatus.BAD_REQUEST)
    page, thumbnail = form.logo_files or (None, None)
    try:
        selfservice.actor_change_submit(
            token=token, data=form.cleaned_data, logo=page, logo_thumbnail=thumbnail
        )
    except selfservice.NothingChanged as error:
        context["nothing_changed"] = str(error)
        return TemplateResponse(request, FORM_TEMPLATE, context, status=HTTPStatus.BAD_REQUEST)
    except selfservice.SelfServiceError as error:
        return _link_error(request, error)
    return TemplateResponse(request, DONE_TEMPLATE, {"actor": actor, "submitted": True})


@never_cache
def review_view(request, token):
    """A reviewer's one-click link: the change field by field, and the buttons (a POST decides)."""
    try:
        change, user = selfservice.review_token_check(token)
    except selfservice.SelfServiceError as error:
        return _link_error(request, error)
    form = ChangeDecisionForm(request.POST or None)
    context = {"change": change, "actor": change.actor, "lines": change_lines(change), "form": form}
    if change.status != ActorChange.Status.PENDING:
        context["decided"] = True
        return TemplateResponse(request, REVIEW_TEMPLATE, context)
    if request.method != "POST":
        return TemplateResponse(request, REVIEW_TEMPLATE, context)
    if not form.is_valid():
        return TemplateResponse(request, REVIEW_TEMPLATE, context, status=HTTPStatus.BAD_REQUEST)
    decide = (
        selfservice.actor_change_approve
        if form.cleaned_data["decision"] == "approve"
        else selfservice.actor_change_refuse
    )
    try:
        change = decide(change=change, user=user, message=form.cleaned_data["message"])
    except selfservice.SelfServiceError as error:
        return _link_error(request, error)
    context.update(change=change, decided=True, just_decided=True)
    return TemplateResponse(request, REVIEW_TEMPLATE, context)


@never_cache
def freshness_view(request, token):
    """ "Oui, elle est à jour": GET asks to confirm, the POST records it."""
    try:
        actor = freshness.freshness_check(token)
    except selfservice.SelfServiceError as error:
        return _link_error(request, error)
    if request.method == "POST":
        actor = freshness.freshness_confirm(token=token)
        return TemplateResponse(request, FRESHNESS_TEMPLATE, {"actor": actor, "confirmed": True})
    return TemplateResponse(request, FRESHNESS_TEMPLATE, {"actor": actor})

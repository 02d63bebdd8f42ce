"""The public "Signaler une erreur" page of an organisation (``/acteurs/<slug>/signaler/``).

Not cached (it carries a CSRF token); the organisation's page links to it. A report is rate-limited per
client address (``settings.ERROR_REPORT_RATE``, ``core.ratelimit``), a filled-in honeypot gets the
thank-you page and records nothing, and a valid one is recorded and routed to the organisation's pole
by ``actors.services.error_reports.error_report_create``.
"""

from __future__ import annotations

from http import HTTPStatus

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from actors.services import error_reports
from core.ratelimit import rate_limited

from .models import Actor
from .public_forms import ErrorReportForm

FORM_TEMPLATE = "actors/error_report_form.html"
THANKS_TEMPLATE = "actors/error_report_thanks.html"


def error_report_view(request, slug):
    """GET: the form; POST: record the report, then redirect to the thank-you page (``?merci``)."""
    actor = get_object_or_404(Actor.objects.published().select_related("commune"), slug=slug)
    if request.method == "GET" and "merci" in request.GET:
        return TemplateResponse(request, THANKS_TEMPLATE, {"actor": actor})
    form = ErrorReportForm(request.POST or None)
    context = {"actor": actor, "form": form}
    if request.method != "POST":
        return TemplateResponse(request, FORM_TEMPLATE, context)
    if rate_limited(request, group="actors.error_report", rate=settings.ERROR_REPORT_RATE):
        return TemplateResponse(
            request, FORM_TEMPLATE, {**context, "rate_limited": True}, status=HTTPStatus.TOO_MANY_REQUESTS
        )
    thanks = redirect(request.path + "?merci")
    if form.is_spam:
        return thanks
    if not form.is_valid():
        return TemplateResponse(request, FORM_TEMPLATE, context, status=HTTPStatus.BAD_REQUEST)
    error_reports.error_report_create(
        actor=actor, message=form.cleaned_data["message"], email=form.cleaned_data["email"]
    )
    return thanks

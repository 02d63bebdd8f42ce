"""PDF documents of an event, rendered by WeasyPrint from Django templates (``templates/admin/events/pdf/``):
the attendance sheet (feuille d'émargement) and the certificate of attendance (attestation de présence).

Always in French, whatever the reader's language: they are documents for funders and employers.
Fonts come from the system (fontconfig: DejaVu in the image); no file or URL outside ``static/`` is read.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Event, Registration

#: Blank lines printed after the registrants, for walk-ins who sign on the day.
WALK_IN_LINES = 8


def _url_fetcher(url: str, *args, **kwargs):
    """Serve ``static/`` files to WeasyPrint and refuse everything else (no network, no file system)."""
    from weasyprint.urls import default_url_fetcher

    prefix = settings.STATIC_URL
    if url.startswith(prefix):
        path = finders.find(url[len(prefix) :])
        if path:
            return default_url_fetcher("file://" + path)
    raise ValueError(f"refused: {url}")


def render_pdf(template: str, context: dict) -> bytes:
    """The PDF of ``template`` with the ``static/css/pdf.css`` stylesheet (the CSP's rule of no inline
    style holds for these templates too)."""
    from weasyprint import CSS, HTML

    with translation.override("fr"):
        html = render_to_string(template, context)
    stylesheet = CSS(filename=finders.find("css/pdf.css"), url_fetcher=_url_fetcher)
    return HTML(string=html, base_url="/", url_fetcher=_url_fetcher).write_pdf(stylesheets=[stylesheet])


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _event_context(event: Event) -> dict:
    return {
        "event": event,
        "pole": event.pole,
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
    }


def attendance_sheet_pdf(*, event: Event) -> bytes:
    """A4 sheet: pole, event, date and venue; one line per confirmed registrant, blank lines after."""
    registrations = event.registrations.confirmed().select_related("organisation").order_by("full_name", "pk")
    return render_pdf(
        "admin/events/pdf/attendance_sheet.html",
        {
            **_event_context(event),
            "registrations": registrations,
            "blank_lines": range(WALK_IN_LINES),
            "generated_at": timezone.localtime(),
        },
    )


def certificate_pdf(*, registration: Registration) -> bytes:
    """Certificate that ``registration``'s person attended the event (only for someone marked present)."""
    return render_pdf(
        "admin/events/pdf/certificate.html",
        {
            **_event_context(registration.event),
            "registration": registration,
            "issued_on": timezone.localdate(),
        },
    )


def certificate_available(registration: Registration, now=None) -> bool:
    """A certificate exists for someone marked present, once the event has started."""
    return (
        registration.attended is True
        and registration.status != Registration.Status.CANCELLED
        and registration.anonymised_at is None
        and registration.event.starts_at <= (now or timezone.now())
    )

"""Back-office pages of one event beyond Django's stock views: the check-in at the door, the attendance
sheet, the certificates of attendance and the messages to the registrants.

Each view is wired from ``EventAdmin.get_urls()`` / ``RegistrationAdmin.get_urls()`` through
``admin_site.admin_view`` and loads its object with the model admin's ``get_object`` (scoped to the
user's poles: another pole's event or registration answers 404); changing anything needs the change
permission on that object.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from poles.models import Commune

from . import pdf
from .models import EmailRecord, Event, EventMessage, Registration, Workshop
from .services import attendance, copies, messaging
from .services.registrations import RegistrationError

Status = Registration.Status


def object_view(model_admin, function):
    """``function(model_admin, request, object_id)`` as an admin view of ``model_admin``'s site."""

    def wrapped(request, object_id):
        return function(model_admin, request, object_id)

    return model_admin.admin_site.admin_view(wrapped)


def _event(model_admin, request, object_id, *, change: bool) -> Event:
    event = model_admin.get_object(request, object_id)
    allowed = (
        model_admin.has_change_permission(request, event)
        if change
        else model_admin.has_view_permission(request, event)
    )
    if not allowed:
        raise PermissionDenied
    return event


def _context(model_admin, request, event, title: str) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "subtitle": event.title,
        "opts": model_admin.model._meta,
        "original": event,
        "event": event,
        "has_view_permission": True,
    }


# --------------------------------------------------------------------------------------------------
# Check-in


class WalkInForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    organisation_name = forms.CharField(label=_("Organisation (optional)"), max_length=200, required=False)


ATTENDANCE_VALUES = {"present": True, "absent": False, "unknown": None}


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _counts_json(counts: attendance.CheckInCounts) -> dict:
    return {
        "confirmed": counts.confirmed,
        "present": counts.present,
        "absent": counts.absent,
        "unmarked": counts.unmarked,
        "waitlisted": counts.waitlisted,
        "walk_ins": counts.walk_ins,
    }


def checkin_view(model_admin, request, object_id):
    """``pointage/``: the confirmed registrants then the waiting list, one tap present/absent, walk-ins.

    Each button is a form (works without JavaScript: POST, then back to the list at the same person);
    ``static/js/checkin.js`` sends the same POST with ``fetch`` and updates the line and the counts.
    """
    event = _event(model_admin, request, object_id, change=request.method == "POST")
    query = (request.POST.get("q") if request.method == "POST" else request.GET.get("q", "")) or ""
    query = query.strip()[:100]
    walk_in_form = WalkInForm()
    if request.method == "POST":
        if request.POST.get("action") == "walk_in":
            walk_in_form = WalkInForm(request.POST)
            if walk_in_form.is_valid():
                try:
                    registration, created = attendance.walk_in_add(event=event, **walk_in_form.cleaned_data)
                except RegistrationError as exc:
                    messages.error(request, " ".join(exc.messages))
                else:
                    if created:
                        messages.success(
                            request,
                            gettext("%(name)s added and marked present.") % {"name": registration.full_name},
                        )
                    else:
                        messages.info(
                            request,
                            gettext("%(name)s was already registered: marked present.")
                            % {"name": registration.full_name},
                        )
                    counts = attendance.checkin_counts(event=event)
                    if counts.over_capacity:
                        messages.warning(
                            request,
                            ngettext(
                                "The event is over its capacity by %d seat.",
                                "The event is over its capacity by %d seats.",
                                counts.over_capacity,
                            )
                            % counts.over_capacity,
                        )
                    return HttpResponseRedirect(request.path + f"#inscription-{registration.pk}")
        else:
            return _mark(request, event, query)
    registrations = (
        event.registrations.filter(status__in=[Status.CONFIRMED, Status.WAITLISTED])
        .select_related("organisation")
        .prefetch_related("answers__question")
        .annotate(
            rank=Case(
                When(status=Status.CONFIRMED, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("rank", "full_name", "pk")
    )
    if query:
        registrations = registrations.filter(
            Q(full_name__icontains=query)
            | Q(organisation_name__icontains=query)
            | Q(organisation__name__icontains=query)
        )
    registrations = list(registrations)
    context = {
        **_context(model_admin, request, event, gettext("Check-in")),
        "confirmed": [r for r in registrations if r.status == Status.CONFIRMED],
        "waitlisted": [r for r in registrations if r.status == Status.WAITLISTED],
        "counts": attendance.checkin_counts(event=event),
        "query": query,
        "walk_in_form": walk_in_form,
        "sheet_url": reverse("admin:events_event_attendance_sheet", args=[event.pk]),
    }
    return render(request, "admin/events/event/checkin.html", context)


def _mark(request, event: Event, query: str):
    value = request.POST.get("attended")
    try:
        registration = event.registrations.get(pk=int(request.POST.get("registration", "")))
    except (ValueError, Registration.DoesNotExist):
        raise Http404(gettext("This registration is not one of this event's.")) from None
    if value not in ATTENDANCE_VALUES:
        if _wants_json(request):
            return JsonResponse({"error": gettext("Unknown attendance value.")}, status=400)
        messages.error(request, gettext("Unknown attendance value."))
    else:
        try:
            registration = attendance.registration_set_attendance(
                registration=registration, attended=ATTENDANCE_VALUES[value]
            )
        except RegistrationError as exc:
            if _wants_json(request):
                return JsonResponse({"error": " ".join(exc.messages)}, status=409)
            messages.error(request, " ".join(exc.messages))
    if _wants_json(request):
        return JsonResponse(
            {
                "registration": registration.pk,
                "attended": registration.attended,
                "label": _attendance_label(registration.attended),
                "counts": _counts_json(attendance.checkin_counts(event=event)),
            }
        )
    url = request.path + (f"?{urlencode({'q': query})}" if query else "") + f"#inscription-{registration.pk}"
    return HttpResponseRedirect(url)


def _attendance_label(attended: bool | None) -> str:
    return {True: gettext("Present"), False: gettext("Absent"), None: gettext("Not marked")}[attended]


# --------------------------------------------------------------------------------------------------
# PDFs


def attendance_sheet_view(model_admin, request, object_id):
    """``emargement.pdf``: the A4 attendance sheet of an event."""
    event = _event(model_admin, request, object_id, change=False)
    return pdf.pdf_response(pdf.attendance_sheet_pdf(event=event), f"emargement-{event.slug}.pdf")


def certificate_view(model_admin, request, object_id):
    """``attestation.pdf`` of one registration, for the coordinator; only for someone marked present."""
    registration = model_admin.get_object(request, object_id)
    if not model_admin.has_view_permission(request, registration):
        raise PermissionDenied
    if registration.attended is not True or registration.status == Status.CANCELLED:
        raise Http404(gettext("A certificate exists only for someone marked present."))
    return pdf.pdf_response(
        pdf.certificate_pdf(registration=registration), f"attestation-{registration.event.slug}.pdf"
    )


# --------------------------------------------------------------------------------------------------
# Messages


class MessageForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Send to"), choices=EventMessage.Audience.choices, widget=forms.RadioSelect
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text. Each person's email ends with the event and their own link to cancel."),
    )
    draft_key = forms.CharField(widget=forms.HiddenInput, required=False)


def message_view(model_admin, request, object_id):
    """``message/``: write to the confirmed, the present or the waiting list; preview, test, send."""
    event = _event(model_admin, request, object_id, change=True)
    form = MessageForm(request.POST or None, initial={"audience": EventMessage.Audience.CONFIRMED})
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        step = request.POST.get("step")
        if step == "send" and data["draft_key"]:
            existing = EventMessage.objects.filter(draft_key=data["draft_key"], event=event).first()
            if existing is None:
                message = messaging.message_create(
                    event=event,
                    audience=data["audience"],
                    subject=data["subject"],
                    body=data["body"],
                    author=request.user,
                    draft_key=data["draft_key"],
                )
                messages.success(
                    request,
                    gettext("Your message “%(subject)s” is being put in the outbox.")
                    % {"subject": message.subject},
                )
            return HttpResponseRedirect(request.path)
        if step == "test":
            if request.user.email:
                messaging.message_test_to_worker(
                    event=event, subject=data["subject"], body=data["body"], to=request.user.email
                )
                messages.info(
                    request,
                    gettext("A test is being sent to %(email)s.") % {"email": request.user.email},
                )
            else:
                messages.error(request, gettext("Your account has no email address: add one to get a test."))
        subject, text, _html = messaging.message_render(
            event=event, subject=data["subject"], body=data["body"]
        )
        count = messaging.message_audience(event=event, audience=data["audience"]).count()
        preview = {"subject": subject, "text": text, "count": count}
        form = MessageForm(initial={**data, "draft_key": data["draft_key"] or uuid.uuid4().hex})
        form.is_bound = False
    if request.method == "GET":
        messaging.messages_requeue(event=event)
    history = _history(event)
    context = {
        **_context(model_admin, request, event, gettext("Write to the registrants")),
        "form": form,
        "preview": preview,
        "history": history,
        "audience_counts": {
            value: messaging.message_audience(event=event, audience=value).count()
            for value in EventMessage.Audience.values
        },
    }
    return render(request, "admin/events/event/message.html", context)


def _history(event: Event) -> list[dict]:
    """The event's last messages with how many of their emails are sent, pending or failed."""
    items = list(event.messages.select_related("author")[:20])
    keys = [str(m.pk) for m in items]
    rows = EmailRecord.objects.filter(kind=EmailRecord.Kind.MESSAGE, key__in=keys).values_list(
        "key", "status"
    )
    tally: dict[str, dict[str, int]] = {}
    for key, status in rows:
        tally.setdefault(key, {}).setdefault(status, 0)
        tally[key][status] += 1
    return [
        {
            "message": m,
            "sent": tally.get(str(m.pk), {}).get(EmailRecord.Status.SENT, 0),
            "pending": tally.get(str(m.pk), {}).get(EmailRecord.Status.PENDING, 0),
            "failed": tally.get(str(m.pk), {}).get(EmailRecord.Status.FAILED, 0),
        }
        for m in items
    ]


# --------------------------------------------------------------------------------------------------
# Events without retyping


class DuplicateForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("New date and time (Paris time)"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Everything else is copied; the copy is a draft, without registrations."),
    )


def duplicate_view(model_admin, request, object_id):
    """``dupliquer/``: a draft copy of the event at a new date, then its change page."""
    event = _event(model_admin, request, object_id, change=True)
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = DuplicateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        copy = copies.event_duplicate(event=event, starts_at=form.cleaned_data["starts_at"])
        model_admin.log_addition(request, copy, [{"added": {}}])
        messages.success(request, gettext("Copy created as a draft: check it, then publish it."))
        return HttpResponseRedirect(reverse("admin:events_event_change", args=[copy.pk]))
    context = {
        **_context(model_admin, request, event, gettext("Duplicate the event")),
        "form": form,
        "submit_label": gettext("Create the copy"),
        "intro": gettext("The copy keeps the title, description, venue, capacity, kind, pole and workshop."),
    }
    return render(request, "admin/events/simple_form.html", context)


class SessionsForm(forms.Form):
    dates = forms.CharField(
        label=_("Dates of the sessions"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One session a line, as DD/MM/YYYY HH:MM (Paris time), e.g. 14/03/2026 09:30."),
    )
    title = forms.CharField(label=_("Title of the sessions"), max_length=200)
    duration = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=24 * 60, initial=120)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none(), required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=0, required=False, help_text=_("Leave empty for no limit.")
    )

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.in_territory_of(workshop.pole).order_by("name")
        self.fields["title"].initial = workshop.title

    def clean_dates(self):
        return copies.session_dates_parse(self.cleaned_data["dates"])


def sessions_view(model_admin, request, object_id):
    """``seances/``: the workshop's sessions from a list of dates, all alike, as drafts."""
    workshop = model_admin.get_object(request, object_id)  # another pole's: 404
    if not model_admin.has_change_permission(request, workshop):
        raise PermissionDenied
    form = SessionsForm(request.POST or None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = copies.SessionPlan(
            title=data["title"],
            duration=timedelta(minutes=data["duration"]),
            venue=data["venue"],
            address=data["address"],
            commune_id=data["commune"].pk if data["commune"] else None,
            capacity=data["capacity"],
        )
        sessions = copies.workshop_sessions_create(workshop=workshop, dates=data["dates"], plan=plan)
        messages.success(
            request,
            ngettext("%d session created as a draft.", "%d sessions created as drafts.", len(sessions))
            % len(sessions),
        )
        return HttpResponseRedirect(
            reverse("admin:events_event_changelist") + f"?workshop__id__exact={workshop.pk}"
        )
    context = {
        **_context(model_admin, request, workshop, gettext("Create the sessions")),
        "form": form,
        "submit_label": gettext("Create the sessions"),
        "intro": gettext("Each session gets the same title, duration, venue and capacity."),
    }
    return render(request, "admin/events/simple_form.html", context)

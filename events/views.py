"""Public pages of events and workshops, the registration flow, calendars and the privacy page.

Views stay thin: they parse input, call a queryset or a service from :mod:`events.services` and render.
"""

from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import ListView, TemplateView

from core.public_cache import cache_public_page
from core.queries import InvalidQuery, filtered, query_is_invalid, query_with
from core.ratelimit import rate_limited
from events.services import registrations

from . import agenda, pdf
from .filters import FILTERS, EventFilter
from .forms import GroupRegistrationForm, RegistrationForm
from .ics import calendar_for, event_calendar
from .models import Event, Registration, RegistrationState
from .selectors import waiting_list_text
from .services import groups
from .services.personal_data import PLACES
from .services.questions import answers_from
from .structured_data import event_schema, json_ld_script

#: What the event lists read from the query string, and so what their cached pages are keyed on.
LIST_PARAMS = FILTERS | {"page", "vue", "embed"}
MONTH_VIEW = "mois"


class FilteredEventListView(ListView):
    """Published events through :class:`EventFilter`, as a list (paginated) or, with ``?vue=mois``, as a
    month calendar (``mois=YYYY-MM``, this month by default); a malformed filter answers 400 with the
    form."""

    template_name = "events/event_list.html"
    paginate_by = 20
    archive = False

    def get_base_queryset(self):
        events = Event.objects.published().select_related("pole", "commune", "workshop")
        if self.is_month_view:
            return events
        return events.past() if self.archive else events.upcoming()

    @property
    def is_month_view(self) -> bool:
        return not self.archive and self.request.GET.get("vue") == MONTH_VIEW

    def paginate_queryset(self, queryset, page_size):
        """Count the bare filtered events; add the seat counts (a join and grouping) to the page only."""
        paginator, page, _rows, is_paginated = super().paginate_queryset(queryset, page_size)
        bottom = (page.number - 1) * paginator.per_page
        page.object_list = queryset.with_seat_counts()[bottom : bottom + paginator.per_page]
        return paginator, page, page.object_list, is_paginated

    def get_paginate_by(self, queryset):
        return None if self.is_month_view else self.paginate_by

    def get_queryset(self):
        self.filterset = EventFilter(self.request.GET or None, queryset=self.get_base_queryset())
        if query_is_invalid(self.filterset) or self.is_month_view:
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context.update(
            filter=self.filterset,
            archive=self.archive,
            querystring=query_with(self.request.GET, drop={"page"}),
            filter_query=query_with(
                self.request.GET, drop={"page", "vue", "embed", "month"}, skip_empty=True
            ),
            month_view=self.is_month_view,
            now=now,
        )
        if self.is_month_view and not query_is_invalid(self.filterset):
            first = self.filterset.form.cleaned_data.get("month") or timezone.localtime(now).date().replace(
                day=1
            )
            context.update(agenda.month_context(self.filterset, first))
        return context

    def render_to_response(self, context, **response_kwargs):
        if query_is_invalid(self.filterset):
            response_kwargs["status"] = HTTPStatus.BAD_REQUEST
        return super().render_to_response(context, **response_kwargs)


class EventListView(FilteredEventListView):
    """Upcoming events."""


class EventArchiveView(FilteredEventListView):
    """Past events, most recent first."""

    archive = True


class AgendaEmbedView(FilteredEventListView):
    """The chrome-less agenda for an iframe on a pole's own site (``/evenements/?embed=1&pole=…``)."""

    template_name = "events/agenda_embed.html"
    paginate_by = agenda.EMBED_ITEMS


_event_list = EventListView.as_view()
_agenda_embed = xframe_options_exempt(AgendaEmbedView.as_view())


@cache_public_page(params=LIST_PARAMS)
def event_list(request):
    """``/evenements/``: the list or month view, or with ``?embed=1`` the embeddable agenda (the only
    framable events page). Cached for anonymous visitors per data version, which seat changes renew
    too (``events.apps``); the states that change with time alone (an event over, registration
    closing) are at most ``PUBLIC_CACHE_SECONDS`` late, and the event page and the services always
    check them live."""
    if request.GET.get("embed"):
        return _agenda_embed(request)
    return _event_list(request)


def _event_queryset():
    return (
        Event.objects.published()
        .select_related("pole", "commune", "workshop")
        .prefetch_related("questions", "documents")
        .with_seat_counts()
    )


def _render_event(request, event: Event, form: RegistrationForm | None = None, status=HTTPStatus.OK):
    now = timezone.now()
    sessions = []
    if event.workshop_id:
        sessions = list(event.workshop.events.published().exclude(pk=event.pk).order_by("starts_at"))
    state = event.registration_state(now)
    if form is None and state in (RegistrationState.OPEN, RegistrationState.FULL):
        form = RegistrationForm(event=event)
    context = {
        "event": event,
        "object": event,
        "state": state,
        "States": RegistrationState,
        "seats_left": event.seats_left(),
        "sessions": sessions,
        "form": form,
        "map_point": _map_point(event),
        "json_ld": json_ld_script(event_schema(event, state=state, seats_left=event.seats_left())),
    }
    return render(request, "events/event_detail.html", context, status=status)


def _map_point(event: Event) -> dict | None:
    """The venue's point, else the commune's (marked approximate), else None (no map)."""
    if event.has_position:
        return {"lat": event.latitude, "lng": event.longitude, "approximate": False}
    if event.commune_id and event.commune.has_position:
        return {"lat": event.commune.latitude, "lng": event.commune.longitude, "approximate": True}
    return None


class EventDetailView(View):
    """One event: date and place, seats, registration state and the form."""

    def get(self, request, slug):
        return _render_event(request, get_object_or_404(_event_queryset(), slug=slug))


class EventRegisterView(View):
    """POST a registration: rate-limited per client address, honeypot, duplicates re-send the link;
    the answer never tells whether the address was already registered."""

    http_method_names = ["post"]

    def post(self, request, slug):
        event = get_object_or_404(_event_queryset(), slug=slug)
        if rate_limited(request, group="events.registration", rate=settings.REGISTRATION_RATE):
            return render(
                request, "events/rate_limited.html", {"event": event}, status=HTTPStatus.TOO_MANY_REQUESTS
            )
        form = RegistrationForm(request.POST, event=event)
        if not form.is_valid():
            return _render_event(request, event, form, status=HTTPStatus.BAD_REQUEST)
        data = form.cleaned_data
        # Whether the address was new, already registered (the link is emailed to it again) or the form
        # filled in by a robot (nothing is recorded), the visitor gets the same answer: the page must
        # not tell anyone whether an address is registered for the event.
        if not form.is_spam:
            try:
                registrations.registration_create(
                    event=event,
                    full_name=data["full_name"],
                    email=data["email"],
                    organisation=data.get("organisation"),
                    organisation_name=data.get("organisation_name", ""),
                    answers=answers_from(event, data),
                    members_code=data.get("members_code", ""),
                )
            except registrations.RegistrationExists as exc:
                registrations.registration_resend_link(registration=exc.registration)
            except registrations.RegistrationError as exc:
                form.add_error(None, exc.messages)
                return _render_event(request, event, form, status=HTTPStatus.BAD_REQUEST)
        messages.success(
            request,
            _(
                "Almost done: we have emailed a link to %(email)s. Open it and press “Confirm” to complete "
                "your registration. If this address is already registered for this event, we are sending "
                "it the link to that registration again."
            )
            % {"email": data["email"]},
        )
        return redirect(event)


class GroupRegisterView(View):
    """Several people of one member organisation in one go (``inscription-groupe/``): each gets their
    own confirmation email. Rate-limited with the single form (one submission counts once, and
    registers at most ``GROUP_MAX`` people); the answer never tells who was already registered."""

    def _rows(self, request) -> int:
        try:
            return int(request.GET.get("personnes") or request.POST.get("rows") or 5)
        except ValueError:
            return 5

    def _render(self, request, event, form, status=HTTPStatus.OK):
        context = {"event": event, "form": form, "more_rows": min(form.rows + 5, groups.GROUP_MAX)}
        return render(request, "events/group_registration.html", context, status=status)

    def get(self, request, slug):
        event = get_object_or_404(_event_queryset(), slug=slug)
        if not event.accepts_registrations():
            return redirect(event)
        return self._render(request, event, GroupRegistrationForm(event=event, rows=self._rows(request)))

    def post(self, request, slug):
        event = get_object_or_404(_event_queryset(), slug=slug)
        if rate_limited(request, group="events.registration", rate=settings.REGISTRATION_RATE):
            return render(
                request, "events/rate_limited.html", {"event": event}, status=HTTPStatus.TOO_MANY_REQUESTS
            )
        form = GroupRegistrationForm(request.POST, event=event, rows=self._rows(request))
        if not form.is_valid():
            return self._render(request, event, form, status=HTTPStatus.BAD_REQUEST)
        data = form.cleaned_data
        if not form.is_spam:
            try:
                groups.group_register(
                    event=event,
                    organisation=data["organisation"],
                    people=data["people"],
                    members_code=data.get("members_code", ""),
                )
            except registrations.RegistrationError as exc:
                form.add_error(None, exc.messages)
                return self._render(request, event, form, status=HTTPStatus.BAD_REQUEST)
        count = len(data["people"])
        messages.success(
            request,
            ngettext(
                "Almost done: we have emailed %(count)d person a link to confirm their registration.",
                "Almost done: we have emailed each of the %(count)d people a link to confirm their own "
                "registration.",
                count,
            )
            % {"count": count},
        )
        return redirect(event)


@method_decorator(never_cache, name="dispatch")
class RegistrationView(View):
    """A registrant's own page, reached from the emailed link: status, confirm, cancel, calendar.

    Opening the page changes nothing (mail scanners prefetch links): confirming and cancelling are
    POSTs from its buttons.
    """

    def get_registration(self, token: str) -> Registration:
        return get_object_or_404(
            Registration.objects.not_anonymised().select_related(
                "event__pole", "event__commune", "organisation", "cycle"
            ),
            token=token,
        )

    def get(self, request, token, *, confirm_cancel: bool = False):
        registration = self.get_registration(token)
        event = registration.event
        now = timezone.now()
        context = {
            "registration": registration,
            "event": event,
            "Status": Registration.Status,
            "can_confirm": registration.status == Registration.Status.PENDING and event.seats_can_change(now),
            "can_cancel": registration.is_active and event.starts_at > now,
            # The waiting list gets no calendar entry: it is not a seat (docs/decisions.md).
            "has_calendar": registration.status == Registration.Status.CONFIRMED,
            "online_url": event.online_url
            if registration.status == Registration.Status.CONFIRMED and event.is_online
            else "",
            "waiting_list": waiting_list_text(registration),
            "answers": registration.answers.select_related("question"),
            "has_certificate": pdf.certificate_available(registration, now),
            "confirm_cancel": confirm_cancel,
        }
        return render(request, "events/registration_detail.html", context)

    def post(self, request, token):
        registration = self.get_registration(token)
        action = request.POST.get("action")
        try:
            if action == "confirm":
                registration = registrations.registration_confirm(registration=registration)
                if registration.status == Registration.Status.CONFIRMED:
                    messages.success(request, _("Your registration is confirmed: your seat is booked."))
                else:
                    messages.info(request, _("The event is full: you are on the waiting list."))
            elif action == "cancel":
                # The first press only asks to confirm: nothing changes until "cancel_confirmed".
                return self.get(request, token, confirm_cancel=registration.is_active)
            elif action == "cancel_confirmed":
                registrations.registration_cancel(registration=registration)
                messages.success(request, _("Your registration is cancelled."))
            else:
                messages.error(request, _("Unknown action."))
        except registrations.RegistrationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(registration)


@never_cache
def registration_certificate(request, token):
    """The registrant's own certificate of attendance (PDF), once the event has started and they were
    marked present; 404 otherwise. Never cached: it names a person."""
    registration = get_object_or_404(
        Registration.objects.not_anonymised().select_related("event__pole", "event__commune", "organisation"),
        token=token,
    )
    if not pdf.certificate_available(registration):
        raise Http404
    return pdf.pdf_response(
        pdf.certificate_pdf(registration=registration), f"attestation-{registration.event.slug}.pdf"
    )


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ics(request, slug):
    """The iCalendar file of one published event."""
    event = get_object_or_404(Event.objects.published().select_related("pole", "commune"), slug=slug)
    return _ics_response(event_calendar(event), f"{event.slug}.ics")


def events_ics(request):
    """The iCalendar feed of upcoming events, filterable like the list (``?pole=<slug>``)."""
    filterset = EventFilter(
        request.GET or None, queryset=Event.objects.published().upcoming().select_related("pole", "commune")
    )
    try:
        events = filtered(filterset)
    except InvalidQuery as exc:
        return HttpResponse(
            exc.as_text(), status=HTTPStatus.BAD_REQUEST, content_type="text/plain; charset=utf-8"
        )
    return _ics_response(calendar_for(events, name=_("ESS poles of Brittany: events")), "evenements.ics")


class PrivacyView(TemplateView):
    """What the portal does with personal data, and people's rights: every place a person's data is
    kept, listed from the definition that export, erasure and the purge use (``events.services.personal_data``)."""

    template_name = "events/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["places"] = PLACES
        context["contact_email"] = settings.REGISTRATION_PRIVACY_CONTACT
        return context

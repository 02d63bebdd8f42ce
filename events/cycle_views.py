"""A co-production workshop's public page with its cycle of sessions, registering for the cycle, and
the person's own page for the cycle (reached from the emailed link)."""

from __future__ import annotations

from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from actors.models import Actor
from core.ratelimit import rate_limited

from .cycle_forms import CycleRegistrationForm
from .models import CycleBooking, Registration, Workshop
from .services import cycles, registrations


def _render_workshop(request, workshop: Workshop, form=None, status=HTTPStatus.OK):
    now = timezone.now()
    sessions = cycles.cycle_sessions(workshop, now=now)
    open_sessions = [session.event for session in sessions if session.can_register]
    if form is None and open_sessions:
        form = CycleRegistrationForm(workshop=workshop, sessions=open_sessions)
    context = {
        "object": workshop,
        "workshop": workshop,
        "sessions": sessions,
        "upcoming_sessions": [s for s in sessions if s.event.ends_at >= now],
        "past_sessions": [s for s in sessions if s.event.ends_at < now],
        "form": form,
        "participants": Actor.objects.published()
        .filter(workshops=workshop)
        .select_related("commune")
        .order_by("name"),
        "now": now,
    }
    return render(request, "events/workshop_detail.html", context, status=status)


def _workshop(slug: str) -> Workshop:
    return get_object_or_404(Workshop.objects.select_related("pole"), slug=slug)


class WorkshopDetailView(View):
    """A co-production workshop: its cycle of sessions with each one's state, the form to register for
    several sessions at once, and the organisations that take part."""

    def get(self, request, slug):
        return _render_workshop(request, _workshop(slug))


class CycleRegisterView(View):
    """POST a registration for sessions of a workshop: the same rules and answers as for one event
    (rate limit, honeypot, no hint whether the address was already registered)."""

    http_method_names = ["post"]

    def post(self, request, slug):
        workshop = _workshop(slug)
        if rate_limited(request, group="events.registration", rate=settings.REGISTRATION_RATE):
            return render(
                request, "events/rate_limited.html", {"event": workshop}, status=HTTPStatus.TOO_MANY_REQUESTS
            )
        open_sessions = [s.event for s in cycles.cycle_sessions(workshop) if s.can_register]
        if not open_sessions:
            messages.error(request, _("No session of this workshop accepts registrations now."))
            return redirect(workshop)
        form = CycleRegistrationForm(request.POST, workshop=workshop, sessions=open_sessions)
        if not form.is_valid():
            return _render_workshop(request, workshop, form, status=HTTPStatus.BAD_REQUEST)
        data = form.cleaned_data
        if not form.is_spam:
            try:
                cycles.cycle_register(
                    workshop=workshop,
                    events=list(data["sessions"].select_related("pole")),
                    full_name=data["full_name"],
                    email=data["email"],
                    organisation=data.get("organisation"),
                    organisation_name=data.get("organisation_name", ""),
                )
            except registrations.RegistrationError as exc:
                form.add_error(None, exc.messages)
                return _render_workshop(request, workshop, form, status=HTTPStatus.BAD_REQUEST)
        messages.success(
            request,
            _(
                "Almost done: we have emailed a link to %(email)s. Open it and press “Confirm” to complete "
                "your registration for the sessions you chose. If this address is already registered for "
                "them, we are sending it the link to that registration again."
            )
            % {"email": data["email"]},
        )
        return redirect(workshop)


@method_decorator(never_cache, name="dispatch")
class CycleView(View):
    """A person's own page for a workshop cycle: each session's status, confirm all, cancel all.

    Opening it changes nothing (mail scanners prefetch links): confirming and cancelling are POSTs."""

    def get_booking(self, token: str) -> tuple[CycleBooking, list[Registration]]:
        booking = get_object_or_404(CycleBooking.objects.select_related("workshop__pole"), token=token)
        rows = list(booking.registrations_in_order().filter(anonymised_at__isnull=True))
        if not rows:
            from django.http import Http404

            raise Http404
        return booking, rows

    def get(self, request, token):
        booking, rows = self.get_booking(token)
        now = timezone.now()
        context = {
            "booking": booking,
            "workshop": booking.workshop,
            "rows": rows,
            "person": rows[0],
            "Status": Registration.Status,
            "can_confirm": any(
                r.status == Registration.Status.PENDING and r.event.seats_can_change(now) for r in rows
            ),
            "can_cancel": any(r.is_active and r.event.starts_at > now for r in rows),
        }
        return render(request, "events/cycle_detail.html", context)

    def post(self, request, token):
        booking, _rows = self.get_booking(token)
        action = request.POST.get("action")
        if action == "confirm":
            result = cycles.cycle_confirm(booking=booking)
            if result.confirmed or result.waitlisted:
                messages.success(
                    request,
                    _(
                        "Your registration for the workshop is confirmed: each session shows its status below."
                    ),
                )
            if result.refused:
                messages.error(
                    request,
                    _("Some sessions can no longer be confirmed: they are cancelled or have started."),
                )
        elif action == "cancel":
            cycles.cycle_cancel(booking=booking)
            messages.success(
                request, _("Your registration for the sessions that have not started is cancelled.")
            )
        else:
            messages.error(request, _("Unknown action."))
        return redirect(booking)

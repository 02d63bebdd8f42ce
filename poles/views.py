"""Public pages of the poles: the list and one pole with its territory, members, workshops and events."""

from __future__ import annotations

from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from actors.models import Actor
from ess_portal.public_cache import cache_public_page
from events.models import Event

from .models import Commune
from .selectors import public_poles

POLE_MEMBERS_SHOWN = 30
POLE_EVENTS_SHOWN = 10


@method_decorator(cache_public_page, name="dispatch")
class PoleListView(ListView):
    """Every pole with its status, territory, member count and next event."""

    template_name = "poles/pole_list.html"
    context_object_name = "poles"

    def get_queryset(self):
        return public_poles().order_by("status", "name")


@method_decorator(cache_public_page, name="dispatch")
class PoleDetailView(DetailView):
    """One pole: presentation, missions, governance, partners, contact, territory map, members, events."""

    template_name = "poles/pole_detail.html"
    context_object_name = "pole"

    def get_queryset(self):
        return public_poles()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pole = self.object
        context["supports"] = pole.supports.select_related("partner").order_by("partner__name", "kind")
        context["epcis"] = pole.epcis.order_by("name")
        context["communes"] = (
            Commune.objects.in_territory_of(pole)
            .order_by("name")
            .only("pk", "name", "insee_code", "department_code")
        )
        context["members"] = (
            Actor.objects.published()
            .in_pole(pole)
            .select_related("commune")
            .order_by("name")[:POLE_MEMBERS_SHOWN]
        )
        context["workshops"] = pole.workshops.filter(is_active=True).order_by("title")
        context["events"] = (
            Event.objects.published()
            .upcoming()
            .filter(pole=pole)
            .select_related("commune")[:POLE_EVENTS_SHOWN]
        )
        return context

"""Public pages of the poles: the list and one pole with its territory; its members, workshops and events
are the sections ``actors`` and ``events`` contribute (``poles.selectors``)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from core.public_cache import cache_public_page
from core.text import sort_key

from .coverage import pole_coverage
from .models import Commune, Pole
from .selectors import pole_sections, public_poles


@method_decorator(cache_public_page, name="dispatch")
class PoleListView(ListView):
    """Every pole with its status, territory, member count and next event."""

    template_name = "poles/pole_list.html"
    context_object_name = "poles"

    def get_queryset(self):
        """By status, then in French order ("Écopôle" among the E's): a few dozen poles, sorted here."""
        return sorted(public_poles(), key=lambda pole: (pole.status, sort_key(pole.name), pole.pk))


@method_decorator(cache_public_page(params={"page"}), name="dispatch")
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
        context.update(pole_sections(pole))
        if pole.status == Pole.Status.CONSTITUTED:  # where a constituted pole should go next
            context["coverage"] = render_to_string("poles/coverage.html", {"coverage": pole_coverage(pole)})
        return context

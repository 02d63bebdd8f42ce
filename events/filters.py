"""The FilterSet of the event lists (HTML list, archive and the iCalendar feed share it)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.public_widgets import FastSelect
from poles.models import Pole

from .models import Event, Workshop


class EventFilter(django_filters.FilterSet):
    pole = django_filters.ModelChoiceFilter(
        label=_("Pole"),
        queryset=Pole.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("All poles"),
        widget=FastSelect,
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Event.Kind.choices, empty_label=_("All kinds"), widget=FastSelect
    )
    workshop = django_filters.ModelChoiceFilter(
        label=_("Workshop"),
        queryset=Workshop.objects.order_by("title"),
        to_field_name="slug",
        empty_label=_("All workshops"),
        widget=FastSelect,
    )

    class Meta:
        model = Event
        fields = ["pole", "kind", "workshop"]

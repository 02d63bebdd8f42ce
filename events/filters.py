"""The FilterSet of the event lists (HTML list and month view, archive, iCalendar and RSS/Atom feeds, the
open-data exports and the embeddable agenda share it, so they always agree)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.public_cache import per_version
from core.public_widgets import FastSelect, FastTextInput
from poles.models import Pole

from .models import Event, EventFormat, Workshop

PARIS = ZoneInfo("Europe/Paris")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthInput(FastTextInput):
    """``<input type="month">``: a month picker where the browser has one, else a text field (YYYY-MM)."""

    input_type = "month"


class MonthField(forms.CharField):
    """A month written ``YYYY-MM`` (``2026-12``), cleaned to the first day of that month."""

    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, for example 2026-12.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = _MONTH.match(value.strip())
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(int(match[1]), int(match[2]), 1)


def month_bounds(first: date) -> tuple[datetime, datetime]:
    """The start of the month and of the next one, in Paris time."""
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (
        datetime.combine(first, time.min, tzinfo=PARIS),
        datetime.combine(following, time.min, tzinfo=PARIS),
    )


class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, qs, value):
        if not value:
            return qs
        start, end = month_bounds(value)
        return qs.filter(Q(starts_at__lt=end) & Q(ends_at__gte=start))


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
    format = django_filters.ChoiceFilter(
        label=_("Format"), choices=EventFormat.choices, empty_label=_("All formats"), widget=FastSelect
    )
    workshop = django_filters.ModelChoiceFilter(
        label=_("Workshop"),
        queryset=Workshop.objects.order_by("title"),
        to_field_name="slug",
        empty_label=_("All workshops"),
        widget=FastSelect,
    )
    month = MonthFilter(
        label=_("Month"),
        widget=MonthInput(attrs={"placeholder": "2026-12", "pattern": r"\d{4}-\d{2}"}),
        help_text=_("YYYY-MM"),
    )

    class Meta:
        model = Event
        fields = ["pole", "kind", "format", "workshop", "month"]

    @property
    def form(self):
        """The filter form, its pole and workshop options read once per process and data version (the
        selects are rendered from them; a chosen value is still validated against the database)."""
        if not hasattr(self, "_form"):
            form = super().form
            for name, choices in per_version("event-filter-choices", _model_choices).items():
                field = form.fields[name]
                field.widget.choices = [("", field.empty_label), *choices]
        return self._form


def _model_choices() -> dict[str, list[tuple[str, str]]]:
    """Options of the pole and workshop selects, as their model choice fields would list them."""
    return {
        name: [(str(obj.slug), str(obj)) for obj in EventFilter.base_filters[name].queryset.all()]
        for name in ("pole", "workshop")
    }


#: The query parameters of the event lists (the page cache and the exports keep these only).
FILTERS = frozenset(EventFilter.base_filters)

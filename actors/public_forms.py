"""Forms of the public pages that are not the directory's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from poles.models import Pole

from .models import Sector


class EmbedForm(forms.Form):
    """What the embeddable map shows: every organisation, or those of one pole or one sector."""

    DEFAULT_HEIGHT = 500

    pole = forms.ModelChoiceField(
        label=_("Pole"),
        queryset=Pole.objects.only("pk", "slug", "name", "acronym"),
        to_field_name="slug",
        required=False,
        empty_label=_("All poles"),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.only("pk", "slug", "name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All sectors"),
    )
    height = forms.IntegerField(
        label=_("Height of the map (pixels)"),
        min_value=200,
        max_value=1200,
        required=False,
        initial=DEFAULT_HEIGHT,
    )

    def cleaned_query(self) -> dict[str, str]:
        """The query string of the embeddable map for the chosen options."""
        query = {"embed": "1"}
        if self.cleaned_data.get("pole"):
            query["pole"] = self.cleaned_data["pole"].slug
        if self.cleaned_data.get("sector"):
            query["sector"] = self.cleaned_data["sector"].slug
        return query

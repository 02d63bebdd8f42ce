"""Forms of the public pages that are not the directory's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from poles.models import Pole

from .models import ErrorReport, Sector


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


class ErrorReportForm(forms.Form):
    """ "Signaler une erreur" on an organisation's page. ``fax`` is a honeypot, as on the proposal form."""

    message = forms.CharField(
        label=_("What is wrong?"),
        max_length=ErrorReport.MESSAGE_MAX_LENGTH,
        help_text=_("For example a wrong address, a closed organisation, an outdated phone number."),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": ErrorReport.MESSAGE_MAX_LENGTH}),
        error_messages={"required": _("Say what is wrong on this page.")},
    )
    email = forms.EmailField(
        label=_("Your email (optional)"),
        required=False,
        help_text=_("Only used to tell you once your report is handled."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    fax = forms.CharField(label=_("Leave this field empty"), required=False)

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(self.fields["message"].error_messages["required"], code="required")
        return message

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("fax"))

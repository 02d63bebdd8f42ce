"""Forms of an organisation's own listing: the form behind the private edit link and the reviewer's
decision (the logo field is ``actors.logo_forms``, shared with the admin)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import HttpsURLField

from .forms import commune_matching
from .logo_forms import LogoCleaningMixin, logo_formfield
from .models import Actor, Sector


class ListingUpdateForm(LogoCleaningMixin, forms.Form):
    """What an organisation may change of its own public listing (``selfservice.EDITABLE_FIELDS``)."""

    description = forms.CharField(
        label=_("Presentation"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{5}$",
        max_length=5,
        error_messages={"invalid": _("A postal code has five digits.")},
    )
    commune_name = forms.CharField(label=_("Commune"), max_length=200)
    latitude = forms.FloatField(
        label=_("Latitude"), required=False, min_value=-90, max_value=90, help_text=_("Optional, e.g. 47.65.")
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=_("Optional, e.g. -2.08."),
    )
    website = HttpsURLField(label=_("Website"), required=False)
    email = forms.EmailField(label=_("Organisation's email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opening_hours = forms.CharField(
        label=_("Opening hours"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    by_appointment = forms.BooleanField(label=_("By appointment only"), required=False)
    logo = logo_formfield()
    logo_alt = forms.CharField(
        label=_("What the image shows"),
        max_length=200,
        required=False,
        help_text=_("For people who cannot see it. Empty: the name of the organisation is read."),
    )

    def __init__(self, *args, actor: Actor, **kwargs):
        self.logo_name = actor.name
        initial = {
            name: getattr(actor, name)
            for name in (
                "description",
                "address",
                "latitude",
                "longitude",
                "website",
                "email",
                "phone",
                "opening_hours",
                "by_appointment",
                "logo_alt",
            )
        }
        initial["postal_code"] = (actor.commune.postal_code_list or [""])[0]
        initial["commune_name"] = actor.commune.name
        initial["sectors"] = list(actor.sectors.all())
        super().__init__(*args, initial=initial, **kwargs)

    def clean(self):
        cleaned = super().clean()
        commune_matching(self, cleaned)
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("longitude", _("Give both the latitude and the longitude, or neither."))
        return cleaned


class ChangeDecisionForm(forms.Form):
    message = forms.CharField(
        label=capfirst(_("message to the organisation (optional)")),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 50}),
    )
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])

    def clean_decision(self):
        value = self.cleaned_data["decision"]
        if value not in ("approve", "refuse"):
            raise ValidationError(_("Choose to approve or refuse."))
        return value

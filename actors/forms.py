"""Forms of the actors app's back-office and of the public "Proposer une organisation" page."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import HttpsURLField, LocatedAdminForm, https_formfield
from core.text import compact
from core.validators import normalize_siret, validate_siret
from poles.models import Commune, Pole

from .logo_forms import IMAGE_ACCEPT, LogoCleaningMixin
from .models import Actor, LegalForm, Sector
from .services.csv_format import IMPORT_MAX_BYTES, ImportFileRefused, decode_csv


def commune_matching(form: forms.Form, cleaned: dict) -> None:
    """Set ``cleaned["commune"]`` to the one commune of Brittany with the typed postal code and name
    (accents, case and separators ignored), else add the error to ``commune_name``."""
    postal, name = cleaned.get("postal_code"), cleaned.get("commune_name")
    if not (postal and name):
        return
    candidates = [
        commune
        for commune in Commune.objects.filter(postal_codes__contains=postal)
        if postal in commune.postal_code_list and compact(commune.name) == compact(name)
    ]
    if len(candidates) != 1:
        form.add_error(
            "commune_name", _("No commune of Brittany has this name and postal code: check the spelling.")
        )
    else:
        cleaned["commune"] = candidates[0]


class ActorAdminForm(LogoCleaningMixin, LocatedAdminForm):
    """An organisation in the admin: its position is placed on the map (or the commune's is used)."""

    class Meta:
        model = Actor
        formfield_callback = https_formfield
        fields = [
            "name",
            "acronym",
            "slug",
            "legal_form",
            "sectors",
            "pole",
            "member_since",
            "address",
            "commune",
            "website",
            "email",
            "phone",
            "description",
            "siret",
            "employees",
            "is_published",
            "opening_hours",
            "by_appointment",
            "logo",
            "logo_alt",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "logo" in self.fields:
            self.fields["logo"].widget.attrs["accept"] = IMAGE_ACCEPT

    def clean_siret(self):
        return normalize_siret(self.cleaned_data.get("siret", ""))

    def save(self, commit=True):
        if self.logo_files is not None:
            self.instance.logo_thumbnail = self.logo_files[1]
        elif self.cleaned_data.get("logo") is False:  # "clear" ticked
            self.instance.logo_thumbnail = ""
        return super().save(commit)


class ActorImportForm(forms.Form):
    """Upload step of the CSV import: the pole (one of the user's) and the file."""

    pole = forms.ModelChoiceField(label=capfirst(_("pole")), queryset=Pole.objects.none())
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 or Windows-1252, separated by “;” or “,”, with a header row. At most 2 MB."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        poles = Pole.objects.for_user(user)
        self.fields["pole"].queryset = poles
        only = list(poles[:2])
        if len(only) == 1:  # a coordinator of one pole has nothing to choose
            self.fields["pole"].initial = only[0].pk
            self.fields["pole"].empty_label = None
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise ValidationError(
                _("Only CSV files are accepted (.csv): save the spreadsheet as CSV first."), code="type"
            )
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is too big: at most %(size)s MB.") % {"size": IMPORT_MAX_BYTES // (1024 * 1024)},
                code="size",
            )
        # What can be told at once (a binary file, an unknown encoding) is; the rows are the worker's.
        upload.seek(0)
        try:
            decode_csv(upload.read())
        except ImportFileRefused as exc:
            raise ValidationError(str(exc), code="unreadable") from exc
        finally:
            upload.seek(0)
        return upload


class ProposalRejectForm(forms.Form):
    """The optional message sent to the proposers of rejected organisations."""

    message = forms.CharField(
        label=capfirst(_("message to the proposer (optional)")),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
    )


class ProposalDecisionForm(forms.Form):
    """The optional message sent to the proposer with the decision on their proposal."""

    message = forms.CharField(
        label=capfirst(_("message to the proposer (optional)")),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 50}),
    )


class ActorProposalForm(forms.Form):
    """The public proposal form. ``fax`` is a honeypot: hidden to people, filled in by spam robots."""

    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    acronym = forms.CharField(label=_("Acronym"), max_length=50, required=False)
    legal_form = forms.ChoiceField(label=_("Legal form"), choices=LegalForm.choices)
    # Chosen by slug, as in the public filters: any text posted is then a plain string lookup.
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{5}$",
        max_length=5,
        error_messages={"invalid": _("A postal code has five digits.")},
    )
    commune_name = forms.CharField(label=_("Commune"), max_length=200)
    website = HttpsURLField(label=_("Website"), required=False)
    email = forms.EmailField(label=_("Organisation's email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    siret = forms.CharField(
        label=_("SIRET"), max_length=20, required=False, help_text=_("14 digits, if known.")
    )
    description = forms.CharField(
        label=_("What does it do?"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5})
    )
    # autocomplete tokens let browsers fill in the person's own details (WCAG 1.3.5, identify input purpose).
    proposer_name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    proposer_email = forms.EmailField(
        label=_("Your email"),
        help_text=_("Only used to tell you whether the organisation was added."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    fax = forms.CharField(label=_("Leave this field empty"), required=False)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())  # no line break can reach an email subject

    def clean_proposer_name(self):
        return " ".join(self.cleaned_data["proposer_name"].split())

    def clean_siret(self):
        siret = normalize_siret(self.cleaned_data.get("siret", ""))
        validate_siret(siret)
        if siret and Actor.objects.filter(siret=siret).exists():
            raise ValidationError(_("An organisation with this SIRET is already in the directory."))
        return siret

    def clean(self):
        cleaned = super().clean()
        commune_matching(self, cleaned)
        return cleaned

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("fax"))

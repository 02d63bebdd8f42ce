"""The public registration form."""

from django import forms
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from actors.models import Actor

from .models import Event


class OrganisationChoiceField(forms.ModelChoiceField):
    """The event's pole's member organisations, by name."""

    def label_from_instance(self, obj):
        return obj.name


class RegistrationForm(forms.Form):
    # autocomplete tokens let browsers fill in the person's own details (WCAG 1.3.5, identify input purpose).
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send a confirmation link to this address."),
    )
    organisation = OrganisationChoiceField(
        label=_("Member organisation"),
        queryset=Actor.objects.none(),
        required=False,
        empty_label=_("— not a member organisation —"),
    )
    organisation_name = forms.CharField(
        label=_("Or your organisation's name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        help_text=_("If your organisation is not in the list (optional for events open to all)."),
    )
    consent = forms.BooleanField(
        label=_("I agree that the pole processes these details to manage my registration."),
        required=True,
        error_messages={"required": _("Please tick the box: we cannot register you without your consent.")},
    )
    # A field hidden from people (CSS) that robots fill in: such submissions are ignored.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["consent"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("events:privacy"), _("How we handle your personal data")
        )
        # Only the event's pole's members: a network of thousands of organisations would make the
        # select unusable (and the page heavy); anyone else types their organisation's name.
        self.fields["organisation"].queryset = (
            Actor.objects.published().in_pole(event.pole).order_by(Lower("name")).only("pk", "name")
        )
        self.fields["organisation"].label = _("Member organisation of %(pole)s") % {"pole": event.pole.name}
        if event.is_members_only:
            self.fields["organisation"].required = True
            self.fields["organisation"].empty_label = _("— choose your organisation —")
            self.fields["organisation"].error_messages["required"] = _(
                "This event is for member organisations only: choose your organisation in the list."
            )
            del self.fields["organisation_name"]

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organisation"):
            cleaned["organisation_name"] = ""
        return cleaned

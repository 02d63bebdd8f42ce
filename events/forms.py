"""The public registration forms: one person (with the event's questions), or a group of one member
organisation."""

from django import forms
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from actors.models import Actor

from .models import Event
from .services.groups import GROUP_MAX
from .services.questions import question_fields


def members_code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Members' code"),
        max_length=40,
        help_text=_("Given by the pole to its member organisations."),
        error_messages={"required": _("Type the members' code your pole gave you.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


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
            if event.members_code:
                self.fields["members_code"] = members_code_field()
        self.fields.update(question_fields(event))
        self.order_fields([name for name in self.fields if name not in ("consent", "website")])

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organisation"):
            cleaned["organisation_name"] = ""
        return cleaned


class GroupRegistrationForm(forms.Form):
    """A member organisation registers several people: each then confirms from their own email."""

    organisation = OrganisationChoiceField(
        label=_("Member organisation"),
        queryset=Actor.objects.none(),
        empty_label=_("— choose your organisation —"),
        error_messages={"required": _("Choose your organisation in the list.")},
    )
    consent = forms.BooleanField(
        label=_(
            "These people agreed to be registered; each of them receives an email to confirm their own "
            "registration."
        ),
        error_messages={"required": _("Please tick the box: we cannot register them without their consent.")},
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, event: Event, rows: int = 5, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.rows = max(1, min(rows, GROUP_MAX))
        self.fields["organisation"].queryset = (
            Actor.objects.published().in_pole(event.pole).order_by(Lower("name")).only("pk", "name")
        )
        self.fields["organisation"].label = _("Member organisation of %(pole)s") % {"pole": event.pole.name}
        if event.is_members_only and event.members_code:
            self.fields["members_code"] = members_code_field()
        for row in range(1, self.rows + 1):
            self.fields[f"name_{row}"] = forms.CharField(
                label=_("Name of person %(n)d") % {"n": row}, max_length=200, required=False
            )
            self.fields[f"email_{row}"] = forms.EmailField(
                label=_("Email of person %(n)d") % {"n": row}, max_length=254, required=False
            )
        self.order_fields([name for name in self.fields if name not in ("consent", "website")])

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def person_rows(self):
        """(name field, email field) pairs, for the template."""
        return [(self[f"name_{row}"], self[f"email_{row}"]) for row in range(1, self.rows + 1)]

    def clean(self):
        cleaned = super().clean()
        people, seen = [], set()
        for row in range(1, self.rows + 1):
            name, email = cleaned.get(f"name_{row}", "").strip(), cleaned.get(f"email_{row}", "")
            if f"email_{row}" in self.errors:
                continue
            if name and not email:
                self.add_error(f"email_{row}", _("Give this person's email address."))
            elif email and not name:
                self.add_error(f"name_{row}", _("Give this person's name."))
            elif email:
                if email.lower() in seen:
                    self.add_error(f"email_{row}", _("This address is already in the list."))
                seen.add(email.lower())
                people.append((name, email))
        if not people and not self.errors:
            raise forms.ValidationError(_("Give the name and email address of at least one person."))
        cleaned["people"] = people
        return cleaned

"""Forms of the account pages: the second factor, the invitation, the password reset request."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from poles.models import Pole

from .models import Invitation
from .services import password_reset_request

User = get_user_model()


class CodeForm(forms.Form):
    """The six digits of the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6 digits shown by your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())


class InvitationForm(forms.ModelForm):
    """The regional team invites a coordinator: an address and the poles they coordinate. No password."""

    first_name = forms.CharField(label=_("first name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    poles = forms.ModelMultipleChoiceField(
        label=_("coordinated poles"),
        queryset=Pole.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The person becomes a coordinator of these poles once they have chosen their password."),
    )

    class Meta:
        model = Invitation
        fields = ["email", "first_name", "last_name", "poles"]
        help_texts = {
            "email": _("The link to choose a password is sent to this address; it is also the user name.")
        }

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None and (existing.has_usable_password() or not existing.is_active):
            raise forms.ValidationError(
                _("This address already has an account: edit it in the users' list."), code="exists"
            )
        return email


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, whose emails go through the outbox (``accounts.services``)."""

    def save(self, *args, **kwargs):
        password_reset_request(email=self.cleaned_data["email"])

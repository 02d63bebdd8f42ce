"""The registration form of a workshop cycle: the person's details (as for one event) and the sessions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import RegistrationForm
from .models import Event


class SessionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        from django.utils import formats, timezone

        start = timezone.localtime(obj.starts_at)
        return f"{formats.date_format(start, 'l j F Y, H:i')} — {obj.title}"


class CycleRegistrationForm(RegistrationForm):
    """``sessions``: the workshop's sessions that accept registrations, all ticked at first."""

    field_order = ["sessions"]

    sessions = SessionChoiceField(
        label=_("Sessions"),
        queryset=Event.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one session.")},
        help_text=_("Untick the sessions you will not attend. Each session has its own seats."),
    )

    def __init__(self, *args, workshop, sessions: list[Event], **kwargs):
        super().__init__(*args, event=sessions[0], **kwargs)
        self.workshop = workshop
        self.fields["sessions"].queryset = Event.objects.filter(
            pk__in=[event.pk for event in sessions]
        ).order_by("starts_at")
        self.fields["sessions"].initial = [event.pk for event in sessions]
        self.order_fields(self.field_order)
        if any(event.is_members_only for event in sessions) and not all(
            event.is_members_only for event in sessions
        ):
            self.fields["organisation"].help_text = _("Some sessions are for member organisations only.")

"""The event admin's parts for what an event offers beyond date and place: format and online link,
access, image (checked and resized by :mod:`events.uploads`), members' code, registration questions
and documents (inlines), the action sending the documents to the people present, and the answers'
columns of the registrations export. Used by :mod:`events.admin`."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.forms import LocatedAdminForm, https_formfield

from .models import AccessFeature, Event, EventDocument, Question
from .services import documents
from .uploads import document_checked, image_checked


class EventAdminForm(LocatedAdminForm):
    access_features = forms.MultipleChoiceField(
        label=_("Access"),
        choices=AccessFeature.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Event
        exclude = ["latitude", "longitude"]
        formfield_callback = https_formfield

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            return image_checked(image)
        return image

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("format") in (Event.Format.ONLINE, Event.Format.HYBRID) and not cleaned.get(
            "online_url"
        ):
            self.add_error("online_url", _("Give the link of the online meeting."))
        if cleaned.get("members_code") and cleaned.get("audience") != Event.Audience.MEMBERS:
            self.add_error("members_code", _("A members' code is only for a members-only event."))
        return cleaned


EVENT_FIELDSETS = [
    (None, {"fields": ["pole", "kind", "workshop", "title", "slug", "description", "status"]}),
    (_("Date and time (Paris time)"), {"fields": ["starts_at", "ends_at"]}),
    (_("Format and access"), {"fields": ["format", "online_url", "access_features", "access_notes"]}),
    (_("Image"), {"fields": ["image", "image_alt"]}),
    (_("Venue"), {"fields": ["venue", "address", "commune", "position", "use_commune_position"]}),
    (
        _("Registration"),
        {
            "fields": [
                "audience",
                "members_code",
                "capacity",
                "registration_opens_at",
                "registration_closes_at",
            ]
        },
    ),
]


class EventPartInline(admin.TabularInline):
    """An inline of rows that belong to the event (its questions, its documents): whoever may change
    the event (a coordinator of its pole) may add, change and delete them; whoever may see it, see them."""

    extra = 0

    def _event_admin(self):
        return self.admin_site._registry[Event]

    def has_view_permission(self, request, obj=None):
        return self._event_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._event_admin().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._event_admin().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._event_admin().has_change_permission(request, obj)


class QuestionInline(EventPartInline):
    """The questions of the registration form, in the order given."""

    model = Question
    fields = ["position", "label", "kind", "options", "required"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "options":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 30})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class EventDocumentForm(forms.ModelForm):
    class Meta:
        model = EventDocument
        fields = ["title", "file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):
            document_checked(upload)
        return upload


class EventDocumentInline(EventPartInline):
    """Slides, minutes… shown on the event's page; the action "Send the documents" emails them."""

    model = EventDocument
    form = EventDocumentForm
    fields = ["title", "file", "created_at"]
    readonly_fields = ["created_at"]


@admin.action(description=_("Send the documents to the people marked present"), permissions=["change"])
def send_documents(modeladmin, request, queryset):
    """One email per person present and per set of documents, written by the worker (messaging)."""
    for event in queryset.prefetch_related("documents"):
        message, count = documents.documents_send(event=event, author=request.user)
        if message is None:
            modeladmin.message_user(
                request,
                gettext("%(event)s: no document, or nobody marked present; nothing sent.")
                % {"event": event.title},
                messages.WARNING,
            )
        else:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(event)s: the documents will be sent to %(count)d person present.",
                    "%(event)s: the documents will be sent to the %(count)d people present.",
                    count,
                )
                % {"event": event.title, "count": count},
            )


def answer_columns(registrations) -> tuple[list[str], callable]:
    """The export's extra columns (one per question of the events exported) and a function giving a
    registration's answers in that order; ``registrations`` must prefetch ``answers``."""
    questions = list(Question.objects.filter(event__in=registrations.values("event")).select_related("event"))
    several_events = len({q.event_id for q in questions}) > 1
    header = [f"{q.event.title} — {q.label}" if several_events else q.label for q in questions]

    def values(registration) -> list[str]:
        answers = {a.question_id: a.display for a in registration.answers.all()}
        return [answers.get(q.pk, "") for q in questions]

    return header, values

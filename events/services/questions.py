"""The registration questions an event asks and its registrants' answers.

The form fields are built from the event's questions (:func:`question_fields`), so the public form,
the group form and the check-in page agree on what is asked. Answers are personal data: they are
written with the registration (:func:`answers_save`, in its transaction), exported with it
(:func:`answers_export`) and deleted when it is anonymised (:func:`answers_erase`), both called from
:mod:`events.services.personal_data`.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ..models import Answer, Event, Question, Registration

Kind = Question.Kind


def field_name(question: Question) -> str:
    return f"question_{question.pk}"


def question_field(question: Question) -> forms.Field:
    """The form field asking one question, with French messages when it is required."""
    common = {"label": question.label, "required": question.required}
    choices = [(option, option) for option in question.option_list()]
    if question.kind == Kind.CHOICE:
        field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        field.error_messages["required"] = _("Choose an answer to “%(question)s”.") % {
            "question": question.label
        }
    elif question.kind == Kind.CHECKBOXES:
        field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
        field.error_messages["required"] = _("Tick at least one answer to “%(question)s”.") % {
            "question": question.label
        }
    else:
        field = forms.CharField(max_length=500, **common)
        field.error_messages["required"] = _("Answer “%(question)s”.") % {"question": question.label}
    field.error_messages["invalid_choice"] = _("Choose one of the answers offered.")
    return field


def question_fields(event: Event) -> dict[str, forms.Field]:
    """One form field per question of ``event``, in the coordinator's order."""
    return {field_name(q): question_field(q) for q in event.questions.all()}


def answers_from(event: Event, cleaned_data: dict) -> dict[Question, str]:
    """The answers a valid form holds, as stored text (several choices one per line)."""
    answers = {}
    for question in event.questions.all():
        value = cleaned_data.get(field_name(question))
        if isinstance(value, list | tuple):
            value = "\n".join(value)
        if value:
            answers[question] = str(value).strip()
    return answers


def answers_save(*, registration: Registration, answers: dict[Question, str]) -> list[Answer]:
    """Store a registration's answers (called inside its transaction)."""
    return Answer.objects.bulk_create(
        [
            Answer(registration=registration, question=question, value=value)
            for question, value in answers.items()
            if question.event_id == registration.event_id
        ]
    )


def answers_export(registration: Registration) -> list[dict]:
    return [{"question": a.question.label, "answer": a.display} for a in registration.answers.all()]


def answers_erase(registrations: QuerySet[Registration]) -> int:
    return Answer.objects.filter(registration__in=registrations).delete()[0]

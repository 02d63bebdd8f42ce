"""Registration questions: asked by the form (French messages), shown to the registrant, at the door and
in the export, and handled as personal data (exported and erased with the person)."""

import csv
import io
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse

from events.models import Answer, Question, Registration
from events.services import personal_data
from tests import factories
from tests.events.test_registration_flow import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(pole):
    event = factories.EventFactory(pole=pole, capacity=10)
    diet = Question.objects.create(
        event=event, label="Régime alimentaire", kind=Question.Kind.TEXT, position=2
    )
    role = Question.objects.create(
        event=event,
        label="Votre rôle",
        kind=Question.Kind.CHOICE,
        options="Salarié·e\nBénévole\nÉlu·e",
        required=True,
        position=1,
    )
    needs = Question.objects.create(
        event=event, label="Besoins d’accès", kind=Question.Kind.CHECKBOXES, options="LSF\nBoucle", position=3
    )
    return event, role, diet, needs


def test_the_form_asks_the_questions_in_the_coordinators_order(client, asked):
    event, role, diet, needs = asked
    content = client.get(event.get_absolute_url()).content.decode()

    assert (
        content.index("Votre rôle") < content.index("Régime alimentaire") < content.index("Besoins d’accès")
    )
    assert f'name="question_{role.pk}"' in content and 'type="radio"' in content
    assert f'name="question_{needs.pk}"' in content and 'type="checkbox"' in content
    assert "<legend>Votre rôle" in content  # a group of choices is a fieldset with its legend


def test_a_required_question_left_unanswered_gets_a_french_message_and_registers_nobody(
    client, committed, asked
):
    event, role, diet, needs = asked
    response = register(client, committed, event)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choisissez une réponse à « Votre rôle »." in response.content.decode()
    assert not Registration.objects.exists()


def test_an_answer_outside_the_choices_is_refused(client, committed, asked):
    event, role, diet, needs = asked
    response = register(client, committed, event, **{f"question_{role.pk}": "Pirate"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choisissez l’une des réponses proposées." in response.content.decode()
    assert not Registration.objects.exists()


def test_answers_are_stored_and_shown_on_the_registrants_page(client, committed, asked):
    event, role, diet, needs = asked
    register(
        client,
        committed,
        event,
        **{
            f"question_{role.pk}": "Bénévole",
            f"question_{diet.pk}": "Végétarien",
            f"question_{needs.pk}": ["LSF", "Boucle"],
        },
    )
    registration = Registration.objects.get()
    assert {a.question_id: a.value for a in registration.answers.all()} == {
        role.pk: "Bénévole",
        diet.pk: "Végétarien",
        needs.pk: "LSF\nBoucle",
    }

    content = client.get(registration.get_absolute_url()).content.decode()
    assert "Votre rôle" in content and "Bénévole" in content
    assert "LSF, Boucle" in content


def _answered(event, role, name="Zoé Kerhervé", email="zoe@example.org", value="Élu·e"):
    registration = factories.RegistrationFactory(
        event=event, full_name=name, email=email, status=Registration.Status.CONFIRMED
    )
    Answer.objects.create(registration=registration, question=role, value=value)
    return registration


def test_answers_show_on_the_check_in_page(coordinator_client, asked):
    event, role, diet, needs = asked
    _answered(event, role)

    response = coordinator_client.get(reverse("admin:events_event_checkin", args=[event.pk]))

    assert response.status_code == HTTPStatus.OK
    assert "Votre rôle — Élu·e" in response.content.decode()


def test_answers_are_columns_of_the_registrations_export(coordinator_client, asked):
    event, role, diet, needs = asked
    registration = _answered(event, role, value="=HYPERLINK(1)")

    response = coordinator_client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "export_csv", "_selected_action": [registration.pk]},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, line = rows[0], rows[1]
    assert header[-3:] == ["Votre rôle", "Régime alimentaire", "Besoins d’accès"]
    assert line[header.index("Votre rôle")] == "'=HYPERLINK(1)"  # neutralised like every other cell


def test_answers_are_in_the_persons_data_export(asked):
    event, role, diet, needs = asked
    _answered(event, role)

    data = personal_data.personal_data_export(email="zoe@example.org")

    assert data["registrations"][0]["answers"] == [{"question": "Votre rôle", "answer": "Élu·e"}]


def test_answers_are_erased_with_the_person(asked):
    event, role, diet, needs = asked
    erased = _answered(event, role)
    kept = _answered(event, role, name="Yann", email="yann@example.org", value="Bénévole")

    personal_data.personal_data_erase(email="zoe@example.org")

    assert not Answer.objects.filter(registration=erased).exists()
    assert Answer.objects.get(registration=kept).value == "Bénévole"
    assert personal_data.personal_data_export(email="zoe@example.org")["registrations"] == []


def test_answers_go_with_the_retention_purge(asked, settings):
    event, role, diet, needs = asked
    _answered(event, role)
    later = event.ends_at + timedelta(days=settings.REGISTRATION_RETENTION_DAYS + 1)
    personal_data.personal_data_purge(now=later)

    assert not Answer.objects.exists()

"""The waiting list as the person sees it (their position, in French ordinals), the group form of a
member organisation, the membership check of members-only events, and the one definition of how a seat
is taken."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from events.models import EmailRecord, Event, Registration
from events.selectors import ordinal, waiting_list_position
from events.services import attendance, registrations, seats
from tests import factories

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.mark.parametrize(
    ("number", "french", "english"),
    [
        (1, "1ʳᵉ", "1st"),
        (2, "2ᵉ", "2nd"),
        (3, "3ᵉ", "3rd"),
        (4, "4ᵉ", "4th"),
        (11, "11ᵉ", "11th"),
        (22, "22ᵉ", "22nd"),
    ],
)
def test_ordinals_in_french_and_english(number, french, english):
    assert ordinal(number, "fr") == french
    assert ordinal(number, "en") == english


def _waiting(event, count):
    now = timezone.now()
    return [
        factories.RegistrationFactory(
            event=event, status=Status.WAITLISTED, waitlisted_at=now - timedelta(minutes=10 - i)
        )
        for i in range(count)
    ]


def test_the_person_sees_their_position_on_their_page(client):
    event = factories.EventFactory(capacity=0)
    first, second, third = _waiting(event, 3)

    assert [waiting_list_position(r) for r in (first, second, third)] == [1, 2, 3]
    assert "Vous êtes 3ᵉ sur la liste d’attente." in client.get(third.get_absolute_url()).content.decode()
    assert "Vous êtes 1ʳᵉ sur la liste d’attente." in client.get(first.get_absolute_url()).content.decode()


def test_the_waitlisted_email_gives_the_position(committed):
    event = factories.EventFactory(capacity=0)
    _waiting(event, 1)
    registration = registrations.registration_create(event=event, full_name="Anne", email="anne@example.org")
    committed(registrations.registration_confirm, registration=registration)

    message = mail.outbox[-1]
    assert "Vous êtes 2ᵉ sur la liste d’attente." in message.body
    assert "Vous êtes 2ᵉ sur la liste d’attente." in message.alternatives[0][0]
    assert message.attachments == []  # no calendar entry for the waiting list


def test_positions_move_up_when_a_seat_frees(committed):
    event = factories.EventFactory(capacity=1)
    seat = factories.RegistrationFactory(event=event, status=Status.CONFIRMED)
    first, second = _waiting(event, 2)

    committed(registrations.registration_cancel, registration=seat)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.CONFIRMED
    assert waiting_list_position(second) == 1


def test_the_english_page_uses_english_ordinals(client):
    event = factories.EventFactory(capacity=0)
    _, second = _waiting(event, 2)
    with translation.override("en"):
        assert ordinal(2) == "2nd"


# --------------------------------------------------------------------------------------------------
# The group form


@pytest.fixture
def member_org(pole):
    return factories.ActorFactory(pole=pole, name="Les Charpentiers")


def group_post(client, committed, event, organisation, people, **extra):
    data = {
        "organisation": organisation.pk if organisation else "",
        "consent": "on",
        "website": "",
        "rows": 5,
    }
    for i, (name, email) in enumerate(people, start=1):
        data[f"name_{i}"], data[f"email_{i}"] = name, email
    data.update(extra)
    url = reverse("events:group_register", kwargs={"slug": event.slug})
    return committed(client.post, url, data, follow=True)


def test_a_group_registers_each_person_with_their_own_link_exactly_once(client, committed, pole, member_org):
    event = factories.EventFactory(pole=pole, capacity=10)
    response = group_post(
        client,
        committed,
        event,
        member_org,
        [("Anne Le Goff", "anne@example.org"), ("Yann Morvan", "yann@example.org")],
    )

    assert response.status_code == HTTPStatus.OK
    assert "nous avons envoyé à chacune des 2 personnes un lien" in response.content.decode()
    people = Registration.objects.order_by("email")
    assert [(r.email, r.status, r.organisation) for r in people] == [
        ("anne@example.org", Status.PENDING, member_org),
        ("yann@example.org", Status.PENDING, member_org),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["anne@example.org", "yann@example.org"]
    for registration in people:
        (message,) = [m for m in mail.outbox if m.to == [registration.email]]
        assert registration.get_absolute_url() in message.body
        assert (
            EmailRecord.objects.get(registration=registration).kind == EmailRecord.Kind.CONFIRMATION_REQUEST
        )

    # Each confirms on their own; a seat is taken then, not before.
    committed(client.post, people[0].get_absolute_url(), {"action": "confirm"})
    assert Registration.objects.get(email="anne@example.org").status == Status.CONFIRMED
    assert Registration.objects.get(email="yann@example.org").status == Status.PENDING


def test_a_group_with_an_already_registered_person_does_not_tell(client, committed, pole, member_org):
    event = factories.EventFactory(pole=pole)
    factories.RegistrationFactory(event=event, email="anne@example.org", status=Status.CONFIRMED)

    response = group_post(
        client, committed, event, member_org, [("Anne", "anne@example.org"), ("Yann", "yann@example.org")]
    )

    assert response.status_code == HTTPStatus.OK
    assert Registration.objects.filter(event=event).count() == 2
    assert {m.to[0] for m in mail.outbox} == {
        "anne@example.org",
        "yann@example.org",
    }  # Anne gets her link again


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ([("Anne", "")], "Indiquez l’adresse e-mail de cette personne."),
        ([("", "anne@example.org")], "Indiquez le nom de cette personne."),
        (
            [("Anne", "anne@example.org"), ("Anne bis", "ANNE@example.org")],
            "Cette adresse figure déjà dans la liste.",
        ),
        ([], "Indiquez le nom et l’adresse e-mail d’au moins une personne."),
        ([("Anne", "pas-une-adresse")], "Saisissez une adresse de courriel valide."),
    ],
)
def test_a_bad_group_form_gets_a_french_message_and_registers_nobody(
    client, committed, pole, member_org, people, message
):
    event = factories.EventFactory(pole=pole)
    response = group_post(client, committed, event, member_org, people)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_the_group_form_is_rate_limited(client, committed, pole, member_org, settings):
    settings.REGISTRATION_RATE = "1/h"
    event = factories.EventFactory(pole=pole)
    group_post(client, committed, event, member_org, [("Anne", "anne@example.org")])
    response = group_post(client, committed, event, member_org, [("Yann", "yann@example.org")])

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not Registration.objects.filter(email="yann@example.org").exists()


def test_the_group_form_only_offers_the_poles_members(client, pole, other_pole, member_org):
    foreign = factories.ActorFactory(pole=other_pole, name="Ailleurs")
    event = factories.EventFactory(pole=pole)
    content = client.get(reverse("events:group_register", kwargs={"slug": event.slug})).content.decode()

    assert "Les Charpentiers" in content and "Ailleurs" not in content
    assert foreign.pk


# --------------------------------------------------------------------------------------------------
# Members-only events: the organisation is a member of the pole, and the pole's code when it set one


@pytest.fixture
def members_event(pole):
    return factories.EventFactory(pole=pole, audience=Event.Audience.MEMBERS, members_code="Bocage2031")


def test_a_members_only_event_wants_the_poles_code(client, committed, members_event, member_org):
    wrong = group_post(
        client, committed, members_event, member_org, [("Anne", "anne@example.org")], members_code="x"
    )
    assert wrong.status_code == HTTPStatus.BAD_REQUEST
    assert "Le code des membres n’est pas le bon : demandez-le à votre pôle." in wrong.content.decode()
    assert not Registration.objects.exists()

    right = group_post(
        client,
        committed,
        members_event,
        member_org,
        [("Anne", "anne@example.org")],
        members_code=" bocage2031 ",
    )
    assert right.status_code == HTTPStatus.OK
    assert Registration.objects.get().organisation == member_org


def test_the_single_form_checks_the_code_too(client, committed, members_event, member_org):
    from tests.events.test_registration_flow import register

    response = register(client, committed, members_event, organisation=member_org.pk, members_code="")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Saisissez le code des membres que votre pôle vous a donné." in response.content.decode()

    response = register(
        client, committed, members_event, organisation=member_org.pk, members_code="Bocage2031"
    )
    assert Registration.objects.get().organisation == member_org


def test_an_organisation_of_another_pole_is_refused_by_the_service(members_event, other_pole):
    foreign = factories.ActorFactory(pole=other_pole)
    with pytest.raises(registrations.RegistrationError, match="réservé aux organisations membres"):
        registrations.registration_create(
            event=members_event,
            full_name="X",
            email="x@example.org",
            organisation=foreign,
            members_code="Bocage2031",
        )


# --------------------------------------------------------------------------------------------------
# One definition of how a seat is taken


def test_every_path_takes_its_seat_through_seat_take(monkeypatch, committed, pole):
    """Confirmation, promotion, walk-in and the waiting list moving on all call seats.seat_take."""
    calls = []
    real = seats.seat_take

    def recording(**kwargs):
        calls.append(kwargs.get("beyond_capacity", False))
        return real(**kwargs)

    monkeypatch.setattr(seats, "seat_take", recording)
    monkeypatch.setattr(registrations, "seat_take", recording)
    monkeypatch.setattr(attendance, "seat_take", recording)
    event = factories.EventFactory(pole=pole, capacity=1)

    pending = registrations.registration_create(event=event, full_name="A", email="a@example.org")
    registrations.registration_confirm(registration=pending)  # takes the only seat
    late = registrations.registration_create(event=event, full_name="B", email="b@example.org")
    registrations.registration_confirm(registration=late)  # waiting list
    registrations.registration_cancel(registration=pending)  # B moves up
    waiting = registrations.registration_create(event=event, full_name="C", email="c@example.org")
    registrations.registration_confirm(registration=waiting)
    registrations.registration_promote(registration=waiting)  # beyond the capacity
    attendance.walk_in_add(event=event, full_name="D")

    assert calls == [False, False, False, False, True, True]
    assert Registration.objects.confirmed().count() == 3

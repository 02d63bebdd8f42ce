"""Public proposals of organisations: routing to the territory's pole, anti-spam, emails, review."""

from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from actors.models import Actor
from actors.services import proposal_emails, publication
from poles.models import Pole
from tests import factories
from tests.factories import BOX_OVER_BRITTANY

URL = "/acteurs/proposer/"


@pytest.fixture
def redon(db):
    return factories.CommuneFactory(
        insee_code="35236", name="Redon", postal_codes="35600", latitude=47.65, longitude=-2.08
    )


def proposal(commune, **changes):
    data = {
        "name": "La Fabrique Solidaire",
        "acronym": "",
        "legal_form": "association",
        "address": "3 quai Surcouf",
        "postal_code": commune.postal_code_list[0],
        "commune_name": commune.name,
        "website": "",
        "email": "",
        "phone": "",
        "siret": "",
        "description": "Un atelier de réparation de vélos.",
        "proposer_name": "Camille Martin",
        "proposer_email": "camille@example.org",
        "fax": "",
    }
    data.update(changes)
    return data


def test_proposal_page_renders_with_one_heading(client, db):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("<h1") == 1
    assert reverse("actors:propose") == URL


def test_a_drawn_outline_no_longer_receives_proposals_from_communes_outside_its_territory(
    client, places, roles, django_capture_on_commit_callbacks, mailoutbox
):
    cades = factories.PoleFactory(name="CADES", outline=BOX_OVER_BRITTANY)
    cades.epcis.add(places.agglo)
    coordinator = factories.make_coordinator(cades)
    regional = factories.make_regional()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, proposal(places.allineuc))

    assert response.status_code == HTTPStatus.FOUND
    actor = Actor.objects.get()
    assert actor.commune == places.allineuc
    assert actor.pole is None  # Allineuc is in no pole's territory: it goes to the regional team
    proposal_emails.proposal_emails_send_due()  # the worker, or the beat's sweep
    assert [message.to for message in mailoutbox] == [[regional.email], ["camille@example.org"]]
    assert coordinator.email not in {address for message in mailoutbox for address in message.to}


def test_attaching_to_my_pole_ignores_a_drawn_outline(places):
    cades = factories.PoleFactory(outline=BOX_OVER_BRITTANY)
    cades.epcis.add(places.agglo)
    outside = factories.ActorFactory(pole=None, commune=places.allineuc)
    inside = factories.ActorFactory(pole=None, commune=places.bains)

    attached = publication.actors_attach_to_pole(
        actors=Actor.objects.filter(pk__in=[outside.pk, inside.pk]), poles=Pole.objects.filter(pk=cades.pk)
    )

    assert attached == 1
    outside.refresh_from_db()
    inside.refresh_from_db()
    assert outside.pole is None
    assert inside.pole == cades


def test_proposal_is_routed_to_the_pole_and_its_coordinators_are_emailed(
    client, redon, roles, django_capture_on_commit_callbacks
):
    pole = factories.PoleFactory()
    pole.epcis.add(redon.epci)
    coordinator = factories.make_coordinator(pole)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, proposal(redon))
    assert response.status_code == HTTPStatus.FOUND
    actor = Actor.objects.get()
    assert actor.pole == pole
    assert not actor.is_published
    assert actor.review_status == Actor.Review.PENDING
    assert actor.proposer_email == "camille@example.org"
    proposal_emails.proposal_emails_send_due()  # the worker, or the beat's sweep
    assert [m.to for m in mail.outbox] == [[coordinator.email], ["camille@example.org"]]
    assert "La Fabrique Solidaire" in mail.outbox[0].subject
    assert "/admin/actors/actor/propositions/" in mail.outbox[0].body
    assert "Nous l’avons bien reçue" in mail.outbox[1].body  # the acknowledgement the form promises
    thanks = client.get(response["Location"])
    assert thanks.status_code == HTTPStatus.OK


def test_proposal_outside_every_territory_goes_to_the_regional_team(
    client, redon, roles, django_capture_on_commit_callbacks
):
    regional = factories.make_regional()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, proposal(redon))
    assert Actor.objects.get().pole is None
    proposal_emails.proposal_emails_send_due()  # the worker, or the beat's sweep
    assert [m.to for m in mail.outbox] == [[regional.email], ["camille@example.org"]]


def test_honeypot_records_nothing(client, redon, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, proposal(redon, fax="buy now"))
    assert response.status_code == HTTPStatus.FOUND
    assert not Actor.objects.exists()
    assert not mail.outbox


def test_rate_limit_refuses_further_proposals(client, redon, settings):
    settings.PROPOSAL_RATE = "2/h"
    for n in range(2):
        assert client.post(URL, proposal(redon, name=f"Association {n}")).status_code == HTTPStatus.FOUND
    response = client.post(URL, proposal(redon, name="Association de trop"))
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not Actor.objects.filter(name="Association de trop").exists()


def test_unknown_commune_is_a_form_error(client, redon):
    response = client.post(URL, proposal(redon, commune_name="Atlantis"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "commune" in response.context_data["form"].errors["commune_name"][0].lower()
    assert not Actor.objects.exists()


def test_approve_publishes_the_proposal(coordinator_client, pole_a):
    actor = factories.ActorFactory(pole=pole_a, is_published=False, review_status=Actor.Review.PENDING)
    coordinator_client.post(
        reverse("admin:actors_actor_changelist"),
        {"action": "approve_proposals", ACTION_CHECKBOX_NAME: [actor.pk]},
    )
    actor.refresh_from_db()
    assert actor.is_published
    assert actor.review_status == Actor.Review.APPROVED


def test_reject_emails_the_proposer_with_the_message(
    coordinator_client, pole_a, django_capture_on_commit_callbacks
):
    actor = factories.ActorFactory(
        pole=pole_a,
        is_published=False,
        review_status=Actor.Review.PENDING,
        proposer_name="Camille",
        proposer_email="camille@example.org",
    )
    url = reverse("admin:actors_actor_changelist")
    confirm = coordinator_client.post(url, {"action": "reject_proposals", ACTION_CHECKBOX_NAME: [actor.pk]})
    assert confirm.status_code == HTTPStatus.OK
    assert actor.name in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            url,
            {
                "action": "reject_proposals",
                ACTION_CHECKBOX_NAME: [actor.pk],
                "apply": "1",
                "message": "Elle est hors de Bretagne.",
            },
        )
    actor.refresh_from_db()
    assert actor.review_status == Actor.Review.REJECTED
    assert not actor.is_published
    proposal_emails.proposal_emails_send_due()  # the worker, or the beat's sweep
    assert [m.to for m in mail.outbox] == [["camille@example.org"]]
    assert "Elle est hors de Bretagne." in mail.outbox[0].body


def test_coordinator_cannot_review_another_poles_proposal(coordinator_client, pole_b):
    actor = factories.ActorFactory(pole=pole_b, is_published=False, review_status=Actor.Review.PENDING)
    coordinator_client.post(
        reverse("admin:actors_actor_changelist"),
        {"action": "approve_proposals", ACTION_CHECKBOX_NAME: [actor.pk]},
    )
    actor.refresh_from_db()
    assert not actor.is_published


def test_line_breaks_in_the_name_cannot_break_the_email(
    client, redon, roles, django_capture_on_commit_callbacks
):
    factories.make_regional()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, proposal(redon, name="Spam\nBcc: victim@example.org"))
    assert Actor.objects.get().name == "Spam Bcc: victim@example.org"
    proposal_emails.proposal_emails_send_due()  # the worker, or the beat's sweep
    assert len(mail.outbox) == 2
    assert all("\n" not in message.subject for message in mail.outbox)


def test_proposal_sectors_are_chosen_by_slug_and_an_unknown_value_is_a_form_error(client, redon):
    sector = factories.SectorFactory(slug="eco-construction")
    response = client.post(URL, proposal(redon, sectors=["9223372036854775808"]))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Actor.objects.exists()

    response = client.post(URL, proposal(redon, sectors=[sector.slug]))
    assert response.status_code == HTTPStatus.FOUND
    assert list(Actor.objects.get().sectors.all()) == [sector]

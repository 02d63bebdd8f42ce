"""The proposal review page: the pending proposals of the user's poles, each accepted or rejected on
its own, and the proposer's emails (acknowledgement, answer) through the proposals' outbox, once."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from actors.models import Actor, ProposalEmail
from actors.services import proposal_emails, proposals
from tests import factories

PAGE = "/admin/actors/actor/propositions/"


def _proposal(pole, name, **changes):
    return factories.ActorFactory(
        pole=pole,
        name=name,
        is_published=False,
        review_status=Actor.Review.PENDING,
        proposer_name="Camille Martin",
        proposer_email="camille@example.org",
        **changes,
    )


def _decide(client, actor, decision, message="", capture=None):
    url = reverse("admin:actors_actor_proposal_decide", args=[actor.pk])
    data = {"decision": decision, f"p{actor.pk}-message": message}
    if capture is None:
        return client.post(url, data)
    with capture(execute=True):
        response = client.post(url, data)
    proposal_emails.proposal_emails_send_due()  # the worker, or the beat's sweep (whether or not eager)
    return response


def test_the_page_lists_my_poles_pending_proposals_with_their_details_and_buttons(
    coordinator_client, pole_a, pole_b
):
    mine = _proposal(pole_a, "La Fabrique Solidaire", description="Un atelier de réparation de vélos.")
    _proposal(pole_b, "Coopérative Bravo")
    _proposal(None, "Épicerie sans pôle")
    factories.ActorFactory(pole=pole_a, name="Déjà publiée", is_published=True)

    response = coordinator_client.get(PAGE)

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "La Fabrique Solidaire" in page and "Un atelier de réparation de vélos." in page
    assert "Camille Martin" in page and "camille@example.org" in page
    assert reverse("admin:actors_actor_proposal_decide", args=[mine.pk]) in page
    assert 'value="accept"' in page and 'value="reject"' in page
    assert "Propositions à examiner" in page  # French
    assert "Coopérative Bravo" not in page
    assert "Épicerie sans pôle" not in page  # routed to the regional team
    assert "Déjà publiée" not in page
    assert PAGE in coordinator_client.get(reverse("admin:actors_actor_changelist")).content.decode()


def test_the_regional_team_sees_every_proposal_including_those_of_no_pole(regional_client, pole_a):
    _proposal(pole_a, "La Fabrique Solidaire")
    _proposal(None, "Épicerie sans pôle")
    page = regional_client.get(PAGE).content.decode()
    assert "La Fabrique Solidaire" in page and "Épicerie sans pôle" in page


def test_a_coordinator_cannot_decide_another_poles_proposal(coordinator_client, pole_b):
    theirs = _proposal(pole_b, "Coopérative Bravo")
    for decision in ("accept", "reject"):
        assert _decide(coordinator_client, theirs, decision).status_code == HTTPStatus.NOT_FOUND
    theirs.refresh_from_db()
    assert theirs.review_status == Actor.Review.PENDING and not theirs.is_published
    assert not ProposalEmail.objects.exists()


def test_accepting_publishes_and_answers_the_proposer_once_with_the_message(
    coordinator_client, pole_a, django_capture_on_commit_callbacks
):
    actor = _proposal(pole_a, "La Fabrique Solidaire")

    response = _decide(
        coordinator_client, actor, "accept", "Bienvenue dans l’annuaire !", django_capture_on_commit_callbacks
    )
    _decide(coordinator_client, actor, "accept", capture=django_capture_on_commit_callbacks)  # a double click

    assert response.status_code == HTTPStatus.FOUND
    actor.refresh_from_db()
    assert actor.review_status == Actor.Review.APPROVED and actor.is_published
    assert [m.to for m in mail.outbox] == [["camille@example.org"]]
    assert "Bienvenue dans l’annuaire !" in mail.outbox[0].body
    assert actor.get_absolute_url() in mail.outbox[0].body
    assert "La Fabrique Solidaire" not in coordinator_client.get(PAGE).content.decode()
    assert ProposalEmail.objects.get().status == ProposalEmail.Status.SENT


def test_rejecting_keeps_it_unpublished_and_answers_the_proposer_once(
    coordinator_client, pole_a, django_capture_on_commit_callbacks
):
    actor = _proposal(pole_a, "La Fabrique Solidaire")
    _decide(
        coordinator_client, actor, "reject", "Elle est hors de Bretagne.", django_capture_on_commit_callbacks
    )
    assert _decide(coordinator_client, actor, "reject").status_code == HTTPStatus.NOT_FOUND  # decided
    actor.refresh_from_db()
    assert actor.review_status == Actor.Review.REJECTED and not actor.is_published
    assert [m.to for m in mail.outbox] == [["camille@example.org"]]
    assert "Elle est hors de Bretagne." in mail.outbox[0].body
    assert "ne sera pas ajoutée" in mail.outbox[0].body


def test_the_emails_wait_in_the_outbox_when_the_broker_is_down_and_the_sweep_sends_them_once(
    pole_a, roles, django_capture_on_commit_callbacks, monkeypatch
):
    factories.make_coordinator(pole_a)
    monkeypatch.setattr(proposal_emails, "_publish", lambda ids: None)  # the broker "missed" them
    commune = factories.CommuneFactory()
    pole_a.epcis.add(commune.epci)
    with django_capture_on_commit_callbacks(execute=True):
        actor = proposals.actor_propose(
            name="La Fabrique Solidaire",
            legal_form="association",
            commune=commune,
            proposer_name="Camille Martin",
            proposer_email="camille@example.org",
        )
    assert mail.outbox == []
    rows = ProposalEmail.objects.filter(actor=actor)
    assert sorted(rows.values_list("kind", flat=True)) == ["received", "review_request"]
    assert rows.first().message == ""  # no personal data: built from the organisation at send time

    assert proposal_emails.proposal_emails_send_due() == 2
    assert proposal_emails.proposal_emails_send_due() == 0
    assert len(mail.outbox) == 2


def test_an_erased_proposer_gets_no_email(pole_a, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(proposal_emails, "_publish", lambda ids: None)  # the broker "missed" them
    actor = _proposal(pole_a, "La Fabrique Solidaire")
    with django_capture_on_commit_callbacks(execute=True):
        proposals.actor_proposal_reject(actor=actor)
    Actor.objects.filter(pk=actor.pk).update(proposer_name="", proposer_email="")
    assert proposal_emails.proposal_emails_send_due() == 0
    assert ProposalEmail.objects.get().status == ProposalEmail.Status.SKIPPED


def test_erasing_the_proposers_data_erases_the_reviewers_message_to_them(
    coordinator_client, pole_a, django_capture_on_commit_callbacks
):
    from events.services import personal_data

    actor = _proposal(pole_a, "La Fabrique Solidaire")
    _decide(
        coordinator_client,
        actor,
        "reject",
        "Camille, voyez le pôle voisin.",
        django_capture_on_commit_callbacks,
    )
    personal_data.personal_data_erase(email="camille@example.org")
    assert ProposalEmail.objects.get().message == ""


@pytest.fixture(autouse=True)
def _french(settings):
    settings.LANGUAGE_CODE = "fr"

"""The proposal review page in Chromium, on a 375 px phone, as the coordinator of one pole: their
pole's proposal with its details (not another pole's), rejected with a message from its own buttons;
the proposer's answer is then in the outbox. No CSP violation, no WCAG 2.1 A/AA violation, nothing
wider than the screen."""

import pytest
from playwright.sync_api import expect

from actors.models import Actor, ProposalEmail
from ess_portal.management.commands.setup_roles import roles_setup
from tests import factories
from tests.e2e.conftest import admin_login, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}


def _proposal(pole, name):
    return factories.ActorFactory(
        pole=pole,
        name=name,
        is_published=False,
        review_status=Actor.Review.PENDING,
        description="Un atelier de réparation de vélos, ouvert le samedi.",
        proposer_name="Camille Martin",
        proposer_email="camille@example.org",
    )


def test_a_coordinator_rejects_their_poles_proposal_with_a_message_from_a_phone(browser, live_server):
    roles_setup()
    pole = factories.PoleFactory(name="CADES", acronym="CADES", slug="cades")
    other = factories.PoleFactory(name="Pôle Bravo", acronym="BRAVO", slug="bravo")
    user = factories.make_coordinator(pole, username="coordinatrice")
    mine = _proposal(pole, "La Fabrique Solidaire")
    _proposal(other, "Coopérative Bravo")
    context = browser.new_context(locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    problems = []

    def collect(message):
        if message.type in ("error", "warning") and "favicon.ico" not in message.location.get("url", ""):
            problems.append(message.text)

    page.on("console", collect)
    admin_login(page, live_server, user)
    page.goto(f"{live_server.url}/admin/actors/actor/propositions/")

    expect(page.get_by_role("heading", name="Propositions à examiner")).to_be_visible()
    card = page.locator(f"#proposition-{mine.pk}")
    expect(card.get_by_role("heading", name="La Fabrique Solidaire")).to_be_visible()
    expect(card).to_contain_text("Un atelier de réparation de vélos")
    expect(card).to_contain_text("camille@example.org")
    expect(page.get_by_text("Coopérative Bravo")).to_have_count(0)
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    card.get_by_label("Message à la personne qui a proposé (facultatif)").fill("Elle est hors de Bretagne.")
    card.get_by_role("button", name="Refuser").click()

    expect(page.get_by_text("« La Fabrique Solidaire » est refusée")).to_be_visible()
    expect(page.get_by_text("Aucune proposition n’attend d’examen.")).to_be_visible()
    mine.refresh_from_db()
    assert mine.review_status == Actor.Review.REJECTED
    answer = ProposalEmail.objects.get(actor=mine, kind=ProposalEmail.Kind.REJECTED)
    assert answer.message == "Elle est hors de Bretagne."
    assert problems == []
    context.close()

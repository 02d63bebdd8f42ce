"""An organisation updates its own listing in Chromium, on a 375 px phone, end to end: the link asked
for on its public page arrives at its own address (through the outbox and the worker's sender), the
form behind it takes a new phone number and a logo, the pole's coordinator opens the one-click link of
their email, sees the change field by field and approves it on the confirmation page; the public page
then shows the new listing. No CSP violation, no WCAG 2.1 A/AA violation, nothing wider than the screen."""

import io
import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from actors.models import Actor, ActorChange
from ess_portal.management.commands.setup_roles import roles_setup
from tests import factories
from tests.e2e.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
LINK = re.compile(r"http://[^\s]+(/fiche/(?:modifier|validation)/[^\s]+/)")


def _path_in(message) -> str:
    return LINK.search(message.body).group(1)


def _collect(page, problems):
    def collect(message):
        url = message.location.get("url", "")
        if (
            message.type in ("error", "warning")
            and "favicon.ico" not in url
            and "/media/" not in message.text
        ):
            problems.append(message.text)

    page.on("console", collect)


def test_an_organisation_updates_its_listing_and_the_coordinator_approves_it_from_a_phone(
    browser, live_server, eager_celery, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    roles_setup()
    pole = factories.PoleFactory(name="CADES", acronym="CADES", slug="cades")
    commune = factories.CommuneFactory(name="Redon", postal_codes="35600", latitude=47.65, longitude=-2.08)
    coordinator = factories.make_coordinator(pole, username="coordinatrice")
    coordinator.email = "coordinatrice@cades.example"
    coordinator.save()
    actor = factories.ActorFactory(
        pole=pole,
        commune=commune,
        name="Ressourcerie du Pays de Redon",
        email="contact@ressourcerie.example",
        phone="02 99 00 00 00",
        is_published=True,
    )
    context = browser.new_context(locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if "127.0.0.1" in route.request.url or "localhost" in route.request.url
            else route.fulfill(status=204, body="")
        ),
    )
    problems = []
    _collect(page, problems)

    page.goto(f"{live_server.url}{actor.get_absolute_url()}")
    expect(page.get_by_text("Fiche mise à jour le")).to_be_visible()
    page.get_by_role("link", name="Mettre à jour la fiche").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="M’envoyer le lien à l’adresse de l’organisation").click()
    expect(page.get_by_role("status")).to_contain_text("un lien privé")
    (link_email,) = mail.outbox
    assert link_email.to == ["contact@ressourcerie.example"]

    page.goto(f"{live_server.url}{_path_in(link_email)}")
    expect(
        page.get_by_role("heading", name="Mettre à jour la fiche de Ressourcerie du Pays de Redon")
    ).to_be_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Téléphone").fill("02 99 11 22 33")
    page.get_by_label("Sur rendez-vous uniquement").check()
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), "#2e7d32").save(buffer, "PNG")
    page.get_by_label("Logo ou photo").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": buffer.getvalue()}
    )
    page.get_by_label("Ce que montre l’image").fill("Logo vert de la ressourcerie")
    page.get_by_role("button", name="Envoyer mes modifications au pôle").click()
    expect(page.get_by_role("status")).to_contain_text("envoyées au pôle")
    actor.refresh_from_db()
    assert actor.phone == "02 99 00 00 00"  # waiting for the pole

    review_email = next(m for m in mail.outbox if m.to == ["coordinatrice@cades.example"])
    assert "02 99 00 00 00 → 02 99 11 22 33" in review_email.body
    page.goto(f"{live_server.url}{_path_in(review_email)}")
    table = page.locator("table.change-table")
    expect(table).to_contain_text("02 99 00 00 00")
    expect(table).to_contain_text("02 99 11 22 33")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Approuver et publier").click()
    expect(page.get_by_role("status")).to_contain_text("approuvée")

    assert ActorChange.objects.get().status == ActorChange.Status.APPROVED
    actor = Actor.objects.get(pk=actor.pk)
    assert actor.phone == "02 99 11 22 33" and actor.logo
    told = [m for m in mail.outbox if m.to == ["contact@ressourcerie.example"]]
    assert len(told) == 2  # the link, then the decision
    page.goto(f"{live_server.url}{actor.get_absolute_url()}")
    expect(page.get_by_text("02 99 11 22 33")).to_be_visible()
    expect(page.get_by_alt_text("Logo vert de la ressourcerie")).to_have_count(1)
    expect(page.get_by_text("Sur rendez-vous uniquement")).to_be_visible()
    assert problems == []
    context.close()

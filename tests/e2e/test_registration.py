"""In a real browser: register for an event, open the link from the email, confirm, then cancel."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import Registration
from tests import factories
from tests.e2e.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """The site speaks French first: browse it as a French visitor."""
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture(autouse=True)
def _tasks_in_process(eager_celery):
    """Published tasks run in-process here (the shared ``eager_celery`` fixture)."""


def _format(violations) -> str:
    return "\n".join(f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in violations)


def test_register_confirm_from_the_emailed_link_then_cancel(page, live_server):
    pole = factories.PoleFactory(name="CADES")
    factories.ActorFactory(name="Les Charpentiers", pole=pole)
    event = factories.EventFactory(
        pole=pole, title="Rencontre éco-construction", capacity=10, latitude=47.65, longitude=-2.08
    )

    page.goto(live_server.url + event.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Rencontre éco-construction")
    page.wait_for_selector("#event-map.leaflet-container")
    assert not axe_violations(page), _format(axe_violations(page))
    page.get_by_label("Prénom et nom").fill("Anne Le Goff")
    page.get_by_label("E-mail").fill("anne@example.org")
    page.get_by_label(re.compile("^Organisation membre")).select_option(label="Les Charpentiers")
    page.get_by_label("J’accepte que le pôle traite ces informations").check()
    page.get_by_role("button", name="S’inscrire").click()

    expect(page.get_by_text("C’est presque fini")).to_be_visible()
    assert Registration.objects.get().status == Registration.Status.PENDING
    (message,) = mail.outbox
    path = re.search(r"https?://[^/\s]+(/inscription/[\w-]+/)", message.body).group(1)

    page.goto(live_server.url + path)
    expect(page.get_by_text("En attente de confirmation par e-mail")).to_be_visible()
    assert Registration.objects.get().status == Registration.Status.PENDING
    assert not axe_violations(page), _format(axe_violations(page))
    page.get_by_role("button", name="Confirmer mon inscription").click()

    expect(page.get_by_text("Votre inscription est confirmée : votre place est réservée.")).to_be_visible()
    assert Registration.objects.get().status == Registration.Status.CONFIRMED
    assert mail.outbox[-1].attachments[0][0] == "evenement.ics"
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l’événement pour mon agenda (.ics)").click()
    assert download.value.suggested_filename == f"{event.slug}.ics"

    page.get_by_role("button", name="Annuler mon inscription", exact=True).click()
    expect(page.get_by_text("Voulez-vous vraiment annuler votre inscription ?")).to_be_visible()
    assert Registration.objects.get().status == Registration.Status.CONFIRMED
    page.get_by_role("button", name="Oui, annuler mon inscription").click()

    expect(page.get_by_text("Votre inscription est annulée.")).to_be_visible()
    assert Registration.objects.get().status == Registration.Status.CANCELLED


@pytest.mark.parametrize(
    "path", ["/evenements/", "/evenements/archives/", "/ateliers/{workshop}/", "/confidentialite/"]
)
def test_event_pages_have_no_wcag_violation(page, live_server, path):
    workshop = factories.WorkshopFactory(title="Atelier bois")
    workshop.participants.add(factories.ActorFactory(pole=workshop.pole))
    factories.EventFactory(pole=workshop.pole, workshop=workshop, title="Séance bois")
    factories.EventFactory(title="Rencontre complète", capacity=0)

    page.goto(live_server.url + path.format(workshop=workshop.slug))

    violations = axe_violations(page)
    assert not violations, _format(violations)

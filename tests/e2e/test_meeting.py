"""In Chromium, on a desktop and on a 375 px phone: an event's questions, format and access; the online
link once confirmed; the waiting-list position; cancelling with its confirmation step; the group form."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import AccessFeature, Event, Question, Registration
from tests import factories
from tests.e2e.conftest import axe_violations
from tests.e2e.test_registration import _format

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
SECRET = "https://visio.example.org/rencontre-77"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture(autouse=True)
def _tasks_in_process(eager_celery):
    """Published tasks run in-process here (the shared ``eager_celery`` fixture)."""


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/inscription/[\w-]+/)", message.body).group(1)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_answer_the_questions_confirm_and_get_the_online_link(page, live_server, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    pole = factories.PoleFactory(name="CADES")
    event = factories.EventFactory(
        pole=pole,
        title="Rencontre hybride",
        format=Event.Format.HYBRID,
        online_url=SECRET,
        access_features=[AccessFeature.STEP_FREE, AccessFeature.HEARING_LOOP],
    )
    Question.objects.create(
        event=event, label="Votre rôle", kind=Question.Kind.CHOICE, options="Salarié\nBénévole", required=True
    )
    Question.objects.create(
        event=event, label="Besoins", kind=Question.Kind.CHECKBOXES, options="LSF\nBoucle"
    )

    page.goto(live_server.url + event.get_absolute_url())
    expect(page.get_by_text("Accès de plain-pied")).to_be_visible()
    assert SECRET not in page.content()
    _no_sideways_scroll(page)
    assert not axe_violations(page), _format(axe_violations(page))

    page.get_by_label("Prénom et nom").fill("Anne Le Goff")
    page.get_by_label("E-mail").fill("anne@example.org")
    page.get_by_label("J’accepte que le pôle traite ces informations").check()
    page.get_by_role("button", name="S’inscrire").click()
    expect(page.get_by_text("Choisissez une réponse à « Votre rôle ».").first).to_be_visible()
    assert not Registration.objects.exists()

    page.get_by_role("radio", name="Bénévole").check()
    page.get_by_role("checkbox", name="Boucle").check()
    page.get_by_label("J’accepte que le pôle traite ces informations").check()
    page.get_by_role("button", name="S’inscrire").click()
    expect(page.get_by_text("C’est presque fini")).to_be_visible()

    page.goto(live_server.url + _link(mail.outbox[-1]))
    page.get_by_role("button", name="Confirmer mon inscription").click()
    expect(page.get_by_role("link", name="Rejoindre la réunion en ligne")).to_have_attribute("href", SECRET)
    expect(page.get_by_text("Bénévole")).to_be_visible()
    assert SECRET in mail.outbox[-1].body
    _no_sideways_scroll(page)
    assert not axe_violations(page), _format(axe_violations(page))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_waiting_list_shows_the_position_and_cancelling_asks_first(page, live_server, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    event = factories.EventFactory(capacity=0, title="Rencontre complète")
    waiting = factories.RegistrationFactory(
        event=event, status=Registration.Status.WAITLISTED, waitlisted_at=event.created_at
    )

    page.goto(live_server.url + waiting.get_absolute_url())
    expect(page.get_by_text("Vous êtes 1ʳᵉ sur la liste d’attente.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("agenda"))).to_have_count(0)
    page.get_by_role("button", name="Annuler mon inscription", exact=True).click()
    expect(page.get_by_text("Voulez-vous vraiment annuler votre inscription ?")).to_be_visible()
    assert not axe_violations(page), _format(axe_violations(page))
    page.get_by_role("link", name="Non, garder mon inscription").click()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED

    page.get_by_role("button", name="Annuler mon inscription", exact=True).click()
    page.get_by_role("button", name="Oui, annuler mon inscription").click()
    expect(page.get_by_text("Votre inscription est annulée.")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CANCELLED


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_member_organisation_registers_two_people(page, live_server, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    pole = factories.PoleFactory(name="CADES")
    factories.ActorFactory(name="Les Charpentiers", pole=pole)
    event = factories.EventFactory(pole=pole, audience=Event.Audience.MEMBERS, members_code="bocage")

    page.goto(live_server.url + event.get_absolute_url())
    page.get_by_role("link", name="Inscrire en une fois plusieurs personnes de votre organisation").click()
    page.get_by_label(re.compile("^Organisation membre")).select_option(label="Les Charpentiers")
    page.get_by_label("Code des membres").fill("bocage")
    page.get_by_role("group", name="Personne 1").get_by_label("Nom").fill("Anne Le Goff")
    page.get_by_role("group", name="Personne 1").get_by_label("E-mail").fill("anne@example.org")
    page.get_by_role("group", name="Personne 2").get_by_label("Nom").fill("Yann Morvan")
    page.get_by_role("group", name="Personne 2").get_by_label("E-mail").fill("yann@example.org")
    page.get_by_label(re.compile("^Ces personnes ont accepté")).check()
    _no_sideways_scroll(page)
    assert not axe_violations(page), _format(axe_violations(page))
    page.get_by_role("button", name="Inscrire ces personnes").click()

    expect(page.get_by_text("nous avons envoyé à chacune des 2 personnes un lien")).to_be_visible()
    assert sorted(m.to[0] for m in mail.outbox) == ["anne@example.org", "yann@example.org"]
    assert set(Registration.objects.values_list("status", flat=True)) == {Registration.Status.PENDING}

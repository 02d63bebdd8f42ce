"""In a real browser, on a desktop and on a 375 px phone: register for a workshop cycle and confirm it
from the emailed link; read the month view of /evenements/ and move through it with the keyboard."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event, Registration
from tests import factories
from tests.e2e.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture(autouse=True)
def _tasks_in_process(eager_celery):
    """Published tasks run in-process here (the shared ``eager_celery`` fixture)."""


def _format(violations) -> str:
    return "\n".join(f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in violations)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("size", SIZES)
def test_register_for_a_workshop_cycle_and_confirm_it_once(page, live_server, size):
    page.set_viewport_size(SIZES[size])
    workshop = factories.WorkshopFactory(title="Restauration bio")
    start = timezone.now() + timedelta(days=5)
    sessions = [
        factories.EventFactory(
            pole=workshop.pole,
            workshop=workshop,
            kind=Event.Kind.WORKSHOP_SESSION,
            title=f"Séance {n + 1}",
            starts_at=start + timedelta(days=7 * n),
            capacity=capacity,
        )
        for n, capacity in enumerate([5, 1, 5])
    ]
    factories.RegistrationFactory(event=sessions[1], status=Registration.Status.CONFIRMED)

    page.goto(live_server.url + workshop.get_absolute_url())
    expect(page.get_by_role("heading", name="Le cycle de séances")).to_be_visible()
    expect(page.locator(".cycle-session")).to_have_count(3)
    expect(page.locator(".cycle-session").nth(1)).to_contain_text("Complet")
    assert no_sideways_scroll(page)
    assert not axe_violations(page), _format(axe_violations(page))

    checkboxes = page.locator("input[name=sessions]")
    expect(checkboxes).to_have_count(3)
    page.get_by_label(re.compile("Séance 3$")).uncheck()  # choose the sessions
    page.get_by_label("Prénom et nom").fill("Anne Le Goff")
    page.get_by_label("E-mail").fill("anne@example.org")
    page.get_by_label("J’accepte que le pôle traite ces informations").check()
    page.get_by_role("button", name="S’inscrire").click()

    expect(page.get_by_text("Presque terminé")).to_be_visible()
    (message,) = mail.outbox
    path = re.search(r"https?://[^/\s]+(/inscription/cycle/[\w-]+/)", message.body).group(1)

    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre inscription à l’atelier")
    assert not axe_violations(page), _format(axe_violations(page))
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Confirmer mon inscription à l’atelier").click()

    expect(page.get_by_text("Votre inscription à l’atelier est confirmée")).to_be_visible()
    statuses = dict(
        Registration.objects.filter(email="anne@example.org").values_list("event__title", "status")
    )
    assert statuses == {"Séance 1": "confirmed", "Séance 2": "waitlisted"}
    expect(page.locator(".cycle-table")).to_contain_text("Sur la liste d’attente")
    assert len(mail.outbox) == 2  # the link, then one email for the cycle
    page.reload()
    expect(page.get_by_role("button", name="Confirmer mon inscription à l’atelier")).to_have_count(0)


@pytest.mark.parametrize("size", SIZES)
def test_the_month_view_reads_on_a_desktop_and_a_phone_and_works_with_the_keyboard(page, live_server, size):
    page.set_viewport_size(SIZES[size])
    pole = factories.PoleFactory(name="CADES", acronym="CADES")
    first = timezone.localtime().replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    following = (first + timedelta(days=32)).replace(day=15)
    factories.EventFactory(pole=pole, title="Rencontre de fin de mois", starts_at=following)

    page.goto(f"{live_server.url}/evenements/")
    page.get_by_role("link", name="Mois", exact=True).click()
    expect(page.get_by_text("0 événement ce mois-ci.")).to_be_visible()
    if size == "desktop":
        expect(page.locator("table.month-calendar")).to_be_visible()
    assert not axe_violations(page), _format(axe_violations(page))
    assert no_sideways_scroll(page)

    next_link = page.get_by_role("link", name=re.compile("Mois suivant"))
    next_link.focus()
    page.keyboard.press("Enter")
    event_link = page.get_by_role("link", name="Rencontre de fin de mois")
    expect(event_link).to_be_visible()
    assert no_sideways_scroll(page)
    if size == "phone":  # a list of the days with events, each with its full date
        expect(page.locator("table.month-calendar thead")).to_be_hidden()
        expect(page.locator("td:not(.no-event) .day-full")).to_be_visible()
    assert not axe_violations(page), _format(axe_violations(page))

    page.get_by_label("Pôle").select_option(label="CADES")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"vue=mois.*pole=|pole=.*vue=mois"))
    expect(page.get_by_text("1 événement ce mois-ci.")).to_be_visible()  # the month chosen stays
    expect(page.get_by_role("link", name="Rencontre de fin de mois")).to_be_visible()

"""The check-in at the door in Chromium, on a 375 px phone, as the coordinator of one pole: with
JavaScript a tap saves at once (no reload) and the counts follow; without it each button is a form and
the page comes back at the person. A walk-in is added from the same page. No CSP violation, no WCAG 2.1
A/AA violation, nothing wider than the screen."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ess_portal.management.commands.setup_roles import roles_setup
from events.models import Registration
from tests import factories
from tests.e2e.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def setup(db):
    roles_setup()
    pole = factories.PoleFactory(name="CADES", acronym="CADES", slug="cades")
    user = factories.make_coordinator(pole, username="coordinatrice")
    event = factories.EventFactory(
        pole=pole, title="Rencontre de Redon", capacity=2, starts_at=timezone.now() + timedelta(minutes=30)
    )
    anne = factories.RegistrationFactory(
        event=event, full_name="Anne Le Bihan", status=Registration.Status.CONFIRMED
    )
    factories.RegistrationFactory(
        event=event, full_name="Bruno Kerjean", status=Registration.Status.CONFIRMED
    )
    factories.RegistrationFactory(
        event=event, full_name="Chloé Attente", status=Registration.Status.WAITLISTED
    )
    return user, event, anne


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()


def test_a_tap_marks_present_without_reloading_and_the_counts_follow(browser, live_server, setup):
    user, event, anne = setup
    context = browser.new_context(locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    problems = []

    def collect(message):
        # Chromium asks for /favicon.ico on its own; the admin declares none.
        if message.type in ("error", "warning") and "favicon.ico" not in message.location.get("url", ""):
            problems.append(message.text)

    page.on("console", collect)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/pointage/")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.evaluate("window.notReloaded = true")

    line = page.locator(f"#inscription-{anne.pk}")
    line.get_by_role("button", name="Présent : Anne Le Bihan").click()

    expect(line.locator("[data-checkin-state]")).to_have_text("Présent")
    expect(page.locator('[data-count="present"]')).to_have_text("1")
    expect(page.locator('[data-count="unmarked"]')).to_have_text("1")
    assert page.evaluate("window.notReloaded") is True
    anne.refresh_from_db()
    assert anne.attended is True

    page.fill("#checkin-q", "kerj")
    expect(line).to_be_hidden()
    expect(page.get_by_text("Bruno Kerjean", exact=True)).to_be_visible()
    assert problems == []
    context.close()


def test_without_javascript_each_button_is_a_form_and_a_walk_in_takes_a_seat(browser, live_server, setup):
    user, event, anne = setup
    context = browser.new_context(locale="fr-FR", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/pointage/")

    page.locator(f"#inscription-{anne.pk}").get_by_role("button", name="Absent : Anne Le Bihan").click()

    expect(page.locator(f"#inscription-{anne.pk} [data-checkin-state]")).to_have_text("Absent")
    assert page.url.endswith(f"#inscription-{anne.pk}")
    anne.refresh_from_db()
    assert anne.attended is False

    page.get_by_label("Nom", exact=True).fill("Nolwenn Sur-Place")
    page.get_by_label("Organisation (facultative)").fill("SCIC Terre")
    page.get_by_role("button", name="Ajouter et pointer présent").click()

    expect(page.get_by_text("Nolwenn Sur-Place : ajout fait, présence notée.")).to_be_visible()
    expect(page.get_by_text("Capacité dépassée de 1 place.")).to_be_visible()
    expect(page.locator('[data-count="walk_ins"]')).to_have_text("1")
    walk_in = Registration.objects.get(full_name="Nolwenn Sur-Place")
    assert (walk_in.attended, walk_in.walk_in, walk_in.organisation_name) == (True, True, "SCIC Terre")
    context.close()


def test_the_registrations_list_fits_1280_px_and_sets_attendance_per_line(browser, live_server, setup):
    user, event, anne = setup
    actor = factories.ActorFactory(
        pole=event.pole, name="Société coopérative d'intérêt collectif du pays de Redon"
    )
    anne.organisation = actor
    anne.save()
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/admin/events/registration/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    for column in ("Prénom et nom", "Organisation", "Statut", "Présent"):
        expect(page.locator("#result_list thead")).to_contain_text(column)
    row = page.locator("#result_list tbody tr", has_text="Anne Le Bihan")
    row.locator("select[name$='-attended']").select_option("true")
    page.locator("input[name=_save]").click()

    expect(page.locator(".messagelist")).to_be_visible()
    anne.refresh_from_db()
    assert anne.attended is True
    context.close()

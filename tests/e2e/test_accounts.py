"""The account flows in Chromium, by email: invitation → the emailed link → choosing a password →
enrolling a TOTP app → logging in with its code; "Mot de passe oublié ?"; deactivation ending a live
session. The emails leave through the outbox (Celery in-process here) into Django's test mailbox."""

import re
import time

import pytest
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.models import Invitation
from ess_portal.management.commands.setup_roles import roles_setup
from tests import factories
from tests.e2e.conftest import admin_login

PASSWORD = "correct horse battery staple"
CHOSEN = "Mon-propre-mot-de-passe-2031"


@pytest.fixture(autouse=True)
def _tasks_in_process(eager_celery):
    """Published tasks run in-process here (the shared ``eager_celery`` fixture)."""


@pytest.fixture
def people(db):
    roles_setup()
    pole = factories.PoleFactory(name="Pôle du Pays de Redon", acronym="CADES", slug="cades")
    regional = factories.make_regional(username="equipe-regionale")
    coordinator = factories.make_coordinator(pole, username="coordinatrice")
    return regional, coordinator, pole


def emailed_link(path_start: str) -> str:
    assert mail.outbox, "no email was sent"
    [link] = re.findall(rf"https?://\S+({re.escape(path_start)}\S+)", mail.outbox[-1].body)
    return link


def totp_code_from_secret(secret: str, *, at: float) -> str:
    import base64

    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    totp.time = at
    return f"{totp.token():06d}"


def log_out(page, live_server):
    page.locator("#logout-form button").click()
    expect(page.locator("#user-tools")).to_have_count(0)


def test_an_invited_coordinator_chooses_a_password_enrols_and_logs_in_with_a_code(
    page, live_server, people, settings
):
    settings.OTP_REQUIRED_FOR_COORDINATORS = True
    regional, _coordinator, pole = people
    admin_login(page, live_server, regional, PASSWORD)
    page.goto(f"{live_server.url}/admin/accounts/invitation/add/")
    page.fill("#id_email", "nina.legoff@pole.example")
    page.fill("#id_first_name", "Nina")
    page.get_by_label(str(pole)).check()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert Invitation.objects.filter(email="nina.legoff@pole.example").exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nina.legoff@pole.example"]
    log_out(page, live_server)

    page.goto(live_server.url + emailed_link("/admin/invitation/"))
    page.fill("#id_new_password1", CHOSEN)
    page.fill("#id_new_password2", CHOSEN)
    page.locator("input[type=submit]").click()

    page.fill("#id_username", "nina.legoff@pole.example")
    page.fill("#id_password", CHOSEN)
    page.locator("input[type=submit]").click()
    expect(page.locator("#totp-secret")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    expect(page.locator("img[src^='data:image/svg+xml']")).to_be_visible()
    now = time.time()
    page.fill("#id_code", totp_code_from_secret(secret, at=now))
    page.locator("#enrol-form input[type=submit]").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#user-tools")).to_be_visible()
    log_out(page, live_server)

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "nina.legoff@pole.example")
    page.fill("#id_password", CHOSEN)
    page.locator("input[type=submit]").click()
    expect(page.locator("#id_code")).to_be_visible()
    page.fill("#id_code", totp_code_from_secret(secret, at=now + 30))  # the next code: each works once
    page.locator("#code-form input[type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Pôle du Pays de Redon")).first).to_be_visible()


def test_a_forgotten_password_is_reset_from_the_emailed_link_and_other_sessions_end(
    page, browser, live_server, people
):
    _regional, coordinator, _pole = people
    elsewhere = browser.new_page()
    admin_login(elsewhere, live_server, coordinator, PASSWORD)

    page.goto(f"{live_server.url}/admin/login/")
    page.locator("a[href='/admin/mot-de-passe-oublie/']").click()
    page.fill("#id_email", coordinator.email)
    page.locator("input[type=submit]").click()
    expect(page.locator("#content")).to_contain_text("Nous vous avons envoyé")

    page.goto(live_server.url + emailed_link("/admin/nouveau-mot-de-passe/"))
    page.fill("#id_new_password1", CHOSEN)
    page.fill("#id_new_password2", CHOSEN)
    page.locator("input[type=submit]").click()
    expect(page.locator("#content")).to_contain_text("Votre mot de passe a été défini")

    elsewhere.reload()
    expect(elsewhere.locator("#id_username")).to_be_visible()  # logged out
    admin_login(page, live_server, coordinator, CHOSEN)
    elsewhere.close()


def test_deactivating_a_coordinator_ends_their_open_session(page, browser, live_server, people):
    regional, coordinator, _pole = people
    theirs = browser.new_page()
    admin_login(theirs, live_server, coordinator, PASSWORD)

    admin_login(page, live_server, regional, PASSWORD)
    page.goto(f"{live_server.url}/admin/auth/user/")
    page.locator(f"input[name=_selected_action][value='{coordinator.pk}']").check()
    page.select_option("select[name=action]", "deactivate")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("1 compte désactivé")

    theirs.goto(f"{live_server.url}/admin/actors/actor/")
    expect(theirs.locator("#id_username")).to_be_visible()
    theirs.close()


def test_the_account_and_legal_pages_have_no_wcag_violation_on_a_phone(page, live_server, people):
    from tests.e2e.conftest import axe_violations

    regional, _coordinator, _pole = people
    page.set_viewport_size({"width": 375, "height": 740})
    for path in ("/mentions-legales/", "/accessibilite/", "/admin/mot-de-passe-oublie/"):
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", regional.username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#totp-secret")).to_be_visible()  # enrolment: the regional team must
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

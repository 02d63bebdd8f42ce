"""The admin login offers "Mot de passe oublié ?" (the portal's own rate-limited reset page), and a
password changed from the back-office's own password pages ends every other session of the account at
once, the current one staying logged in."""

from http import HTTPStatus

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts import services
from accounts.models import BackOfficeSession

from .conftest import NEW_PASSWORD, PASSWORD

User = get_user_model()


def login_page(client) -> str:
    response = client.get(reverse("admin:login"))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_the_login_page_offers_the_forgotten_password_link_in_french(client, db):
    page = login_page(client)
    reset = reverse("admin_password_reset")
    assert f'<a href="{reset}">Mot de passe oublié ?</a>' in page
    assert "nom d’utilisateur oublié" not in page and "nom d'utilisateur oublié" not in page
    assert "Forgotten" not in page


def test_the_login_page_offers_the_forgotten_password_link_in_english(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = login_page(client)
    assert f'<a href="{reverse("admin_password_reset")}">Forgot your password?</a>' in page
    assert "login credentials" not in page and "password or username" not in page


def logged_in(user, code=None) -> Client:
    """A browser that logged in through the real login page (the password, then ``code`` if given), so
    that its session is recorded as the account's."""
    browser = Client()
    response = browser.post(reverse("admin:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND, response.content
    if code is not None:
        response = browser.post(reverse("accounts:login_code"), {"code": code})
        assert response.status_code == HTTPStatus.FOUND, response.content
    assert browser.get("/admin/").status_code == HTTPStatus.OK
    return browser


def change_form():
    return {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}


def assert_only_this_session_is_left(user, here: Client, elsewhere: Client):
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    old_key = elsewhere.session.session_key
    assert not Session.objects.filter(session_key=old_key).exists()  # deleted at once
    assert not BackOfficeSession.objects.filter(session_key=old_key).exists()
    assert elsewhere.get("/admin/").status_code == HTTPStatus.FOUND  # logged out
    assert here.get("/admin/").status_code == HTTPStatus.OK  # still logged in
    # The current session (a new key since the change) is still the account's: leaving ends it too.
    assert list(BackOfficeSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        here.session.session_key
    ]
    services.user_deactivate(user=user)
    assert here.get("/admin/").status_code == HTTPStatus.FOUND


def test_the_admin_password_change_ends_every_other_session(coordinator):
    here, elsewhere = logged_in(coordinator), logged_in(coordinator)
    url = reverse("admin:password_change")
    assert url == "/admin/password_change/"
    response = here.post(url, change_form())
    assert response.status_code == HTTPStatus.FOUND, response.content
    assert response["Location"] == reverse("admin:password_change_done")
    done = here.get(response["Location"]).content.decode()
    assert "L’autre session de votre compte a été fermée" in done
    assert_only_this_session_is_left(coordinator, here, elsewhere)


def recovery_codes(user, count):
    device = StaticDevice.objects.create(user=user, name="Codes de secours", confirmed=True)
    codes = [f"secours{n}" for n in range(count)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def test_the_user_admin_own_password_page_ends_every_other_session(regional):
    first, second = recovery_codes(regional, 2)
    here, elsewhere = logged_in(regional, first), logged_in(regional, second)
    url = reverse("admin:auth_user_password_change", args=[regional.pk])
    response = here.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == HTTPStatus.FOUND, response.content
    assert_only_this_session_is_left(regional, here, elsewhere)


def test_a_wrong_old_password_changes_nothing_and_ends_no_session(coordinator):
    here, elsewhere = logged_in(coordinator), logged_in(coordinator)
    response = here.post(
        reverse("admin:password_change"),
        {"old_password": "pas le bon", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == HTTPStatus.OK
    assert elsewhere.get("/admin/").status_code == HTTPStatus.OK
    assert BackOfficeSession.objects.filter(user=coordinator).count() == 2

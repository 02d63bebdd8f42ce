"""The back-office login with a second factor (django-otp TOTP, recovery codes), and django-axes'
lockout counting wrong codes as failed logins."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent
from tests import factories

from .conftest import PASSWORD

LOGIN = "/admin/login/?next=/admin/"


def password_step(client, user, password=PASSWORD):
    return client.post(LOGIN, {"username": user.username, "password": password, "next": "/admin/"})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_coordinator_without_a_second_factor_logs_in_with_the_password(client, coordinator):
    response = password_step(client, coordinator)
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_the_regional_team_must_enrol_before_reaching_anything(client, regional):
    response = password_step(client, regional)
    assert response["Location"] == reverse("accounts:two_factor")
    for path in ("/admin/", "/admin/poles/pole/", "/admin/auth/user/"):
        assert client.get(path)["Location"] == reverse("accounts:two_factor"), path
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == HTTPStatus.OK
    assert 'src="data:image/svg+xml' in page.content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    device = TOTPDevice.objects.get(user=regional, confirmed=False)
    assert secret.replace(" ", "") in device.config_url

    enrolled = client.post(reverse("accounts:two_factor"), {"code": factories.totp_code(device)})
    codes = re.findall(r"<li><code>(\w+)</code></li>", enrolled.content.decode())
    assert len(codes) == 10
    assert client.get("/admin/").status_code == HTTPStatus.OK
    assert client.get(reverse("accounts:two_factor")).content.decode().count("<code>") == 0  # shown once


@pytest.mark.parametrize("settings_value", [True])
def test_coordinators_must_enrol_when_the_setting_says_so(client, coordinator, settings, settings_value):
    settings.OTP_REQUIRED_FOR_COORDINATORS = settings_value
    assert password_step(client, coordinator)["Location"] == reverse("accounts:two_factor")
    assert client.get("/admin/actors/actor/")["Location"] == reverse("accounts:two_factor")


def test_an_enrolled_account_gives_its_code_after_the_password(client, regional):
    device = factories.totp_device(regional)
    response = password_step(client, regional)
    assert response["Location"] == reverse("accounts:login_code")
    assert not logged_in(client)
    assert client.get("/admin/")["Location"].startswith(reverse("admin:login"))
    response = client.post(reverse("accounts:login_code"), {"code": factories.totp_code(device)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == HTTPStatus.OK
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, user=regional).exists()


def test_a_recovery_code_logs_in_once(client, regional):
    factories.totp_device(regional)
    client.force_login(regional)
    page = client.post(reverse("accounts:two_factor"), {"action": "recovery"})
    code = re.findall(r"<li><code>(\w+)</code></li>", page.content.decode())[0]
    client.logout()
    password_step(client, regional)
    assert client.post(reverse("accounts:login_code"), {"code": code})["Location"] == "/admin/"
    assert not StaticToken.objects.filter(token=code).exists()
    client.logout()
    password_step(client, regional)
    client.post(reverse("accounts:login_code"), {"code": code})
    assert not logged_in(client)


def test_a_code_without_the_password_step_logs_nobody_in(client, regional):
    device = factories.totp_device(regional)
    response = client.post(reverse("accounts:login_code"), {"code": factories.totp_code(device)})
    assert response["Location"] == reverse("admin:login")
    assert not logged_in(client)


def test_wrong_codes_lock_the_account_out_like_wrong_passwords(client, regional, settings):
    settings.AXES_FAILURE_LIMIT = 3
    device = factories.totp_device(regional)
    password_step(client, regional)
    for _attempt in range(2):
        response = client.post(reverse("accounts:login_code"), {"code": "000000"})
        assert response.status_code == HTTPStatus.OK
        assert "pas le bon" in response.content.decode()
    locked = client.post(reverse("accounts:login_code"), {"code": "000000"})
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # The right password and the right code no longer open it: the lockout holds.
    response = password_step(client, regional)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    client.post(reverse("accounts:login_code"), {"code": factories.totp_code(device)})
    assert not logged_in(client)
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.CODE_FAILED, username=regional.username).count()
        == 3
    )


def test_a_right_password_does_not_reset_the_count_of_wrong_codes(client, regional, settings):
    settings.AXES_FAILURE_LIMIT = 3
    factories.totp_device(regional)
    for _round in range(2):
        password_step(client, regional)
        client.post(reverse("accounts:login_code"), {"code": "000000"})
    password_step(client, regional)
    assert (
        client.post(reverse("accounts:login_code"), {"code": "000000"}).status_code
        == HTTPStatus.TOO_MANY_REQUESTS
    )


def test_otp_secrets_are_in_no_admin_page(regional_client):
    assert regional_client.get("/admin/otp_totp/totpdevice/").status_code == HTTPStatus.NOT_FOUND


def test_a_session_left_unverified_while_the_account_enrolled_elsewhere_logs_in_again(client, regional):
    password_step(client, regional)  # must enrol: logged in, nothing reachable but the enrolment
    factories.totp_device(regional)  # …which another session of the account completed
    response = client.get(reverse("accounts:two_factor"))
    assert response["Location"] == reverse("admin:login")
    assert not logged_in(client)
    assert client.get(reverse("admin:login")).status_code == HTTPStatus.OK

"""“Mot de passe oublié ?”: the same answer for any address, the email through the outbox, a link that
works once and expires, every other session ended, and a rate limit per client address."""

from http import HTTPStatus

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AccountEmail

from .conftest import NEW_PASSWORD, PASSWORD, link_in

User = get_user_model()
RESET = "/admin/mot-de-passe-oublie/"


def ask(client, commit, email):
    with commit():
        return client.post(RESET, {"email": email})


def test_the_login_page_links_to_the_reset(client, db):
    page = client.get(reverse("admin:login")).content.decode()
    assert f'href="{RESET}"' in page


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, commit, coordinator):
    known = ask(client, commit, coordinator.email)
    unknown = ask(client, commit, "personne@nulle-part.example")
    assert known.status_code == unknown.status_code == HTTPStatus.FOUND
    assert known["Location"] == unknown["Location"]
    assert client.get(known["Location"]).content == client.get(unknown["Location"]).content
    [message] = mail.outbox
    assert message.to == [coordinator.email]
    assert AccountEmail.objects.get().kind == AccountEmail.Kind.PASSWORD_RESET


def test_the_link_sets_a_new_password_once_and_ends_every_other_session(client, commit, coordinator):
    elsewhere = Client()
    elsewhere.force_login(coordinator)
    assert elsewhere.get("/admin/").status_code == HTTPStatus.OK
    ask(client, commit, coordinator.email)
    link = link_in(mail.outbox[0], "/admin/nouveau-mot-de-passe/")
    form_page = client.get(link, follow=True)
    assert form_page.status_code == HTTPStatus.OK
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == HTTPStatus.FOUND
    coordinator.refresh_from_db()
    assert coordinator.check_password(NEW_PASSWORD)
    assert elsewhere.get("/admin/").status_code == HTTPStatus.FOUND  # logged out
    assert not elsewhere.session.exists(elsewhere.session.session_key)
    again = Client().get(link, follow=True)
    assert 'name="new_password1"' not in again.content.decode()


def test_an_expired_link_does_not_work(client, commit, coordinator, settings):
    ask(client, commit, coordinator.email)
    link = link_in(mail.outbox[0], "/admin/nouveau-mot-de-passe/")
    settings.PASSWORD_RESET_TIMEOUT = -1
    page = client.get(link, follow=True)
    assert 'name="new_password1"' not in page.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.check_password(PASSWORD)


def test_an_inactive_or_invited_account_gets_no_reset_email(client, commit, coordinator):
    coordinator.is_active = False
    coordinator.save()
    ask(client, commit, coordinator.email)
    assert mail.outbox == []


def test_reset_requests_are_rate_limited_per_client_address(client, commit, coordinator, settings):
    settings.PASSWORD_RESET_RATE = "2/h"
    for _attempt in range(2):
        assert ask(client, commit, coordinator.email).status_code == HTTPStatus.FOUND
    limited = ask(client, commit, coordinator.email)
    assert limited.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert len(mail.outbox) == 2

"""Invitations: the regional team creates a coordinator from an address and poles; the person chooses
their own password from a link emailed once through the outbox, which expires and works once."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import AccountEmail, Invitation
from poles.models import COORDINATOR_GROUP
from tests import factories

from .conftest import NEW_PASSWORD, link_in

User = get_user_model()


def invite(regional_client, commit, pole, email="nouvelle@pole.example"):
    with commit():
        return regional_client.post(
            reverse("admin:accounts_invitation_add"),
            {"email": email, "first_name": "Nina", "last_name": "Le Goff", "poles": [pole.pk]},
        )


def test_the_regional_team_invites_a_coordinator_who_gets_one_email_with_no_password(
    regional_client, commit, pole
):
    response = invite(regional_client, commit, pole, email="Nouvelle@Pole.example")
    assert response.status_code == HTTPStatus.FOUND, response.content
    user = User.objects.get(email="nouvelle@pole.example")
    assert not user.has_usable_password()
    assert user.is_staff and user.groups.filter(name=COORDINATOR_GROUP).exists()
    assert list(user.coordinated_poles.all()) == [pole]
    [message] = mail.outbox
    assert message.to == ["nouvelle@pole.example"]
    assert "/admin/invitation/" in message.body
    assert "mot de passe" in message.body.lower()
    assert AccountEmail.objects.get().status == AccountEmail.Status.SENT


def test_the_invited_person_chooses_their_password_once(regional_client, client, commit, pole):
    invite(regional_client, commit, pole)
    link = link_in(mail.outbox[0], "/admin/invitation/")
    client.logout()
    assert client.get(link).status_code == HTTPStatus.OK  # opening the link changes nothing
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(email="nouvelle@pole.example")
    assert user.check_password(NEW_PASSWORD)
    again = client.post(
        link, {"new_password1": "Autre-mot-de-passe-2032", "new_password2": "Autre-mot-de-passe-2032"}
    )
    assert again.status_code == HTTPStatus.GONE
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_invitation_says_so_and_sets_nothing(regional_client, client, commit, pole):
    invite(regional_client, commit, pole)
    link = link_in(mail.outbox[0], "/admin/invitation/")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == HTTPStatus.GONE
    assert "expiré" in response.content.decode()
    assert not User.objects.get(email="nouvelle@pole.example").has_usable_password()


def test_resending_gives_a_new_link_and_kills_the_old_one(regional_client, client, commit, pole, regional):
    invite(regional_client, commit, pole)
    old_link = link_in(mail.outbox[0], "/admin/invitation/")
    invitation = Invitation.objects.get()
    with commit():
        response = regional_client.post(
            reverse("admin:accounts_invitation_changelist"),
            {"action": "resend", "_selected_action": [invitation.pk]},
        )
    assert response.status_code == HTTPStatus.FOUND
    assert len(mail.outbox) == 2
    new_link = link_in(mail.outbox[1], "/admin/invitation/")
    assert new_link != old_link
    assert client.get(old_link).status_code == HTTPStatus.GONE
    assert client.get(new_link).status_code == HTTPStatus.OK


def test_a_forged_token_is_refused(client, db):
    assert client.get(reverse("accounts:invitation", args=["1:forged:token"])).status_code == HTTPStatus.GONE


def test_an_address_with_a_working_account_is_not_invited(regional_client, commit, coordinator, pole):
    response = invite(regional_client, commit, pole, email=coordinator.email.upper())
    assert response.status_code == HTTPStatus.OK
    assert "déjà un compte" in response.content.decode()
    assert mail.outbox == []


def test_an_invitation_email_is_sent_once_even_if_the_sender_runs_twice(regional, pole, commit):
    with commit():
        services.invitation_create(email="une@pole.example", poles=[pole], invited_by=regional)
    assert services.account_emails_send() == 0
    assert services.account_emails_send_due() == 0
    assert len(mail.outbox) == 1


def test_an_invitation_accepted_before_its_email_left_is_not_sent(
    regional, pole, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        invitation = services.invitation_create(email="une@pole.example", poles=[pole], invited_by=regional)
    services.invitation_accept(invitation=invitation, password=NEW_PASSWORD)
    assert services.account_emails_send_due() == 0
    assert AccountEmail.objects.get().status == AccountEmail.Status.SKIPPED


@pytest.mark.parametrize(
    "url_name", ["admin:accounts_invitation_add", "admin:accounts_invitation_changelist"]
)
def test_coordinators_cannot_invite(client, coordinator, url_name):
    client.force_login(coordinator)
    assert client.get(reverse(url_name)).status_code == HTTPStatus.FORBIDDEN


def test_the_invitation_page_states_each_state(db):
    pending = factories.InvitationFactory()
    assert pending.state == "pending"
    pending.accepted_at = timezone.now()
    assert pending.state == "accepted"

"""Accounts in the admin (users, groups, login attempts): nobody climbs to superuser or beyond their own rights, coordinators see no
account at all, and the admin login never sends anyone to an address it refused."""

from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from poles.models import REGIONAL_GROUP
from tests import factories
from tests.poles.helpers import coordinated_poles_form, user_form_data

User = get_user_model()
TAKEN_OVER = "Mot-de-passe-du-pirate-2031"
ORIGINAL = "correct horse battery staple"


@pytest.fixture
def admins_group(db):
    """A group a superuser made, with rights the regional team does not have."""
    group = Group.objects.create(name="Administrateurs")
    group.permissions.set(Permission.objects.filter(codename__in=["change_group", "add_permission"]))
    return group


def _password_form(password=TAKEN_OVER):
    return {"password1": password, "password2": password, "usable_password": "true"}


def test_regional_member_cannot_set_the_superusers_password(regional_client, superuser, client):
    url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert regional_client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert regional_client.post(url, _password_form()).status_code == HTTPStatus.FORBIDDEN
    superuser.refresh_from_db()
    assert superuser.check_password(ORIGINAL)
    client.logout()
    response = client.post(reverse("admin:login"), {"username": superuser.username, "password": TAKEN_OVER})
    assert "_auth_user_id" not in client.session, response


def test_nobody_chooses_a_coordinators_password_for_them(regional_client, admin_client, coordinator):
    url = reverse("admin:auth_user_password_change", args=[coordinator.pk])
    assert regional_client.post(url, _password_form()).status_code == HTTPStatus.FORBIDDEN
    assert admin_client.post(url, _password_form()).status_code == HTTPStatus.FORBIDDEN
    coordinator.refresh_from_db()
    assert coordinator.check_password(ORIGINAL)


def test_everyone_still_changes_their_own_password_in_the_admin(regional_client, regional):
    url = reverse("admin:auth_user_password_change", args=[regional.pk])
    assert regional_client.post(url, _password_form()).status_code == HTTPStatus.FOUND
    regional.refresh_from_db()
    assert regional.check_password(TAKEN_OVER)


def test_regional_member_sees_but_cannot_change_the_superuser(regional_client, superuser):
    url = reverse("admin:auth_user_change", args=[superuser.pk])
    page = regional_client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert 'name="email"' not in page.content.decode()  # read only
    response = regional_client.post(url, user_form_data(superuser, email="pirate@example.org", is_active=""))
    assert response.status_code == HTTPStatus.FORBIDDEN
    superuser.refresh_from_db()
    assert superuser.email != "pirate@example.org"
    assert superuser.is_active


def test_regional_member_cannot_delete_the_superuser(regional_client, superuser):
    url = reverse("admin:auth_user_delete", args=[superuser.pk])
    assert regional_client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert regional_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert User.objects.filter(pk=superuser.pk).exists()


def test_bulk_delete_action_spares_the_superuser(regional_client, superuser):
    someone = factories.UserFactory(username="quelquun")
    response = regional_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [superuser.pk, someone.pk], "post": "yes"},
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert User.objects.filter(pk__in=[superuser.pk, someone.pk]).count() == 2


def test_adding_a_user_is_an_invitation_without_any_password(regional_client):
    response = regional_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "nouveau",
            "usable_password": "true",
            "password1": TAKEN_OVER,
            "password2": TAKEN_OVER,
            "is_superuser": "on",
            "is_staff": "on",
            **coordinated_poles_form(),
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:accounts_invitation_add")
    assert not User.objects.filter(username="nouveau").exists()


def test_regional_member_cannot_make_someone_superuser_staff_or_give_them_permissions(regional_client):
    someone = factories.UserFactory(username="quelquun", is_staff=False)
    permission = Permission.objects.get(codename="change_group")
    url = reverse("admin:auth_user_change", args=[someone.pk])
    response = regional_client.post(
        url, user_form_data(someone, is_superuser="on", is_staff="on", user_permissions=[permission.pk])
    )
    assert response.status_code == HTTPStatus.FOUND
    someone.refresh_from_db()
    assert not someone.is_superuser
    assert not someone.is_staff
    assert not someone.user_permissions.exists()


def test_regional_member_cannot_grant_a_group_with_more_permissions_than_theirs(
    regional_client, regional, admins_group
):
    someone = factories.UserFactory(username="quelquun")
    for target in (someone, regional):
        url = reverse("admin:auth_user_change", args=[target.pk])
        response = regional_client.post(url, user_form_data(target, groups=[admins_group.pk]))
        assert response.status_code == HTTPStatus.OK  # the form again, with the error
        assert "auth.add_permission" in response.content.decode()
        assert not target.groups.filter(pk=admins_group.pk).exists()


def test_regional_member_gives_a_group_within_their_rights(regional_client):
    someone = factories.UserFactory(username="quelquun")
    readers = Group.objects.create(name="Lecture seule")
    readers.permissions.set(Permission.objects.filter(codename__in=["view_actor", "view_event"]))
    url = reverse("admin:auth_user_change", args=[someone.pk])
    response = regional_client.post(url, user_form_data(someone, groups=[readers.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert someone.groups.filter(pk=readers.pk).exists()


def test_regional_member_cannot_take_over_an_account_holding_more_than_them(regional_client, admins_group):
    """An inactive account counts with its rights: reactivating it would give them back."""
    holder = factories.UserFactory(username="ancien-admin", is_active=False)
    holder.groups.add(admins_group)
    assert (
        regional_client.post(
            reverse("admin:auth_user_password_change", args=[holder.pk]), _password_form()
        ).status_code
        == HTTPStatus.FORBIDDEN
    )
    response = regional_client.post(
        reverse("admin:auth_user_change", args=[holder.pk]), user_form_data(holder, is_active="on")
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    holder.refresh_from_db()
    assert not holder.is_active
    assert holder.check_password(ORIGINAL)


def test_a_group_manager_grants_groups_no_permission_they_lack(client, regional, admins_group):
    """Given the right to change groups, a regional member still cannot widen one beyond their own
    rights, nor touch a group that holds more than they do."""
    regional.user_permissions.add(Permission.objects.get(codename="change_group"))
    client.force_login(regional)
    team = Group.objects.get(name=REGIONAL_GROUP)
    url = reverse("admin:auth_group_change", args=[team.pk])
    wider = [
        *team.permissions.values_list("pk", flat=True),
        Permission.objects.get(codename="add_permission").pk,
    ]
    response = client.post(url, {"name": team.name, "permissions": wider})
    assert response.status_code == HTTPStatus.OK
    assert not team.permissions.filter(codename="add_permission").exists()
    assert (
        client.post(
            reverse("admin:auth_group_change", args=[admins_group.pk]), {"name": "Pris", "permissions": []}
        ).status_code
        == HTTPStatus.FORBIDDEN
    )
    admins_group.refresh_from_db()
    assert admins_group.name == "Administrateurs"


def test_superuser_still_manages_every_account(admin_client, admins_group):
    someone = factories.UserFactory(username="quelquun", is_staff=False)
    url = reverse("admin:auth_user_change", args=[someone.pk])
    response = admin_client.post(url, user_form_data(someone, is_staff="on", groups=[admins_group.pk]))
    assert response.status_code == HTTPStatus.FOUND
    someone.refresh_from_db()
    assert someone.is_staff
    assert someone.groups.filter(pk=admins_group.pk).exists()


@pytest.mark.parametrize(
    "url_name", ["auth_user_changelist", "auth_group_changelist", "axes_accessattempt_changelist"]
)
def test_a_coordinator_given_account_permissions_still_sees_no_account(client, coordinator, url_name):
    coordinator.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["auth", "axes"]))
    client.force_login(coordinator)
    assert client.get(reverse(f"admin:{url_name}")).status_code == HTTPStatus.FORBIDDEN
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "poles", "model_name": "pole", "field_name": "coordinators"},
    )
    assert response.status_code == HTTPStatus.FORBIDDEN


# --------------------------------------------------------------------------------------- the login


def test_admin_login_with_an_external_next_lands_on_the_admin_index(client, coordinator):
    url = reverse("admin:login") + "?next=https://evil.example/"
    response = client.post(
        url, {"username": coordinator.username, "password": ORIGINAL, "next": "https://evil.example/"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == HTTPStatus.OK


def test_admin_login_follows_a_local_next(client, coordinator):
    target = reverse("admin:events_event_changelist")
    response = client.post(
        reverse("admin:login") + f"?next={target}",
        {"username": coordinator.username, "password": ORIGINAL, "next": target},
    )
    assert response["Location"] == target

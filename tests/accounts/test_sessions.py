"""Leaving and idling: deactivating an account ends its sessions and access at once, poles keep their
data and show up as left without a coordinator; back-office sessions end after ADMIN_IDLE_SECONDS."""

import time
from http import HTTPStatus

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.middleware import LAST_SEEN
from tests import factories
from tests.poles.helpers import user_form_data

User = get_user_model()


def test_deactivating_a_coordinator_ends_their_live_session(regional_client, coordinator, pole):
    theirs = Client()
    theirs.force_login(coordinator)
    assert theirs.get("/admin/").status_code == HTTPStatus.OK
    factories.ActorFactory(pole=pole, name="Coopérative gardée")
    response = regional_client.post(
        reverse("admin:auth_user_changelist"), {"action": "deactivate", "_selected_action": [coordinator.pk]}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not Session.objects.filter(session_key=theirs.session.session_key).exists()
    assert theirs.get("/admin/").status_code == HTTPStatus.FOUND
    coordinator.refresh_from_db()
    assert not coordinator.is_active
    assert pole.actors.filter(name="Coopérative gardée").exists()
    assert list(pole.coordinators.all()) == [coordinator]  # the history of who coordinated stays


def test_unticking_active_on_the_users_page_ends_the_sessions_too(regional_client, coordinator):
    theirs = Client()
    theirs.force_login(coordinator)
    data = user_form_data(coordinator)
    data.pop("is_active", None)
    response = regional_client.post(reverse("admin:auth_user_change", args=[coordinator.pk]), data)
    assert response.status_code == HTTPStatus.FOUND, response.content
    assert theirs.get("/admin/").status_code == HTTPStatus.FOUND


def test_an_inactive_account_is_refused_even_with_a_session_left(coordinator):
    theirs = Client()
    theirs.force_login(coordinator)
    User.objects.filter(pk=coordinator.pk).update(is_active=False)  # not through the service
    assert theirs.get("/admin/").status_code == HTTPStatus.FOUND


def test_the_dashboard_shows_poles_left_without_an_active_coordinator(regional_client, coordinator, pole):
    factories.PoleFactory(name="Pôle Orphelin")
    page = regional_client.get("/admin/").content.decode()
    assert "Pôle Orphelin" in page.split('id="poles-without-coordinator"')[1].split("</ul>")[0]
    assert "Pôle Alpha" not in page.split('id="poles-without-coordinator"')[1].split("</ul>")[0]
    services.user_deactivate(user=coordinator)
    page = regional_client.get("/admin/").content.decode()
    assert "Pôle Alpha" in page.split('id="poles-without-coordinator"')[1].split("</ul>")[0]


def test_coordinators_do_not_see_the_orphan_poles(client, coordinator):
    factories.PoleFactory(name="Pôle Orphelin")
    client.force_login(coordinator)
    assert "poles-without-coordinator" not in client.get("/admin/").content.decode()


def test_a_back_office_session_ends_after_the_idle_time(client, coordinator, settings):
    settings.ADMIN_IDLE_SECONDS = 60
    client.force_login(coordinator)
    assert client.get("/admin/").status_code == HTTPStatus.OK
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 61
    session.save()
    response = client.get("/admin/poles/pole/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session_alive(client, coordinator, settings):
    settings.ADMIN_IDLE_SECONDS = 60
    client.force_login(coordinator)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 50
    session.save()
    assert client.get("/admin/").status_code == HTTPStatus.OK
    assert client.session[LAST_SEEN] >= int(time.time()) - 1


def test_a_public_visitors_session_is_not_affected(client, db, settings):
    settings.ADMIN_IDLE_SECONDS = 0
    client.get("/")
    session = client.session
    session["anything"] = "kept"
    session.save()
    assert client.get("/").status_code == HTTPStatus.OK
    assert client.session["anything"] == "kept"

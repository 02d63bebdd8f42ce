"""Listings that stay true: the yearly "Votre fiche est-elle à jour ?" (once per period, through the
outbox), its one-click confirmation, the stale listings on the coordinator's dashboard; and the history
of every change of an organisation, bulk writes included, readable in the admin and scoped to the pole."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor, SelfServiceEmail
from actors.services import freshness, publication, selfservice_emails
from ess_portal.settings import CELERY_BEAT_SCHEDULE
from poles.models import Pole
from tests import factories

YES = re.compile(r"http://[^\s]+/fiche/a-jour/[^\s]+/")


@pytest.fixture
def actor(places, pole_a):
    return factories.ActorFactory(
        pole=pole_a,
        commune=places.redon,
        name="Épicerie solidaire",
        email="bonjour@epicerie.example",
        is_published=True,
    )


def test_the_check_runs_from_the_beat_schedule():
    assert {entry["task"] for entry in CELERY_BEAT_SCHEDULE.values()} >= {
        "actors.freshness_checks",
        "actors.send_due_selfservice_emails",
    }


def test_each_organisation_with_an_email_is_asked_once_per_period(actor, places, pole_a, commit):
    factories.ActorFactory(
        pole=pole_a, commune=places.redon, name="Sans courriel", email="", is_published=True
    )
    factories.ActorFactory(
        pole=pole_a, commune=places.redon, name="Cachée", email="x@cachee.example", is_published=False
    )
    with commit():
        assert freshness.freshness_checks_create() == 1
        assert freshness.freshness_checks_create() == 0  # the beat runs again the same period
    selfservice_emails.selfservice_emails_send_due()
    (message,) = mail.outbox
    assert message.to == ["bonjour@epicerie.example"]
    assert message.subject.startswith("Votre fiche est-elle à jour ?")
    assert "/fiche/modifier/" in message.body and YES.search(message.body)
    later = timezone.now() + timedelta(days=366)
    with commit():
        assert freshness.freshness_checks_create(now=later) == 1  # next period
    assert SelfServiceEmail.objects.filter(kind=SelfServiceEmail.Kind.FRESHNESS).count() == 2


def test_yes_it_is_up_to_date_asks_to_confirm_then_records_it(client, actor, commit):
    with commit():
        freshness.freshness_checks_create()
    selfservice_emails.selfservice_emails_send_due()
    url = YES.search(mail.outbox[0].body).group(0).replace("http://127.0.0.1:8000", "")
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK and "Oui, elle est à jour" in page.content.decode()
    actor.refresh_from_db()
    assert actor.checked_at is None  # a GET changes nothing
    response = client.post(url)
    assert "notée à jour" in response.content.decode()
    actor.refresh_from_db()
    assert actor.checked_at is not None
    assert actor.history.first().history_change_reason == "Confirmée à jour par l’organisation"


def test_a_forged_confirmation_link_changes_nothing(client, actor):
    response = client.post(reverse("actors:freshness_confirm", kwargs={"token": "forged:token"}))
    assert response.status_code == HTTPStatus.GONE


def test_stale_listings_are_flagged_on_the_dashboard_never_unpublished(
    client, actor, coordinator, places, pole_b
):
    old = timezone.now() - timedelta(days=600)
    Actor.objects.filter(pk=actor.pk).update(updated_at=old)
    theirs = factories.ActorFactory(pole=pole_b, commune=places.bains, name="Autre pôle", is_published=True)
    Actor.objects.filter(pk=theirs.pk).update(updated_at=old)
    assert set(Actor.objects.stale()) == {actor, theirs}
    client.force_login(coordinator)
    index = client.get(reverse("admin:index")).content.decode()
    assert "fiche non confirmée depuis 18 mois" in index
    assert "?fraicheur=a-verifier" in index
    listed = client.get(reverse("admin:actors_actor_changelist") + "?fraicheur=a-verifier").content.decode()
    assert "Épicerie solidaire" in listed and "Autre pôle" not in listed
    assert Actor.objects.get(pk=actor.pk).is_published
    Actor.objects.filter(pk=actor.pk).update(checked_at=timezone.now())
    assert not Actor.objects.for_user(coordinator).stale().exists()


def test_the_public_page_shows_the_french_date(client, actor):
    Actor.objects.filter(pk=actor.pk).update(
        updated_at=timezone.make_aware(timezone.datetime(2026, 3, 4, 12))
    )
    assert "Fiche mise à jour le 4 mars 2026" in client.get(actor.get_absolute_url()).content.decode()


# ------------------------------------------------------------------------------------------ history


def test_admin_edits_and_bulk_actions_are_in_the_history(client, actor, coordinator):
    client.force_login(coordinator)
    changelist = reverse("admin:actors_actor_changelist")
    client.post(changelist, {"action": "unpublish", "_selected_action": [actor.pk]})
    actor.refresh_from_db()
    assert not actor.is_published
    record = actor.history.first()
    assert record.history_user == coordinator and record.is_published is False
    page = client.get(reverse("admin:actors_actor_history", args=[actor.pk]))
    assert page.status_code == HTTPStatus.OK
    assert "coord-a" in page.content.decode() and "Unpublished" in page.content.decode()
    version = client.get(reverse("admin:actors_actor_simple_history", args=[actor.pk, record.history_id]))
    assert version.status_code == HTTPStatus.OK


def test_adoption_and_proposal_approval_are_in_the_history(client, coordinator, places, pole_a):
    pole_a.epcis.add(places.agglo)
    free = factories.ActorFactory(pole=None, commune=places.redon, name="Libre")
    publication.actors_attach_to_pole(
        actors=Actor.objects.filter(pk=free.pk), poles=Pole.objects.filter(pk=pole_a.pk), user=coordinator
    )
    record = free.history.first()
    assert record.pole_id == pole_a.pk and record.history_user == coordinator
    assert record.history_change_reason == "Attached to the pole"


def test_another_poles_coordinator_gets_no_history(client, actor, roles, pole_b):
    other = factories.make_coordinator(pole_b, username="coord-b")
    client.force_login(other)
    record = actor.history.first()
    assert (
        client.get(reverse("admin:actors_actor_history", args=[actor.pk])).status_code == HTTPStatus.NOT_FOUND
    )
    url = reverse("admin:actors_actor_simple_history", args=[actor.pk, record.history_id])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


@override_settings(SIMPLE_HISTORY_REVERT_DISABLED=True)
def test_a_version_cannot_be_reverted_from_the_history(client, actor, coordinator):
    client.force_login(coordinator)
    record = actor.history.first()
    url = reverse("admin:actors_actor_simple_history", args=[actor.pk, record.history_id])
    client.post(url, {"name": "Renommée"})
    actor.refresh_from_db()
    assert actor.name == "Épicerie solidaire"

"""An organisation updates its own listing: the private link goes to its own registered address only,
the change waits for a coordinator of its pole (field by field), who approves or refuses it in the admin
or from the email (a confirmation page, then a POST); the organisation is told; every email goes
through the self-service outbox, once."""

import io
import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from actors.models import Actor, ActorChange, EditLink, SelfServiceEmail
from actors.services import selfservice_emails
from tests import factories

LINK = re.compile(r"http://[^\s]+/fiche/modifier/[^\s]+/")
REVIEW = re.compile(r"http://[^\s]+/fiche/validation/[^\s]+/")


@pytest.fixture
def actor(places, pole_a, coordinator):
    coordinator.email = "coord@alpha.example"
    coordinator.save()
    place = places.redon
    return factories.ActorFactory(
        pole=pole_a,
        name="Ressourcerie du Pays de Redon",
        commune=place,
        email="contact@ressourcerie.example",
        phone="02 99 00 00 00",
        is_published=True,
    )


def _send():
    selfservice_emails.selfservice_emails_send_due()


def _request_link(client, actor, commit):
    with commit():
        response = client.post(reverse("actors:selfservice_request", kwargs={"slug": actor.slug}))
    _send()
    return response


def _edit_url(commit, client, actor):
    mail.outbox.clear()
    _request_link(client, actor, commit)
    (message,) = mail.outbox
    return LINK.search(message.body).group(0).replace("http://127.0.0.1:8000", "")


def _form(actor, **changes):
    data = {
        "description": actor.description,
        "address": actor.address,
        "postal_code": "35600",
        "commune_name": actor.commune.name,
        "website": actor.website,
        "email": actor.email,
        "phone": actor.phone,
        "opening_hours": "",
        "logo_alt": "",
    }
    data.update(changes)
    return data


def test_the_page_offers_the_update_and_says_when_it_was_updated(client, actor):
    page = client.get(actor.get_absolute_url()).content.decode()
    assert "Vous représentez cette organisation ?" in page
    assert "Mettre à jour la fiche" in page
    assert "Fiche mise à jour le" in page
    assert reverse("actors:selfservice_request", kwargs={"slug": actor.slug}) in page


def test_the_link_goes_to_the_organisations_own_address_only(client, actor, commit):
    response = client.post(
        reverse("actors:selfservice_request", kwargs={"slug": actor.slug}), {"email": "intrus@example.org"}
    )
    assert response.status_code == HTTPStatus.FOUND
    with commit():
        pass
    _send()
    (message,) = mail.outbox
    assert message.to == ["contact@ressourcerie.example"]
    assert LINK.search(message.body)
    assert SelfServiceEmail.objects.get().status == SelfServiceEmail.Status.SENT


def test_the_answer_is_the_same_without_an_address(client, actor, places, pole_a, commit):
    silent = factories.ActorFactory(
        pole=pole_a, commune=places.redon, name="Sans adresse", email="", is_published=True
    )
    answers = []
    for who in (actor, silent):
        response = _request_link(client, who, commit)
        answers.append(
            client.get(response["Location"])
            .content.decode()
            .replace(who.name, "NAME")
            .replace(who.slug, "SLUG")
        )
    assert answers[0] == answers[1]
    assert "un lien privé" in answers[0]
    assert len(mail.outbox) == 1


@override_settings(SELFSERVICE_RATE="2/h")
def test_asking_too_often_is_refused_in_french(client, actor, commit):
    for _ in range(2):
        _request_link(client, actor, commit)
    response = client.post(reverse("actors:selfservice_request", kwargs={"slug": actor.slug}))
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Trop de demandes" in response.content.decode()
    assert EditLink.objects.count() == 2


def test_a_change_waits_for_the_pole_then_approval_updates_the_listing(client, actor, coordinator, commit):
    url = _edit_url(commit, client, actor)
    form = client.get(url)
    assert form.status_code == HTTPStatus.OK and "02 99 00 00 00" in form.content.decode()
    mail.outbox.clear()
    with commit():
        response = client.post(url, _form(actor, phone="02 99 11 22 33", by_appointment="on"))
    assert response.status_code == HTTPStatus.OK, response.content.decode()[:3000]
    assert "envoyées au pôle" in response.content.decode()
    actor.refresh_from_db()
    assert actor.phone == "02 99 00 00 00"  # not yet
    change = ActorChange.objects.get()
    assert change.values == {"phone": "02 99 11 22 33", "by_appointment": True}
    _send()
    (review,) = mail.outbox
    assert review.to == ["coord@alpha.example"]
    assert "02 99 00 00 00 → 02 99 11 22 33" in review.body
    # The used link cannot serve again.
    again = client.post(url, _form(actor, phone="06 00 00 00 00"))
    assert again.status_code == HTTPStatus.GONE and "déjà été utilisé" in again.content.decode()

    review_url = REVIEW.search(review.body).group(0).replace("http://127.0.0.1:8000", "")
    page = client.get(review_url)
    assert page.status_code == HTTPStatus.OK and "Approuver et publier" in page.content.decode()
    actor.refresh_from_db()
    assert actor.phone == "02 99 00 00 00"  # a GET changes nothing
    mail.outbox.clear()
    with commit():
        decided = client.post(review_url, {"decision": "approve", "message": "Merci !"})
    assert "approuvée" in decided.content.decode()
    actor.refresh_from_db()
    assert actor.phone == "02 99 11 22 33" and actor.by_appointment
    assert actor.history.first().history_user == coordinator
    _send()
    (told,) = mail.outbox
    assert told.to == [actor.email] and "Merci !" in told.body
    assert "02 99 11 22 33" in client.get(actor.get_absolute_url()).content.decode()
    assert "Sur rendez-vous" in client.get(actor.get_absolute_url()).content.decode()


def test_an_expired_link_changes_nothing(client, actor, commit):
    url = _edit_url(commit, client, actor)
    EditLink.objects.update(created_at=timezone.now() - timedelta(days=10))
    response = client.post(url, _form(actor, phone="06 00 00 00 00"))
    assert response.status_code == HTTPStatus.GONE
    assert "expiré" in response.content.decode()
    assert not ActorChange.objects.exists()


def test_a_forged_link_changes_nothing(client, actor):
    response = client.get(reverse("actors:selfservice_edit", kwargs={"token": "abc:def"}))
    assert response.status_code == HTTPStatus.GONE and "pas valide" in response.content.decode()


def test_bad_input_gets_a_french_message_and_keeps_the_link(client, actor, commit):
    url = _edit_url(commit, client, actor)
    response = client.post(url, _form(actor, postal_code="123", website="pas une adresse"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "cinq chiffres" in response.content.decode()
    unchanged = client.post(url, _form(actor))
    assert unchanged.status_code == HTTPStatus.BAD_REQUEST and "Rien n" in unchanged.content.decode()
    assert EditLink.objects.get().used_at is None


def _png(size=(300, 200), kind="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#336699").save(buffer, kind)
    buffer.seek(0)
    buffer.name = f"logo.{kind.lower()}"
    return buffer


def test_a_logo_is_resized_and_shown_after_approval(client, actor, coordinator, commit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = _edit_url(commit, client, actor)
    with commit():
        response = client.post(url, {**_form(actor), "logo": _png((2000, 1000)), "logo_alt": "Un vélo bleu"})
    assert response.status_code == HTTPStatus.OK
    change = ActorChange.objects.get()
    with Image.open(change.logo.path) as page, Image.open(change.logo_thumbnail.path) as thumb:
        assert page.format == "WEBP" and page.size == (480, 240)
        assert thumb.size == (160, 80)
    client.force_login(coordinator)
    with commit():
        client.post(reverse("admin:actors_actorchange_decide", args=[change.pk]), {"decision": "approve"})
    actor.refresh_from_db()
    assert actor.logo.name == change.logo.name and actor.logo_alt == "Un vélo bleu"
    client.logout()
    page = client.get(actor.get_absolute_url()).content.decode()
    assert actor.logo.url in page and 'alt="Un vélo bleu"' in page
    listing = client.get(reverse("actors:list")).content.decode()
    assert actor.logo_thumbnail.url in listing
    features = client.get(reverse("actors:geojson")).json()["features"]
    assert features[0]["properties"]["logo"] == actor.logo_thumbnail.url


def test_a_file_that_is_not_a_png_jpeg_or_webp_is_refused(client, actor, commit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = _edit_url(commit, client, actor)
    gif = _png(kind="GIF")
    response = client.post(url, {**_form(actor, phone="01 01 01 01 01"), "logo": gif})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "PNG, JPEG ou WebP" in response.content.decode()
    text = io.BytesIO(b"not an image")
    text.name = "logo.png"
    response = client.post(url, {**_form(actor, phone="01 01 01 01 01"), "logo": text})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not ActorChange.objects.exists()


def test_an_image_too_large_is_refused(client, actor, commit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LOGO_MAX_PIXELS = 100_000
    url = _edit_url(commit, client, actor)
    response = client.post(url, {**_form(actor), "logo": _png((1000, 1000))})
    assert response.status_code == HTTPStatus.BAD_REQUEST and "trop grande" in response.content.decode()


def test_the_coordinator_sees_the_change_field_by_field_and_refuses_it(client, actor, coordinator, commit):
    url = _edit_url(commit, client, actor)
    with commit():
        client.post(url, _form(actor, phone="02 99 11 22 33"))
    change = ActorChange.objects.get()
    client.force_login(coordinator)
    page = client.get(reverse("admin:actors_actorchange_change", args=[change.pk])).content.decode()
    assert "02 99 00 00 00" in page and "02 99 11 22 33" in page and "Refuser" in page
    assert "mise à jour de fiche en attente" in client.get(reverse("admin:index")).content.decode()
    mail.outbox.clear()
    with commit():
        client.post(
            reverse("admin:actors_actorchange_decide", args=[change.pk]),
            {"decision": "refuse", "message": "Numéro inconnu."},
        )
    change.refresh_from_db()
    actor.refresh_from_db()
    assert change.status == ActorChange.Status.REFUSED and actor.phone == "02 99 00 00 00"
    _send()
    (told,) = mail.outbox
    assert told.to == [actor.email] and "Numéro inconnu." in told.body


def test_a_coordinator_of_another_pole_cannot_see_or_decide(client, actor, commit, pole_b, roles):
    url = _edit_url(commit, client, actor)
    with commit():
        client.post(url, _form(actor, phone="02 99 11 22 33"))
    change = ActorChange.objects.get()
    other = factories.make_coordinator(pole_b, username="coord-b")
    client.force_login(other)
    assert (
        client.get(reverse("admin:actors_actorchange_change", args=[change.pk])).status_code
        == HTTPStatus.NOT_FOUND
    )
    response = client.post(
        reverse("admin:actors_actorchange_decide", args=[change.pk]), {"decision": "approve"}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Actor.objects.get(pk=actor.pk).phone == "02 99 00 00 00"
    assert "Ressourcerie" not in client.get(reverse("admin:actors_actorchange_changelist")).content.decode()

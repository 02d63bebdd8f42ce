"""A coordinator of pole A against every pole-owned object of pole B, in every admin view; and the
regional team, who sees both. The same scenarios run for each model (written once, like the mixin)."""

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from actors.models import Actor
from events.models import EmailRecord, Event, Registration, Workshop
from poles.models import Pole
from tests import factories
from tests.poles.helpers import pole_form_data


@dataclass(frozen=True)
class Spec:
    model: type
    make: Callable  # pole -> object owned by that pole
    label: Callable  # object -> text that identifies its row
    autocomplete: tuple[str, str, str] | None  # a source field whose target is this model
    can_add: bool = True

    def __str__(self):
        return self.model.__name__

    def url(self, name, *args):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)


def _email_record(pole):
    registration = factories.RegistrationFactory(event=factories.EventFactory(pole=pole))
    return EmailRecord.objects.create(registration=registration, kind=EmailRecord.Kind.CONFIRMED)


SPECS = [
    Spec(Pole, lambda pole: pole, lambda obj: obj.name, ("actors", "actor", "pole"), can_add=False),
    Spec(
        Actor,
        lambda pole: factories.ActorFactory(pole=pole, name=f"Organisation {pole.acronym}"),
        lambda obj: obj.name,
        ("events", "registration", "organisation"),
    ),
    Spec(
        Workshop,
        lambda pole: factories.WorkshopFactory(pole=pole, title=f"Atelier {pole.acronym}"),
        lambda obj: obj.title,
        ("events", "event", "workshop"),
    ),
    Spec(
        Event,
        lambda pole: factories.EventFactory(pole=pole, title=f"Rencontre {pole.acronym}"),
        lambda obj: obj.title,
        ("events", "registration", "event"),
    ),
    Spec(
        Registration,
        lambda pole: factories.RegistrationFactory(
            event=factories.EventFactory(pole=pole), full_name=f"Personne {pole.acronym}"
        ),
        lambda obj: obj.full_name,
        ("events", "emailrecord", "registration"),
        can_add=False,
    ),
    Spec(EmailRecord, _email_record, lambda obj: obj.registration.email, None, can_add=False),
]


@pytest.fixture(params=SPECS, ids=str)
def spec(request):
    return request.param


@pytest.fixture
def objects(spec, pole_a, pole_b):
    return spec.make(pole_a), spec.make(pole_b)


def test_coordinator_change_list_shows_only_own_poles_rows(coordinator_client, spec, objects, pole_b):
    mine, theirs = objects
    response = coordinator_client.get(spec.url("changelist"))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert spec.label(mine) in content
    assert spec.label(theirs) not in content
    assert pole_b.name not in content  # not even in the filters' choices


def test_coordinator_change_list_search_finds_nothing_of_other_poles(coordinator_client, spec, objects):
    _mine, theirs = objects
    response = coordinator_client.get(spec.url("changelist"), {"q": spec.label(theirs)})
    assert response.status_code == HTTPStatus.OK
    assert theirs.pk not in {row.pk for row in response.context["cl"].result_list}


@pytest.mark.parametrize("page", ["change", "delete", "history"])
def test_coordinator_cannot_open_another_poles_object(coordinator_client, spec, objects, page):
    _mine, theirs = objects
    response = coordinator_client.get(spec.url(page, theirs.pk))
    assert response.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FORBIDDEN)
    assert spec.label(theirs) not in response.content.decode()


def test_coordinator_opens_own_object(coordinator_client, spec, objects):
    mine, _theirs = objects
    response = coordinator_client.get(spec.url("change", mine.pk))
    assert response.status_code == HTTPStatus.OK
    assert spec.label(mine) in response.content.decode()


def test_coordinator_add_form_offers_only_own_poles(coordinator_client, spec, objects, pole_a, pole_b):
    response = coordinator_client.get(spec.url("add"))
    if not spec.can_add:
        assert response.status_code == HTTPStatus.FORBIDDEN
        return
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert pole_a.name in content
    assert pole_b.name not in content


@pytest.mark.parametrize("spec", [s for s in SPECS if s.autocomplete], ids=str)
def test_coordinator_autocomplete_lists_only_own_poles(coordinator_client, spec, pole_a, pole_b):
    mine, theirs = spec.make(pole_a), spec.make(pole_b)
    app_label, model_name, field_name = spec.autocomplete
    response = coordinator_client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""},
    )
    assert response.status_code == HTTPStatus.OK
    ids = {result["id"] for result in response.json()["results"]}
    assert str(mine.pk) in ids
    assert str(theirs.pk) not in ids


def test_coordinator_bulk_delete_of_other_poles_ids_deletes_nothing(coordinator_client, spec, objects):
    _mine, theirs = objects
    coordinator_client.post(
        spec.url("changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [theirs.pk], "post": "yes"},
    )
    assert spec.model.objects.filter(pk=theirs.pk).exists()


def test_regional_team_sees_every_pole(regional_client, spec, objects):
    mine, theirs = objects
    content = regional_client.get(spec.url("changelist")).content.decode()
    assert spec.label(mine) in content
    assert spec.label(theirs) in content
    assert regional_client.get(spec.url("change", theirs.pk)).status_code == HTTPStatus.OK


# ------------------------------------------------------------------------------- forged POSTs, per model


def _actor_post(actor, **changes):
    data = {
        "name": actor.name,
        "slug": actor.slug,
        "legal_form": actor.legal_form,
        "pole": actor.pole_id or "",
        "commune": actor.commune_id,
        "member_since": "",
        "address": "",
        "position": "",
        "use_commune_position": "on",
        "website": "",
        "email": "",
        "phone": "",
        "description": "",
        "siret": "",
        "employees": "",
        "is_published": "on",
    }
    data.update(changes)
    return data


def test_coordinator_cannot_move_own_actor_to_another_pole(coordinator_client, pole_a, pole_b):
    actor = factories.ActorFactory(pole=pole_a)
    response = coordinator_client.post(
        reverse("admin:actors_actor_change", args=[actor.pk]), _actor_post(actor, pole=pole_b.pk)
    )
    assert response.status_code == HTTPStatus.OK  # the form again, with an error
    assert "errornote" in response.content.decode()
    actor.refresh_from_db()
    assert actor.pole == pole_a


def test_coordinator_cannot_create_an_actor_in_another_pole(coordinator_client, pole_a, pole_b):
    commune = factories.CommuneFactory()
    data = _actor_post(
        Actor(name="Intrus", slug="intrus", legal_form="association", commune=commune), pole=pole_b.pk
    )
    response = coordinator_client.post(reverse("admin:actors_actor_add"), data)
    assert response.status_code == HTTPStatus.OK
    assert not Actor.objects.filter(slug="intrus").exists()


def test_coordinator_cannot_create_an_actor_without_pole(coordinator_client, pole_a):
    commune = factories.CommuneFactory()
    data = _actor_post(Actor(name="Sans pôle", slug="sans-pole", legal_form="association", commune=commune))
    response = coordinator_client.post(reverse("admin:actors_actor_add"), data)
    assert response.status_code == HTTPStatus.OK
    assert not Actor.objects.filter(slug="sans-pole").exists()


def test_coordinator_saves_own_actor_with_a_marker(coordinator_client, pole_a):
    actor = factories.ActorFactory(pole=pole_a)
    data = _actor_post(
        actor, position='{"type": "Point", "coordinates": [-2.08, 47.65]}', use_commune_position=""
    )
    response = coordinator_client.post(reverse("admin:actors_actor_change", args=[actor.pk]), data)
    assert response.status_code == HTTPStatus.FOUND
    actor.refresh_from_db()
    assert (actor.latitude, actor.longitude) == (47.65, -2.08)


def test_use_commune_position_clears_the_point(coordinator_client, pole_a):
    actor = factories.ActorFactory(pole=pole_a, latitude=47.6, longitude=-2.1)
    data = _actor_post(
        actor, position='{"type": "Point", "coordinates": [-2.1, 47.6]}', use_commune_position="on"
    )
    coordinator_client.post(reverse("admin:actors_actor_change", args=[actor.pk]), data)
    actor.refresh_from_db()
    assert actor.latitude is None and actor.longitude is None


def test_coordinator_cannot_create_a_workshop_in_another_pole(coordinator_client, pole_b):
    data = {"pole": pole_b.pk, "title": "Atelier intrus", "slug": "atelier-intrus", "is_active": "on"}
    response = coordinator_client.post(reverse("admin:events_workshop_add"), data)
    assert response.status_code == HTTPStatus.OK
    assert not Workshop.objects.filter(slug="atelier-intrus").exists()


def test_coordinator_cannot_move_own_event_to_another_pole(coordinator_client, pole_a, pole_b):
    event = factories.EventFactory(pole=pole_a)
    data = {
        "pole": pole_b.pk,
        "kind": event.kind,
        "workshop": "",
        "title": event.title,
        "slug": event.slug,
        "description": "",
        "status": event.status,
        "starts_at_0": "2031-05-01",
        "starts_at_1": "10:00",
        "ends_at_0": "2031-05-01",
        "ends_at_1": "12:00",
        "venue": "",
        "address": "",
        "commune": "",
        "position": "",
        "use_commune_position": "on",
        "audience": event.audience,
        "capacity": "30",
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
    }
    response = coordinator_client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert response.status_code == HTTPStatus.OK
    event.refresh_from_db()
    assert event.pole == pole_a


def test_coordinator_cannot_link_a_registration_to_another_poles_actor(coordinator_client, pole_a, pole_b):
    registration = factories.RegistrationFactory(event=factories.EventFactory(pole=pole_a))
    foreign = factories.ActorFactory(pole=pole_b)
    data = {
        "full_name": registration.full_name,
        "organisation": foreign.pk,
        "organisation_name": "",
        "attended": "",
    }
    response = coordinator_client.post(
        reverse("admin:events_registration_change", args=[registration.pk]), data
    )
    assert response.status_code == HTTPStatus.OK
    registration.refresh_from_db()
    assert registration.organisation is None


def test_coordinator_cannot_change_own_poles_status_or_slug(coordinator_client, pole_a):
    data = pole_form_data(
        pole_a,
        name="Pôle Alpha renommé",
        slug="pirate",
        status=Pole.Status.EMERGING,
        outline='{"type": "Polygon", "coordinates": [[[-2.2, 47.6], [-2.0, 47.6], [-2.0, 47.8], [-2.2, 47.6]]]}',
    )
    response = coordinator_client.post(reverse("admin:poles_pole_change", args=[pole_a.pk]), data)
    assert response.status_code == HTTPStatus.FOUND
    pole_a.refresh_from_db()
    assert pole_a.name == "Pôle Alpha renommé"
    assert pole_a.outline is None  # derived from the territory, never drawn
    assert pole_a.slug != "pirate"
    assert pole_a.status == Pole.Status.CONSTITUTED


def test_coordinator_cannot_add_a_pole(coordinator_client):
    assert coordinator_client.get(reverse("admin:poles_pole_add")).status_code == HTTPStatus.FORBIDDEN


# ---------------------------------------------------------------------------------- actions and exports


def test_publish_action_ignores_other_poles_ids(coordinator_client, pole_a, pole_b):
    mine = factories.ActorFactory(pole=pole_a, is_published=False)
    theirs = factories.ActorFactory(pole=pole_b, is_published=False)
    coordinator_client.post(
        reverse("admin:actors_actor_changelist"),
        {"action": "publish", ACTION_CHECKBOX_NAME: [mine.pk, theirs.pk]},
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.is_published
    assert not theirs.is_published


def test_unpublish_action_ignores_other_poles_ids(coordinator_client, pole_b):
    theirs = factories.ActorFactory(pole=pole_b, is_published=True)
    coordinator_client.post(
        reverse("admin:actors_actor_changelist"), {"action": "unpublish", ACTION_CHECKBOX_NAME: [theirs.pk]}
    )
    theirs.refresh_from_db()
    assert theirs.is_published


def test_actor_export_contains_only_own_poles(coordinator_client, pole_a, pole_b):
    mine = factories.ActorFactory(pole=pole_a, name="Coopérative Alpha")
    theirs = factories.ActorFactory(pole=pole_b, name="Coopérative Bravo")
    response = coordinator_client.post(
        reverse("admin:actors_actor_changelist"),
        {"action": "export_csv", ACTION_CHECKBOX_NAME: [mine.pk, theirs.pk]},
    )
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8-sig")
    assert mine.name in content
    assert theirs.name not in content


def test_registration_export_contains_only_own_poles(coordinator_client, pole_a, pole_b):
    mine = factories.RegistrationFactory(event=factories.EventFactory(pole=pole_a), full_name="Alice Alpha")
    theirs = factories.RegistrationFactory(event=factories.EventFactory(pole=pole_b), full_name="Bob Bravo")
    response = coordinator_client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "export_csv", ACTION_CHECKBOX_NAME: [mine.pk, theirs.pk]},
    )
    content = response.content.decode("utf-8-sig")
    assert "Alice Alpha" in content
    assert "Bob Bravo" not in content


# -------------------------------------------------------------------- suggestions and duplicate flags


def test_coordinator_sees_unaffiliated_organisations_of_the_territory_as_suggestions(
    coordinator_client, pole_a, pole_b
):
    epci = factories.EpciFactory()
    pole_a.epcis.add(epci)
    inside = factories.CommuneFactory(epci=epci)
    outside = factories.CommuneFactory()
    suggestion = factories.ActorFactory(pole=None, commune=inside, name="Sans pôle dedans")
    far = factories.ActorFactory(pole=None, commune=outside, name="Sans pôle ailleurs")
    other_member = factories.ActorFactory(pole=pole_b, commune=inside, name="Membre du voisin")
    url = reverse("admin:actors_actor_changelist")

    members = coordinator_client.get(url).content.decode()
    assert suggestion.name not in members  # members only by default

    suggestions = coordinator_client.get(url, {"adhesion": "suggestions"}).content.decode()
    assert suggestion.name in suggestions
    assert far.name not in suggestions
    assert other_member.name not in suggestions

    # read-only, and adoptable by the action
    page = coordinator_client.get(reverse("admin:actors_actor_change", args=[suggestion.pk]))
    assert page.status_code == HTTPStatus.OK
    assert 'name="name"' not in page.content.decode()
    coordinator_client.post(
        f"{url}?adhesion=suggestions",
        {"action": "attach_to_my_pole", ACTION_CHECKBOX_NAME: [suggestion.pk, far.pk]},
    )
    suggestion.refresh_from_db()
    far.refresh_from_db()
    assert suggestion.pole == pole_a
    assert far.pole is None


def test_duplicates_are_flagged(admin_client):
    commune = factories.CommuneFactory()
    first = factories.ActorFactory(name="L’Épicerie du Port", slug="epicerie-1", commune=commune)
    factories.ActorFactory(name="L'EPICERIE-DU-PORT", slug="epicerie-2", commune=commune)
    same_name_elsewhere = factories.ActorFactory(name="L’Épicerie du Port", slug="epicerie-3")
    alone = factories.ActorFactory(name="Unique en son genre")
    response = admin_client.get(reverse("admin:actors_actor_changelist"), {"doublon": "yes"})
    shown = {row.pk for row in response.context["cl"].result_list}
    assert first.pk in shown
    assert alone.pk not in shown
    assert same_name_elsewhere.pk not in shown


def test_coordinator_cannot_delete_or_publish_a_suggestion(coordinator_client, pole_a):
    epci = factories.EpciFactory()
    pole_a.epcis.add(epci)
    suggestion = factories.ActorFactory(
        pole=None, commune=factories.CommuneFactory(epci=epci), is_published=False
    )
    url = reverse("admin:actors_actor_changelist") + "?adhesion=suggestions"
    response = coordinator_client.post(
        url, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [suggestion.pk], "post": "yes"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    coordinator_client.post(url, {"action": "publish", ACTION_CHECKBOX_NAME: [suggestion.pk]})
    suggestion.refresh_from_db()
    assert not suggestion.is_published


def test_coordinator_of_two_poles_sees_both(client, roles, pole_a, pole_b):
    third = factories.PoleFactory(name="Pôle Charlie")
    client.force_login(factories.make_coordinator(pole_a, pole_b))
    factories.ActorFactory(pole=pole_a, name="Chez Alpha")
    factories.ActorFactory(pole=pole_b, name="Chez Bravo")
    factories.ActorFactory(pole=third, name="Chez Charlie")
    content = client.get(reverse("admin:actors_actor_changelist")).content.decode()
    assert "Chez Alpha" in content and "Chez Bravo" in content
    assert "Chez Charlie" not in content


def test_map_widgets_render_an_empty_value_as_empty_text(admin_client, pole_a):
    pole_page = admin_client.get(reverse("admin:poles_pole_change", args=[pole_a.pk])).content.decode()
    assert 'id="id_outline" hidden readonly></textarea>' in pole_page
    actor = factories.ActorFactory(pole=pole_a)
    actor_page = admin_client.get(reverse("admin:actors_actor_change", args=[actor.pk])).content.decode()
    assert 'id="id_position"></textarea>' in actor_page
    assert "null</textarea>" not in pole_page + actor_page


def test_actor_map_opens_on_the_commune_when_there_is_no_point(admin_client, pole_a):
    commune = factories.CommuneFactory(latitude=47.65, longitude=-2.08)
    actor = factories.ActorFactory(pole=pole_a, commune=commune)
    page = admin_client.get(reverse("admin:actors_actor_change", args=[actor.pk]))
    options = page.context["adminform"].form["position"].field.widget.center
    assert options == (47.65, -2.08)
    assert '"center": [47.65, -2.08]' in page.content.decode()


def test_coordinator_cannot_add_another_poles_organisation_to_a_workshop(coordinator_client, pole_a, pole_b):
    mine = factories.ActorFactory(pole=pole_a)
    theirs = factories.ActorFactory(pole=pole_b)
    url = reverse("admin:events_workshop_add")
    data = {"pole": pole_a.pk, "title": "Atelier mixte", "slug": "atelier-mixte", "is_active": "on"}
    refused = coordinator_client.post(url, {**data, "participants": [mine.pk, theirs.pk]})
    assert refused.status_code == HTTPStatus.OK
    assert not Workshop.objects.filter(slug="atelier-mixte").exists()
    accepted = coordinator_client.post(url, {**data, "participants": [mine.pk]})
    assert accepted.status_code == HTTPStatus.FOUND
    assert list(Workshop.objects.get(slug="atelier-mixte").participants.all()) == [mine]

"""The map widget's latitude and longitude inputs: a coordinator places a point without the mouse, and a
mistake gets a clear French message tied to the inputs, with nothing saved."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_client(coordinator_client):
    coordinator_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    return coordinator_client


@pytest.fixture
def actor(pole_a):
    return factories.ActorFactory(pole=pole_a, latitude=None, longitude=None)


def _post(client, actor, **changes):
    data = {
        "name": actor.name,
        "slug": actor.slug,
        "legal_form": actor.legal_form,
        "pole": actor.pole_id,
        "commune": actor.commune_id,
        "member_since": "",
        "address": "",
        "position": "",
        "position_latitude": "",
        "position_longitude": "",
        "website": "",
        "email": "",
        "phone": "",
        "description": "",
        "siret": "",
        "employees": "",
        "is_published": "on",
        **changes,
    }
    return client.post(reverse("admin:actors_actor_change", args=[actor.pk]), data)


def test_change_form_shows_labelled_coordinate_inputs_filled_from_the_point(french_client, pole_a):
    actor = factories.ActorFactory(pole=pole_a, latitude=47.65, longitude=-2.08)
    page = french_client.get(reverse("admin:actors_actor_change", args=[actor.pk])).content.decode()

    assert '<label for="id_position_latitude">Latitude</label>' in page
    assert '<label for="id_position_longitude">Longitude</label>' in page
    assert 'name="position_latitude" id="id_position_latitude" value="47.65"' in page
    assert 'name="position_longitude" id="id_position_longitude" value="-2.08"' in page
    assert "En degrés décimaux (WGS84)" in page
    assert 'aria-describedby="id_position_coordinates_hint"' in page
    assert '<textarea name="position" hidden' in page
    assert '<label for="id_position_latitude">Position sur la carte' in page


def test_typed_coordinates_save_the_point_and_untick_nothing_else(french_client, actor):
    response = _post(french_client, actor, position_latitude="47,651", position_longitude="-2.0842")

    assert response.status_code == HTTPStatus.FOUND
    actor.refresh_from_db()
    assert (actor.latitude, actor.longitude) == (47.651, -2.0842)


def test_typed_coordinates_win_over_a_stale_geojson_value(french_client, actor):
    _post(
        french_client,
        actor,
        position='{"type": "Point", "coordinates": [-3.0, 48.0]}',
        position_latitude="47.5",
        position_longitude="-2.5",
    )

    actor.refresh_from_db()
    assert (actor.latitude, actor.longitude) == (47.5, -2.5)


def test_emptying_both_coordinates_falls_back_to_the_commune(french_client, pole_a):
    actor = factories.ActorFactory(pole=pole_a, latitude=47.65, longitude=-2.08)

    response = _post(french_client, actor)

    assert response.status_code == HTTPStatus.FOUND
    actor.refresh_from_db()
    assert actor.latitude is None and actor.longitude is None


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        ("47.65", "", "Indiquez à la fois la latitude et la longitude"),
        ("", "-2.08", "Indiquez à la fois la latitude et la longitude"),
        ("95", "-2.08", "La latitude doit être comprise entre -90 et 90 degrés"),
        ("47.65", "-200", "La longitude doit être comprise entre -180 et 180 degrés"),
        ("47.65", "ouest", "La longitude doit être un nombre en degrés décimaux, par exemple -2.08"),
        ("nan", "-2.08", "La latitude doit être comprise entre -90 et 90 degrés"),
    ],
)
def test_a_bad_coordinate_is_refused_with_a_french_message_tied_to_the_inputs(
    french_client, actor, latitude, longitude, message
):
    response = _post(french_client, actor, position_latitude=latitude, position_longitude=longitude)

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert message in page
    assert '<ul class="errorlist" id="id_position_error">' in page
    assert page.count('aria-invalid="true"') == 2  # both inputs, nothing else
    assert 'aria-describedby="id_position_coordinates_hint id_position_error"' in page
    assert f'id="id_position_latitude" value="{latitude}"' in page  # what was typed is kept
    actor.refresh_from_db()
    assert actor.latitude is None and actor.longitude is None


def test_use_the_communes_position_ignores_the_typed_coordinates_even_wrong_ones(french_client, pole_a):
    actor = factories.ActorFactory(pole=pole_a, latitude=47.65, longitude=-2.08)

    response = _post(
        french_client, actor, position_latitude="47.65", position_longitude="", use_commune_position="on"
    )

    assert response.status_code == HTTPStatus.FOUND
    actor.refresh_from_db()
    assert actor.latitude is None and actor.longitude is None


def test_typed_point_stays_on_the_map_when_another_field_has_an_error(french_client, actor):
    response = _post(french_client, actor, name="", position_latitude="47.5", position_longitude="-2.5")

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert 'id="id_position_latitude" value="47.5"' in page
    assert "{&quot;type&quot;: &quot;Point&quot;, &quot;coordinates&quot;: [-2.5, 47.5]}</textarea>" in page

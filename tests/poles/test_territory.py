"""A pole's territory is one definition: its communes, listed or through its intercommunalities, set by
the regional team. Its outline is derived from the real outlines of those communes, never drawn."""

import json
from http import HTTPStatus

import pytest
import shapely
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.urls import reverse
from shapely.geometry import Point, shape

from actors.services import proposals
from poles import contours
from poles.models import Commune, Epci, Pole
from poles.services_backoffice import pole_territory_set, poles_outline_refresh
from tests import factories
from tests.factories import BOX_OVER_BRITTANY
from tests.poles.helpers import pole_form_data

pytestmark = pytest.mark.django_db


def contour(code: str):
    return shape(contours.commune_contours([code])[code])


# ------------------------------------------------------------------------------ one definition of territory


def test_the_territory_is_the_listed_communes_and_those_of_the_intercommunalities(places):
    pole = factories.PoleFactory()
    pole.epcis.add(places.agglo)
    pole.communes.add(places.allineuc)
    other = factories.PoleFactory()

    assert set(Commune.objects.in_territory_of(pole)) == {
        places.redon,
        places.bains,
        places.sainte_marie,
        places.allineuc,
    }
    assert set(Commune.objects.in_territory_of(Pole.objects.filter(pk=other.pk))) == set()
    assert list(Pole.objects.territory_of(places.bains)) == [pole]
    assert list(Pole.objects.territory_of(places.allineuc)) == [pole]
    assert Commune.objects.in_territory_of(Pole.objects.all()).count() == 4  # no duplicate rows


def test_where_territories_overlap_anyway_the_pole_listing_the_commune_comes_first_then_the_oldest(places):
    """Overlaps cannot be saved (below), but a reference-data update can move a commune into another
    pole's intercommunality: the order is then defined, not left to chance."""
    through_epci = factories.PoleFactory()
    through_epci.epcis.add(places.agglo)
    younger_through_epci = factories.PoleFactory()
    younger_through_epci.epcis.add(places.agglo)
    assert Pole.objects.territory_of(places.redon).first() == through_epci

    listing = factories.PoleFactory()
    listing.communes.add(places.redon)
    assert list(Pole.objects.territory_of(places.redon)) == [listing, through_epci, younger_through_epci]
    assert (
        proposals.actor_propose(
            name="Vélo Solidaire",
            legal_form="association",
            commune=places.redon,
            proposer_name="Camille",
            proposer_email="camille@example.org",
        ).pole
        == listing
    )


def test_a_territory_overlapping_another_poles_is_refused_and_nothing_changes(places):
    cades = factories.PoleFactory(name="CADES")
    pole_territory_set(pole=cades, epcis=[places.agglo], communes=[])
    other = factories.PoleFactory(name="Pôle voisin")

    with pytest.raises(ValidationError) as caught:
        pole_territory_set(pole=other, epcis=[], communes=[places.allineuc, places.redon])

    message = " ".join(caught.value.messages)
    assert "Redon" in message and "CADES" in message
    assert "Allineuc" not in message
    assert not other.communes.exists()
    assert list(Pole.objects.territory_of(places.redon)) == [cades]


def test_the_regional_team_is_told_in_french_when_a_territory_overlaps(client, places):
    from ess_portal.management.commands.setup_roles import roles_setup

    roles_setup()
    cades = factories.PoleFactory(name="CADES")
    cades.epcis.add(places.agglo)
    other = factories.PoleFactory(name="Pôle voisin")
    client.force_login(factories.make_regional())

    response = client.post(
        reverse("admin:poles_pole_change", args=[other.pk]),
        pole_form_data(other, communes=[places.bains.pk, places.allineuc.pk]),
    )

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "appartient déjà au territoire d’un autre pôle" in content
    assert "Bains-sur-Oust (CADES)" in content
    assert not other.communes.exists()


# ------------------------------------------------------------------------------------- the derived outline


def test_reading_the_contours_parses_only_the_wanted_features(tmp_path, places):
    shipped = contours.CONTOURS_GEOJSON.read_text(encoding="utf-8").splitlines()
    broken = [line if '"35236"' in line or '"35013"' in line else line[:40] for line in shipped]
    path = tmp_path / "contours.geojson"
    path.write_text("\n".join(broken), encoding="utf-8")

    found = contours.commune_contours(["35236", "35013", "99999"], path=path)

    assert set(found) == {"35236", "35013"}
    assert found["35236"]["type"] == "MultiPolygon"


def test_the_shipped_contours_have_one_valid_outline_per_reference_commune_one_per_line():
    lines = contours.CONTOURS_GEOJSON.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"type":"FeatureCollection","features":['
    assert lines[-1] == "]}"
    collection = json.loads("\n".join(lines))
    codes = [feature["properties"]["insee_code"] for feature in collection["features"]]
    assert len(lines) == len(codes) + 2  # one feature per line
    reference = contours.CONTOURS_GEOJSON.with_name("communes.csv").read_text(encoding="utf-8")
    assert sorted(codes) == sorted(line.split(",")[0] for line in reference.splitlines()[1:])
    assert all(shape(feature["geometry"]).is_valid for feature in collection["features"])


def test_setting_the_territory_derives_the_outline_from_the_communes_after_commit(
    places, django_capture_on_commit_callbacks
):
    cades = factories.PoleFactory(outline=BOX_OVER_BRITTANY)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pole_territory_set(pole=cades, epcis=[places.agglo], communes=[])
        cades.refresh_from_db()
        assert cades.outline == BOX_OVER_BRITTANY  # not before the territory is committed
    assert callbacks

    cades.refresh_from_db()
    outline = shape(cades.outline)
    assert cades.outline["type"] == "MultiPolygon"
    assert outline.is_valid
    union = shapely.union_all([contour(c) for c in ("35236", "35013", "35294")])
    assert outline.area == pytest.approx(union.area, rel=0.02)
    assert outline.symmetric_difference(union).area < 0.02 * union.area
    for commune in (places.redon, places.bains, places.sainte_marie):
        assert outline.contains(Point(commune.longitude, commune.latitude)), commune
    assert not outline.contains(Point(places.allineuc.longitude, places.allineuc.latitude))
    # Made for the web: one piece without the slivers left between neighbouring communes, few points,
    # coordinates rounded.
    assert len(cades.outline["coordinates"]) == 1
    assert all(len(polygon) == 1 for polygon in cades.outline["coordinates"])
    positions = [p for polygon in cades.outline["coordinates"] for ring in polygon for p in ring]
    assert len(positions) < shapely.get_num_coordinates(union)
    assert all(round(x, 4) == x and round(y, 4) == y for x, y in positions)


def test_an_unchanged_territory_is_not_derived_again(places, django_capture_on_commit_callbacks):
    cades = factories.PoleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert pole_territory_set(pole=cades, epcis=[places.agglo], communes=[]) is True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert pole_territory_set(pole=cades, epcis=[places.agglo], communes=[]) is False
    assert callbacks == []


def test_a_pole_without_communes_has_no_outline(places, django_capture_on_commit_callbacks):
    cades = factories.PoleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        pole_territory_set(pole=cades, epcis=[places.agglo], communes=[places.allineuc])
    cades.refresh_from_db()
    assert len(cades.outline["coordinates"]) == 2  # Allineuc is far from the pays de Redon

    with django_capture_on_commit_callbacks(execute=True):
        pole_territory_set(pole=cades, epcis=[], communes=[])
    cades.refresh_from_db()
    assert cades.outline is None


def test_refreshing_every_outline_follows_the_territories(places):
    cades = factories.PoleFactory(outline=BOX_OVER_BRITTANY)
    cades.communes.add(places.redon)
    empty = factories.PoleFactory(outline=BOX_OVER_BRITTANY)

    assert poles_outline_refresh() == 2

    cades.refresh_from_db()
    empty.refresh_from_db()
    assert shape(cades.outline).contains(Point(places.redon.longitude, places.redon.latitude))
    assert not shape(cades.outline).contains(Point(places.bains.longitude, places.bains.latitude))
    assert empty.outline is None
    assert poles_outline_refresh() == 0


# ------------------------------------------------------------------------------------------- back-office


@pytest.fixture
def regional_client(client):
    from ess_portal.management.commands.setup_roles import roles_setup

    roles_setup()
    client.force_login(factories.make_regional())
    return client


def test_the_regional_team_sets_the_territory_and_the_admin_shows_the_derived_outline_read_only(
    regional_client, places, django_capture_on_commit_callbacks
):
    cades = factories.PoleFactory(outline=BOX_OVER_BRITTANY)
    url = reverse("admin:poles_pole_change", args=[cades.pk])
    drawn = {"type": "Polygon", "coordinates": [[[-3, 48], [-2, 48], [-2, 49], [-3, 48]]]}

    with django_capture_on_commit_callbacks(execute=True):
        response = regional_client.post(
            url, pole_form_data(cades, epcis=[places.agglo.pk], outline=json.dumps(drawn))
        )

    assert response.status_code == HTTPStatus.FOUND
    cades.refresh_from_db()
    assert list(cades.epcis.all()) == [places.agglo]
    assert cades.outline != BOX_OVER_BRITTANY and cades.outline["coordinates"] != [drawn["coordinates"]]
    assert shape(cades.outline).contains(Point(places.redon.longitude, places.redon.latitude))

    page = regional_client.get(url).content.decode()
    assert 'name="outline"' not in page  # nobody edits the outline any more
    assert "data-readonly" in page and 'id="id-outline-map"' in page
    assert json.dumps(cades.outline) in page or json.dumps(cades.outline).replace('"', "&quot;") in page


def test_a_coordinator_cannot_draw_the_outline_either(client, places, django_capture_on_commit_callbacks):
    from ess_portal.management.commands.setup_roles import roles_setup

    roles_setup()
    cades = factories.PoleFactory(name="CADES")
    cades.epcis.add(places.agglo)
    poles_outline_refresh(pole_ids=[cades.pk])
    cades.refresh_from_db()
    derived = cades.outline
    client.force_login(factories.make_coordinator(cades))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:poles_pole_change", args=[cades.pk]),
            pole_form_data(cades, description="Nouveau texte", outline=json.dumps(BOX_OVER_BRITTANY)),
        )

    assert response.status_code == HTTPStatus.FOUND
    cades.refresh_from_db()
    assert cades.description == "Nouveau texte"
    assert cades.outline == derived


def test_suggestions_follow_the_territory_not_a_drawn_outline(client, places):
    from ess_portal.management.commands.setup_roles import roles_setup

    roles_setup()
    cades = factories.PoleFactory(outline=BOX_OVER_BRITTANY)
    cades.epcis.add(places.agglo)
    inside = factories.ActorFactory(pole=None, commune=places.sainte_marie, name="Sans pôle à Sainte-Marie")
    outside = factories.ActorFactory(pole=None, commune=places.allineuc, name="Sans pôle à Allineuc")
    client.force_login(factories.make_coordinator(cades))
    url = reverse("admin:actors_actor_changelist")

    content = client.get(url, {"adhesion": "suggestions"}).content.decode()
    assert inside.name in content and outside.name not in content
    client.post(
        f"{url}?adhesion=suggestions", {"action": "attach_to_my_pole", ACTION_CHECKBOX_NAME: [inside.pk]}
    )
    inside.refresh_from_db()
    assert inside.pole == cades


# ----------------------------------------------------------------------------------------------- public


def test_the_public_pole_page_lists_the_territorys_communes_and_says_when_it_has_none(client, places):
    cades = factories.PoleFactory(slug="cades")
    cades.epcis.add(places.agglo)
    cades.communes.add(places.allineuc)
    empty = factories.PoleFactory(slug="vide")

    content = client.get(cades.get_absolute_url()).content.decode()
    for name in ("Redon", "Bains-sur-Oust", "Sainte-Marie", "Allineuc"):
        assert name in content
    assert "4 communes" in content
    assert (
        "Le territoire de ce pôle n’a pas encore de commune"
        in client.get(empty.get_absolute_url()).content.decode()
    )


def test_public_map_data_serves_the_stored_outline_without_the_contours_file(client, places, monkeypatch):
    cades = factories.PoleFactory(slug="cades")
    cades.epcis.add(places.agglo)
    poles_outline_refresh(pole_ids=[cades.pk])
    cades.refresh_from_db()
    monkeypatch.setattr(contours, "CONTOURS_GEOJSON", contours.CONTOURS_GEOJSON.with_name("absent.geojson"))

    response = client.get("/api/poles.geojson", {"pole": "cades"})

    assert response.status_code == HTTPStatus.OK
    [feature] = json.loads(response.content)["features"]
    assert feature["geometry"] == cades.outline


# ------------------------------------------------------------------------------------- data migration


@pytest.mark.django_db(transaction=True)
def test_the_migration_replaces_drawn_outlines_by_the_derived_ones():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("poles", "0001_initial")], [("poles", "0002_pole_outline_derived_from_communes")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    epci = old.get_model("poles", "Epci").objects.create(siren="243500741", name="CA Redon", kind="CA")
    Commune = old.get_model("poles", "Commune")
    redon = Commune.objects.create(insee_code="35236", name="Redon", department_code="35", epci=epci)
    Commune.objects.create(insee_code="22001", name="Allineuc", department_code="22")
    OldPole = old.get_model("poles", "Pole")
    cades = OldPole.objects.create(
        name="CADES", slug="cades", territory_name="pays", outline=BOX_OVER_BRITTANY
    )
    cades.epcis.add(epci)
    drawn_only = OldPole.objects.create(
        name="Dessin", slug="dessin", territory_name="x", outline=BOX_OVER_BRITTANY
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    cades, drawn_only = Pole.objects.get(pk=cades.pk), Pole.objects.get(pk=drawn_only.pk)
    assert shape(cades.outline).equals(shape(contours.communes_outline([redon.insee_code])))
    assert not shape(cades.outline).contains(Point(-2.87279, 48.31159))  # Allineuc
    assert drawn_only.outline is None


def test_the_command_derives_the_outlines_again(places):
    from io import StringIO

    from django.core.management import call_command

    cades = factories.PoleFactory(outline=BOX_OVER_BRITTANY)
    cades.communes.add(places.redon)
    out = StringIO()

    call_command("refresh_pole_outlines", stdout=out)

    cades.refresh_from_db()
    assert shape(cades.outline).contains(Point(places.redon.longitude, places.redon.latitude))
    assert "1" in out.getvalue()


def test_a_reference_data_update_moving_a_commune_between_intercommunalities_moves_the_outline(
    tmp_path, django_capture_on_commit_callbacks
):
    import csv

    from poles.services import COMMUNES_CSV, reference_data_load

    reference_data_load()
    cades = factories.PoleFactory()
    cades.epcis.add(Epci.objects.get(siren="243500741"))
    poles_outline_refresh(pole_ids=[cades.pk])
    cades.refresh_from_db()
    allineuc = Point(-2.87279, 48.31159)
    assert not shape(cades.outline).contains(allineuc)

    with open(COMMUNES_CSV, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fieldnames, rows = reader.fieldnames, list(reader)
    for row in rows:
        if row["insee_code"] == "22001":
            row["epci_siren"] = "243500741"  # Allineuc joins the CA Redon Agglomération
    moved = tmp_path / "communes.csv"
    with open(moved, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)

    with django_capture_on_commit_callbacks(execute=True):
        reference_data_load(communes_path=moved)

    cades.refresh_from_db()
    assert shape(cades.outline).contains(allineuc)

"""A pole's territory coverage: its communes shaded by number of published members on a map, the numbers
in a table, the communes and intercommunalities without a member — on the pole's admin page (as its
coordinator, read-only territory included) and on the public page of a constituted pole."""

import base64
from http import HTTPStatus

import pytest
from django.urls import reverse

from core.public_cache import bump_data_version
from poles.coverage import coverage_compute, pole_coverage
from poles.models import Pole
from poles.services_backoffice import pole_territory_set
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pole(places, roles, django_capture_on_commit_callbacks):
    pole = factories.PoleFactory(
        name="CADES", slug="cades", territory_name="pays de Redon", status=Pole.Status.CONSTITUTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        pole_territory_set(pole=pole, epcis=[places.agglo], communes=[])
    # Redon: two published members and a draft; Bains-sur-Oust: one; Sainte-Marie: none.
    factories.ActorFactory(name="A", pole=pole, commune=places.redon)
    factories.ActorFactory(name="B", pole=pole, commune=places.redon)
    factories.ActorFactory(name="Brouillon", pole=pole, commune=places.redon, is_published=False)
    factories.ActorFactory(name="C", pole=pole, commune=places.bains)
    factories.ActorFactory(name="Ailleurs", pole=pole, commune=places.allineuc)
    factories.ActorFactory(name="Autre pôle", commune=places.sainte_marie)
    bump_data_version()
    return pole


def svg_of(coverage) -> str:
    return base64.b64decode(coverage.image.split(",", 1)[1]).decode()


def test_the_coverage_counts_the_published_members_of_each_commune_and_names_those_without(pole):
    coverage = coverage_compute(pole)
    assert [(row.name, row.members) for row in coverage.with_members] == [("Redon", 2), ("Bains-sur-Oust", 1)]
    assert [row.name for row in coverage.without_member] == ["Sainte-Marie"]
    assert coverage.members_in_territory == 3
    assert coverage.members_outside == 1  # Allineuc is outside the territory: not on the map
    assert coverage.epcis_without_member == []
    svg = svg_of(coverage)
    assert svg.count("<path") == 3  # one shape per commune of the territory, outlines simplified
    assert "Redon : 2" in svg and "Sainte-Marie : 0" in svg
    assert len(svg) < 20_000


def test_an_intercommunality_without_any_member_is_listed(pole, places, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pole_territory_set(pole=pole, epcis=[places.agglo], communes=[places.allineuc])
    places.allineuc.epci.name = "Loudéac Communauté Bretagne Centre"
    assert coverage_compute(pole).epcis_without_member == []  # Allineuc has a member now inside
    pole.actors.filter(commune=places.allineuc).delete()
    assert coverage_compute(pole).epcis_without_member == ["Loudéac Communauté Bretagne Centre"]


def test_the_coverage_is_kept_per_data_version_and_follows_a_change(pole, places, django_assert_num_queries):
    first = pole_coverage(pole)
    with django_assert_num_queries(0):
        assert pole_coverage(pole) == first
    factories.ActorFactory(name="D", pole=pole, commune=places.sainte_marie)
    bump_data_version()
    assert [row.name for row in pole_coverage(pole).without_member] == []


def test_the_coordinator_reads_the_territory_and_its_coverage_on_the_poles_admin_page(client, pole):
    coordinator = factories.make_coordinator(pole)
    client.force_login(coordinator)
    response = client.get(reverse("admin:poles_pole_change", args=[pole.pk]))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    # The territory, read-only: the intercommunality and its communes, no selector to change them.
    assert "CA Redon Agglomération" in html and "3 communes" in html
    assert 'name="communes"' not in html and 'name="epcis"' not in html
    assert 'id="id_outline"' in html  # the real outline, on a map that only shows it
    # The coverage: the map (with its text alternative), the table, the communes without a member.
    assert 'alt="Carte des membres par commune' in html
    assert "<caption>Communes avec des membres</caption>" in html
    assert '<th scope="row">Redon</th><td>CA Redon Agglomération</td><td>2</td>' in html
    assert "1 commune sans membre" in html and "Sainte-Marie" in html
    assert "1 membre est hors du territoire" in html
    # The profile stays editable.
    assert 'name="description"' in html


def test_a_coordinator_posting_a_territory_changes_nothing(client, pole, places):
    from tests.poles.helpers import pole_form_data

    client.force_login(factories.make_coordinator(pole))
    data = pole_form_data(pole, description="Nouveau", communes=[places.allineuc.pk], epcis=[])
    response = client.post(reverse("admin:poles_pole_change", args=[pole.pk]), data)
    assert response.status_code == HTTPStatus.FOUND
    pole.refresh_from_db()
    assert pole.description == "Nouveau"
    assert list(pole.epcis.all()) == [places.agglo] and not pole.communes.exists()


def test_a_constituted_poles_public_page_shows_its_coverage_and_an_emerging_ones_does_not(client, pole):
    response = client.get(reverse("poles:detail", args=[pole.slug]))
    html = response.content.decode()
    assert "Couverture du territoire" in html
    assert "Membres sur le territoire : 3" in html
    assert "Communes ayant au moins un membre : 2 sur 3" in html

    Pole.objects.filter(pk=pole.pk).update(status=Pole.Status.EMERGING)
    bump_data_version()
    assert (
        "Couverture du territoire"
        not in client.get(reverse("poles:detail", args=[pole.slug])).content.decode()
    )

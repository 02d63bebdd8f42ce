"""Search finds what people type (sectors, pole, commune, postal code, legal form) and every list is in
French order, identically on SQLite and PostgreSQL (this module runs on both: `make test` and `.ci/run`)."""

import csv
import io
from http import HTTPStatus

import pytest
from django.core.management import call_command

from actors.models import Actor, LegalForm, Sector
from poles.models import Commune, Pole
from tests import factories

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [actor.name for actor in response.context_data["object_list"]]


@pytest.fixture
def places(db):
    redon = factories.CommuneFactory(
        insee_code="35236", name="Redon", postal_codes="35600", department_code="35"
    )
    bains = factories.CommuneFactory(
        insee_code="35013", name="Bains-sur-Oust", postal_codes="35600", department_code="35"
    )
    brest = factories.CommuneFactory(insee_code="29019", name="Brest", postal_codes="29200")
    cades = factories.PoleFactory(name="Pôle ESS du pays de Redon", acronym="CADES", slug="cades")
    adess = factories.PoleFactory(name="ADESS Pays de Brest", acronym="ADESS", slug="adess")
    eco = factories.SectorFactory(name="Éco-construction", slug="eco-construction")
    culture = factories.SectorFactory(name="Culture", slug="culture")
    factories.ActorFactory(name="Charpente de l'Oust", pole=cades, commune=bains, sectors=[eco])
    factories.ActorFactory(
        name="Terre et paille", pole=cades, commune=redon, sectors=[eco], legal_form=LegalForm.SCIC
    )
    factories.ActorFactory(name="Théâtre du Ponant", pole=adess, commune=brest, sectors=[culture])
    factories.ActorFactory(
        name="Éco-construction brestoise",
        pole=adess,
        commune=brest,
        sectors=[culture],
        legal_form=LegalForm.MUTUAL,
    )
    return {"eco": eco, "cades": cades, "brest": brest}


@pytest.mark.parametrize("query", ["eco construction", "ÉCO-CONSTRUCTION", "ecoconstruction"])
def test_search_finds_every_organisation_of_a_sector_name_matches_first(client, places, query):
    found = names(client.get("/acteurs/", {"q": query}))
    # The one whose name matches comes first, then the sector's members in French order.
    assert found == ["Éco-construction brestoise", "Charpente de l'Oust", "Terre et paille"]


def test_search_finds_a_poles_members_by_its_acronym_or_name(client, places):
    assert names(client.get("/acteurs/", {"q": "cades"})) == ["Charpente de l'Oust", "Terre et paille"]
    assert names(client.get("/acteurs/", {"q": "pole ess redon"})) == [
        "Charpente de l'Oust",
        "Terre et paille",
    ]


def test_search_finds_organisations_by_postal_code_and_commune(client, places):
    assert names(client.get("/acteurs/", {"q": "35600"})) == ["Charpente de l'Oust", "Terre et paille"]
    assert names(client.get("/acteurs/", {"q": "bains sur oust"})) == ["Charpente de l'Oust"]


def test_search_finds_organisations_by_legal_form_label(client, places):
    assert names(client.get("/acteurs/", {"q": "mutuelle"})) == ["Éco-construction brestoise"]
    assert names(client.get("/acteurs/", {"q": "SCIC"})) == ["Terre et paille"]


def test_every_word_must_match_somewhere(client, places):
    assert names(client.get("/acteurs/", {"q": "culture brest"})) == [
        "Éco-construction brestoise",
        "Théâtre du Ponant",
    ]
    assert names(client.get("/acteurs/", {"q": "culture redon"})) == []


def test_a_sector_renamed_by_a_bulk_update_is_found_at_once(
    client, places, django_capture_on_commit_callbacks
):
    assert names(client.get("/acteurs/", {"q": "habitat durable"})) == []
    with django_capture_on_commit_callbacks(execute=True):
        Sector.objects.filter(pk=places["eco"].pk).update(name="Habitat durable")
    assert names(client.get("/acteurs/", {"q": "habitat durable"})) == [
        "Charpente de l'Oust",
        "Terre et paille",
    ]


def test_a_pole_renamed_is_found_at_once(client, places, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Pole.objects.filter(pk=places["cades"].pk).update(acronym="CAPES")
    assert names(client.get("/acteurs/", {"q": "capes"})) == ["Charpente de l'Oust", "Terre et paille"]
    assert names(client.get("/acteurs/", {"q": "cades"})) == []


def test_search_is_the_same_in_the_map_data_and_the_csv(client, places):
    geojson = client.get("/api/acteurs.geojson", {"q": "35600"}).json()
    assert sorted(f["properties"]["name"] for f in geojson["features"]) == [
        "Charpente de l'Oust",
        "Terre et paille",
    ]
    rows = list(
        csv.reader(io.StringIO(client.get("/donnees/acteurs.csv", {"q": "35600"}).getvalue().decode()))
    )
    assert [row[0] for row in rows[1:]] == ["Charpente de l'Oust", "Terre et paille"]


FRENCH_ORDER = ["Accueil paysan", "AMAP des Champs", "Éco-habitat", "école Diwan", "Ôcéan", "Zéphyr"]


@pytest.fixture
def unsorted(db):
    pole = factories.PoleFactory(slug="ordre")
    commune = factories.CommuneFactory()
    for name in ["Zéphyr", "école Diwan", "AMAP des Champs", "Ôcéan", "Éco-habitat", "Accueil paysan"]:
        factories.ActorFactory(name=name, pole=pole, commune=commune)
    return pole


def test_directory_is_in_french_order(client, unsorted):
    assert names(client.get("/acteurs/")) == FRENCH_ORDER


def test_open_data_csv_is_in_french_order(client, unsorted):
    rows = list(csv.reader(io.StringIO(client.get("/donnees/acteurs.csv").getvalue().decode())))
    assert [row[0] for row in rows[1:]] == FRENCH_ORDER


def test_pole_page_lists_members_in_french_order(client, unsorted):
    response = client.get(unsorted.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    positions = [page.index(name.replace("'", "&#39;")) for name in FRENCH_ORDER]
    assert positions == sorted(positions)


def test_sector_and_pole_selects_are_in_french_order(client, db):
    for name in ["Zéro déchet", "Éducation populaire", "Agriculture", "épargne solidaire"]:
        factories.SectorFactory(name=name, order=0)
    for name in ["Réso-solidaire", "ADESS", "Écopôle", "Zone"]:
        factories.PoleFactory(name=name)
    form = client.get("/acteurs/").context_data["filter"].form
    sectors = [label for value, label in form.fields["sector"].widget.choices if value]
    poles = [label.split(" (")[0] for value, label in form.fields["pole"].widget.choices if value]
    assert sectors == ["Agriculture", "Éducation populaire", "épargne solidaire", "Zéro déchet"]
    assert poles == ["ADESS", "Écopôle", "Réso-solidaire", "Zone"]


def test_admin_changelist_is_in_french_order(regional_client, unsorted):
    client = regional_client
    response = client.get("/admin/actors/actor/")
    assert [actor.name for actor in response.context_data["cl"].result_list] == FRENCH_ORDER
    clicked = client.get("/admin/actors/actor/", {"o": "-1"})
    assert [actor.name for actor in clicked.context_data["cl"].result_list] == FRENCH_ORDER[::-1]


def test_sort_key_is_kept_by_save_and_by_bulk_writes(unsorted):
    commune = Commune.objects.first()
    created = Actor.objects.bulk_create(
        [Actor(name="Île aux enfants", slug="ile", legal_form=LegalForm.ASSOCIATION, commune=commune)]
    )
    assert Actor.objects.get(slug="ile").sort_name == "ileauxenfants"
    created[0].name = "Œuvre d'Été"
    Actor.objects.bulk_update(created, ["name"])
    assert Actor.objects.get(slug="ile").sort_name == "oeuvredete"
    Actor.objects.filter(slug="ile").update(name="Ãtelier")
    assert Actor.objects.get(slug="ile").sort_name == "atelier"
    actor = Actor.objects.get(slug="ile")
    actor.name = "Bâtiment"
    actor.save(update_fields=["name"])
    assert Actor.objects.get(slug="ile").sort_name == "batiment"


def test_demo_search_finds_what_people_type(db):
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    eco = Sector.objects.get(slug="eco-construction")
    published = Actor.objects.published()
    members = set(published.filter(sectors=eco).values_list("pk", flat=True))
    assert len(members) == 27
    from actors.filters import actor_filter

    assert members <= set(actor_filter({"q": "eco construction"}).qs.values_list("pk", flat=True))
    cades = Pole.objects.get(acronym="CADES")
    assert set(published.filter(pole=cades).values_list("pk", flat=True)) <= set(
        actor_filter({"q": "CADES"}).qs.values_list("pk", flat=True)
    )
    redon = set(published.filter(commune__postal_codes__contains="35600").values_list("pk", flat=True))
    assert redon and redon == set(actor_filter({"q": "35600"}).qs.values_list("pk", flat=True))

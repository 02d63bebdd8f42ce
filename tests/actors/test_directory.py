from http import HTTPStatus

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [actor.name for actor in response.context_data["object_list"]]


def test_directory_lists_published_organisations_sorted_by_name(client, directory):
    response = client.get("/acteurs/")
    assert response.status_code == HTTPStatus.OK
    assert names(response) == [
        "Les Charpentiers du Pays de Redon",
        "Mutuelle Solidaire d'Ille",
        "Ressourcerie du Trégor",
        "Théâtre du Ponant",
    ]
    assert "4 organisations" in response.content.decode()
    assert "Coopérative Cachée" not in response.content.decode()


@pytest.mark.parametrize(
    "query", ["ecoconstruction", "Éco-construction", "eco construction", "ÉCO CONSTRUCTION"]
)
def test_search_ignores_case_accents_and_separators(client, directory, query):
    response = client.get("/acteurs/", {"q": query})
    assert set(names(response)) == {"Les Charpentiers du Pays de Redon", "Mutuelle Solidaire d'Ille"}


def test_search_covers_acronym_commune_and_pole(client, directory):
    assert names(client.get("/acteurs/", {"q": "msi"})) == ["Mutuelle Solidaire d'Ille"]
    # Théâtre du Ponant is in Brest; Ressourcerie du Trégor is a member of "ADESS Pays de Brest".
    assert names(client.get("/acteurs/", {"q": "brest"})) == ["Ressourcerie du Trégor", "Théâtre du Ponant"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"pole": "cades"}, {"Les Charpentiers du Pays de Redon"}),
        ({"sector": "insertion"}, {"Mutuelle Solidaire d'Ille", "Ressourcerie du Trégor"}),
        ({"family": "cooperative"}, {"Les Charpentiers du Pays de Redon"}),
        ({"family": "association"}, {"Théâtre du Ponant", "Ressourcerie du Trégor"}),
        ({"department": "35"}, {"Les Charpentiers du Pays de Redon", "Mutuelle Solidaire d'Ille"}),
        ({"commune": "Rennes"}, {"Mutuelle Solidaire d'Ille"}),
        ({"commune": "29019"}, {"Théâtre du Ponant"}),
        ({"commune": "tregor"}, None),
        (
            {"sector": "eco-construction", "department": "35", "q": "bois"},
            {"Les Charpentiers du Pays de Redon"},
        ),
    ],
)
def test_filters_narrow_the_directory(client, directory, params, expected):
    response = client.get("/acteurs/", params)
    if expected is None:
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert (
            "Aucune commune ne s’appelle" in response.content.decode()
            or "No commune" in response.content.decode()
        )
    else:
        assert response.status_code == HTTPStatus.OK
        assert set(names(response)) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"pole": "inconnu"},
        {"sector": "nope"},
        {"family": "sarl"},
        {"department": "75"},
        {"sort": "price"},
        {"bbox": "a,b,c,d"},
        {"sort": "distance"},
    ],
)
def test_unknown_filter_value_is_a_french_form_error_not_a_500(client, directory, params):
    response = client.get("/acteurs/", params, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    content = response.content.decode()
    assert 'class="errorlist"' in content
    assert "Veuillez corriger la recherche" in content


def test_filters_stay_in_pagination_links(client, db):
    pole = factories.PoleFactory(slug="grand-pole")
    factories.ActorFactory.create_batch(25, pole=pole)
    response = client.get("/acteurs/", {"pole": "grand-pole", "q": "association"})
    content = response.content.decode()
    assert "?pole=grand-pole&amp;q=association&amp;page=2" in content
    second = client.get("/acteurs/", {"pole": "grand-pole", "q": "association", "page": 2})
    assert len(second.context_data["object_list"]) == 5


def test_sort_by_distance_lists_nearest_first_and_unlocated_last(client, directory):
    response = client.get("/acteurs/", {"sort": "distance", "near": "Rennes"})
    assert names(response) == [
        "Mutuelle Solidaire d'Ille",
        "Les Charpentiers du Pays de Redon",
        "Théâtre du Ponant",
        "Ressourcerie du Trégor",
    ]
    content = response.content.decode()
    assert "0 m" in content or "km" in content


def test_empty_state_suggests_widening_the_search(client, directory):
    response = client.get("/acteurs/", {"q": "introuvable", "pole": "cades"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Aucune organisation ne correspond" in content
    assert "/acteurs/?q=introuvable" in content


def test_list_offers_the_map_and_csv_with_the_same_filters(client, directory):
    content = client.get("/acteurs/", {"pole": "cades"}).content.decode()
    assert 'href="/carte/?pole=cades"' in content
    assert 'href="/donnees/acteurs.csv?pole=cades"' in content


def test_organisation_page_shows_public_fields_and_json_ld(client, directory):
    actor = directory.scop_redon
    actor.website = "https://charpentiers.example.org"
    actor.email = "contact@charpentiers.example.org"
    actor.save()
    response = client.get(f"/acteurs/{actor.slug}/")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "<h1>Les Charpentiers du Pays de Redon" in content
    assert "Éco-construction" in content
    assert 'href="/poles/cades/"' in content
    assert "mailto:contact@charpentiers.example.org" in content
    assert '<script type="application/ld+json">' in content
    assert '"@type": "Organization"' in content
    assert "Position approximative : le centre" not in content


def test_json_ld_cannot_be_broken_out_of(client, directory):
    actor = directory.asso_brest
    actor.description = "</script><script>alert(1)</script>"
    actor.save()
    content = client.get(f"/acteurs/{actor.slug}/").content.decode()
    assert "<script>alert(1)" not in content
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in content


def test_organisation_without_own_point_is_labelled_approximate(client, directory):
    response = client.get(f"/acteurs/{directory.asso_brest.slug}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Position approximative : le centre de Brest." in response.content.decode()


def test_unpublished_organisation_is_a_404(client, directory):
    assert client.get(f"/acteurs/{directory.hidden.slug}/").status_code == HTTPStatus.NOT_FOUND


def test_a_filter_error_is_tied_to_its_control(client, directory):
    content = client.get("/acteurs/", {"pole": "inconnu"}).content.decode()
    assert 'aria-describedby="id_pole_error"' in content and 'aria-invalid="true"' in content
    assert 'id="id_pole_error"' in content


@pytest.mark.parametrize("typed", ["Saint-Malo", "saint malo", "SAINT MALO", "35288"])
def test_commune_filter_accepts_any_spelling_of_the_name_or_the_insee_code(client, directory, typed):
    for n in range(60):  # many "Saint-…" communes must not hide the right one
        factories.CommuneFactory(insee_code=f"{22100 + n}", name=f"Saint-Exemple-{n}")
    malo = factories.CommuneFactory(insee_code="35288", name="Saint-Malo", department_code="35")
    factories.ActorFactory(name="Coopérative malouine", commune=malo, pole=directory.redon)
    response = client.get("/acteurs/", {"commune": typed})
    assert response.status_code == HTTPStatus.OK
    assert names(response) == ["Coopérative malouine"]


def test_commune_filter_accepts_names_without_accents(client, directory):
    plerin = factories.CommuneFactory(insee_code="22187", name="Plérin", department_code="22")
    factories.ActorFactory(name="Ressourcerie de Plérin", commune=plerin, pole=directory.brest)
    assert names(client.get("/acteurs/", {"commune": "plerin"})) == ["Ressourcerie de Plérin"]


def test_an_ambiguous_commune_name_asks_for_the_insee_code(client, directory):
    factories.CommuneFactory(insee_code="29150", name="Le Faou", department_code="29")
    factories.CommuneFactory(insee_code="56999", name="Le Faou", department_code="56")
    response = client.get("/acteurs/", {"commune": "le faou"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "saisissez plutôt le code INSEE" in response.content.decode()

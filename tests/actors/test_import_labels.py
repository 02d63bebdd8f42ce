"""The CSV import accepts every label the site itself shows: the legal forms as displayed in French and
in English, their codes, in any case and with or without accents; the sectors by name or slug. An
unknown value is refused with a French message listing what is accepted, and nothing is written."""

import pytest
from django.utils import translation

from actors.models import Actor, LegalForm
from actors.services import imports
from tests import factories

HEADER = "Nom;Forme juridique;Secteurs;Code INSEE\n"


@pytest.fixture
def redon(db):
    return factories.CommuneFactory(insee_code="35236", name="Redon", postal_codes="35600")


@pytest.fixture
def sectors(db):
    return [
        factories.SectorFactory(name="Éco-construction", slug="eco-construction", order=1),
        factories.SectorFactory(name="Éducation populaire", slug="education-populaire", order=2),
    ]


def run(pole, user, rows: list[tuple[str, str, str]]):
    text = HEADER + "".join(f"{name};{legal};{sectors};35236\n" for name, legal, sectors in rows)
    return imports.actors_import(pole=pole, file=text.encode(), user=user, dry_run=False)


def displayed_labels(language: str) -> list[tuple[str, str]]:
    with translation.override(language):
        return [(code, str(label)) for code, label in LegalForm.choices]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_legal_form_as_the_site_displays_it_is_imported(pole_a, coordinator, redon, language):
    labels = displayed_labels(language)
    report = run(pole_a, coordinator, [(f"Org {i}", label, "") for i, (_code, label) in enumerate(labels)])
    assert report.written, [row.errors for row in report.rows]
    imported = dict(Actor.objects.values_list("name", "legal_form"))
    assert imported == {f"Org {i}": code for i, (code, _label) in enumerate(labels)}


def test_french_labels_are_the_ones_shown_on_the_site():
    # The labels of the test above really are the French ones (a catalogue mistake would hide here).
    assert ("association", "Association (loi 1901)") in displayed_labels("fr")
    assert ("scop", "SCOP (société coopérative et participative)") in displayed_labels("fr")
    assert ("scop", "SCOP (workers' cooperative)") in displayed_labels("en")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ASSOCIATION (LOI 1901)", "association"),
        ("association loi 1901", "association"),
        ("Association", "association"),
        ("SCIC", "scic"),
        ("scic (societe cooperative d'interet collectif)", "scic"),  # no accents, straight apostrophe
        ("SCIC (Société coopérative d’intérêt collectif)", "scic"),
        ("Société commerciale de l’ESS", "commercial_ess"),
        ("commercial_ess", "commercial_ess"),
        ("  Entreprise agréée ESUS ", "esus"),
        ("Mutual", "mutual"),
        ("AUTRE COOPÉRATIVE", "cooperative"),
    ],
)
def test_legal_forms_in_any_case_and_accents(pole_a, coordinator, redon, typed, code):
    report = run(pole_a, coordinator, [("Les Castors", typed, "")])
    assert report.written, [row.errors for row in report.rows]
    assert Actor.objects.get().legal_form == code


def test_sectors_by_name_in_any_case_or_by_slug(pole_a, coordinator, redon, sectors):
    eco, education = sectors
    report = run(
        pole_a,
        coordinator,
        [
            ("Un", "", "ÉCO-CONSTRUCTION, education populaire"),
            ("Deux", "", "eco-construction|education-populaire"),
            ("Trois", "", "Eco construction"),
        ],
    )
    assert report.written, [row.errors for row in report.rows]
    assert set(Actor.objects.get(name="Un").sectors.all()) == {eco, education}
    assert set(Actor.objects.get(name="Deux").sectors.all()) == {eco, education}
    assert list(Actor.objects.get(name="Trois").sectors.all()) == [eco]


def test_unknown_legal_form_lists_the_accepted_labels_and_codes_in_french(pole_a, coordinator, redon):
    with translation.override("fr"):
        report = run(pole_a, coordinator, [("Les Castors", "SARL", "")])
    assert not report.written and not Actor.objects.exists()
    [row] = report.error_rows
    [error] = row.errors
    assert error.startswith(
        "Forme juridique inconnue : « SARL ». Valeurs acceptées : Association (loi 1901), "
    )
    for _code, label in displayed_labels("fr"):
        assert label in error
    assert "ou leurs codes : association, scop, scic" in error


def test_unknown_sector_lists_the_sectors_in_french(pole_a, coordinator, redon, sectors):
    with translation.override("fr"):
        report = run(pole_a, coordinator, [("Les Castors", "", "Astronautique")])
    assert not report.written and not Actor.objects.exists()
    [row] = report.error_rows
    assert row.errors == [
        "Secteur inconnu : « Astronautique ». Secteurs acceptés : Éco-construction, Éducation populaire."
    ]


def test_unknown_sector_when_no_sector_exists(pole_a, coordinator, redon):
    with translation.override("fr"):
        report = run(pole_a, coordinator, [("Les Castors", "", "Culture")])
    [row] = report.error_rows
    assert row.errors == ["Secteur inconnu : « Culture » : aucun secteur n’est encore défini."]

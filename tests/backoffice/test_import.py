"""CSV import of a pole's organisations: preview, all-or-nothing writes, French reasons per line, the
encodings and separators spreadsheets produce in France, refused files, everything the database would
refuse caught by the preview, and rows that stay inside the importer's pole and territory.

The pages and the worker that run these checks are tested in ``test_import_jobs.py``."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from actors import services
from actors.models import Actor
from actors.validators import luhn_ok
from tests import factories


def siret(prefix: str) -> str:
    """A valid SIRET starting with ``prefix`` (13 digits), completed with its Luhn check digit."""
    return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))


HEADER = "name;acronym;legal_form;sectors;siret;address;insee_code;postal_code;commune;latitude;longitude;website;email\n"


@pytest.fixture
def redon(db):
    return factories.CommuneFactory(insee_code="35236", name="Redon", postal_codes="35600", latitude=47.65)


@pytest.fixture
def vannes(db):
    return factories.CommuneFactory(insee_code="56260", name="Vannes", postal_codes="56000")


@pytest.fixture
def sector(db):
    return factories.SectorFactory(name="Éco-construction", slug="eco-construction")


def run(pole, user, text, *, dry_run=False, encoding="utf-8"):
    return services.actors_import(pole=pole, file=text.encode(encoding), user=user, dry_run=dry_run)


def test_valid_file_creates_every_row(pole_a, coordinator, redon, vannes, sector):
    text = HEADER + (
        f"Les Castors;CAST;scic;Éco-construction;{siret('7328293200007')};2 rue du Port;35236;;;47.651;-2.084;castors.example.org;contact@castors.example.org\n"
        "Repas Bio;;association;;;;;56000;Vannes;;;;\n"
    )
    report = run(pole_a, coordinator, text)
    assert report.ok and report.written
    assert (report.created, report.updated) == (2, 0)
    castors = Actor.objects.get(name="Les Castors")
    assert castors.pole == pole_a
    assert castors.legal_form == "scic"
    assert (castors.latitude, castors.longitude) == (47.651, -2.084)
    assert castors.website == "https://castors.example.org"
    assert list(castors.sectors.all()) == [sector]
    repas = Actor.objects.get(name="Repas Bio")
    assert repas.commune == vannes
    assert repas.latitude is None  # the map uses the commune's point


def test_dry_run_writes_nothing(pole_a, coordinator, redon):
    report = run(pole_a, coordinator, HEADER + "Les Castors;;;;;;35236;;;;;;\n", dry_run=True)
    assert report.ok and not report.written
    assert report.created == 1
    assert not Actor.objects.exists()


def test_known_organisation_is_updated(pole_a, coordinator, redon):
    existing = factories.ActorFactory(pole=pole_a, name="Les Castors", commune=redon, email="")
    report = run(pole_a, coordinator, HEADER + "les castors;;;;;;35236;;;;;;nouveau@example.org\n")
    assert report.written and report.updated == 1
    existing.refresh_from_db()
    assert existing.email == "nouveau@example.org"
    assert Actor.objects.count() == 1


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Mauvais SIRET;;;;12345678901234;;35236;;;;;;", "wrong checksum"),
        ("Commune inconnue;;;;;;99999;;;;;;", "Unknown commune “99999”"),
        ("Sans commune;;;;;;;;;;;;", "The commune is missing"),
        (";;;;;;35236;;;;;;", "The name is missing"),
        ("Forme bizarre;;sarl;;;;35236;;;;;;", "Unknown legal form"),
        ("Mauvaise position;;;;;;35236;;;abc;-2;;", "Latitude and longitude"),
        ("Secteur inconnu;;;Astronautique;;;35236;;;;;;", "Unknown sector"),
    ],
)
def test_each_bad_row_is_reported_with_its_line_and_nothing_is_written(
    pole_a, coordinator, redon, line, reason
):
    text = HEADER + "Une bonne ligne;;;;;;35236;;;;;;\n" + line + "\n"
    with translation.override("en"):
        report = run(pole_a, coordinator, text)
    assert not report.written
    [bad] = report.error_rows
    assert bad.line == 3
    assert any(reason in error for error in bad.errors), bad.errors
    assert not Actor.objects.exists()


def test_duplicate_rows_in_the_file_are_reported(pole_a, coordinator, redon):
    number = siret("7328293200007")
    text = HEADER + f"Un;;;;{number};;35236;;;;;;\nDeux;;;;{number};;35236;;;;;;\nUn;;;;;;35236;;;;;;\n"
    report = run(pole_a, coordinator, text)
    assert [row.line for row in report.error_rows] == [3, 4]
    assert not Actor.objects.exists()


def test_organisation_of_another_pole_is_not_touched(pole_a, pole_b, coordinator, redon):
    theirs = factories.ActorFactory(pole=pole_b, name="Voisine", commune=redon)
    report = run(pole_a, coordinator, HEADER + "Voisine;;;;;;35236;;;;;;autre@example.org\n")
    assert not report.written
    assert report.error_rows
    theirs.refresh_from_db()
    assert theirs.pole == pole_b and theirs.email != "autre@example.org"


def test_windows_1252_file_with_semicolons_and_french_titles(pole_a, coordinator, redon, sector):
    text = (
        "Nom;Forme juridique;Secteurs;Code postal;Commune;Courriel\r\n"
        "Épicerie Solidaire;Association;Éco-construction;35600;Redon;contact@epicerie.example.org\r\n"
    )
    report = run(pole_a, coordinator, text, encoding="cp1252")
    assert report.written, (report.file_errors, [r.errors for r in report.rows])
    actor = Actor.objects.get()
    assert actor.name == "Épicerie Solidaire"
    assert actor.commune == redon


def test_utf8_with_bom_and_commas(pole_a, coordinator, redon):
    text = '\ufeffname,insee_code,latitude,longitude\nCoop du Port,35236,"47,65","-2,08"\n'
    report = run(pole_a, coordinator, text)
    assert report.written
    assert Actor.objects.get().latitude == 47.65


def test_export_can_be_imported_back(pole_a, coordinator, redon, sector):
    factories.ActorFactory(pole=pole_a, name="Aller-retour", commune=redon, sectors=[sector])
    rows = list(services.actors_export_rows(Actor.objects.all()))
    text = ";".join(services.EXPORT_COLUMNS) + "\n" + "\n".join(";".join(map(str, r)) for r in rows) + "\n"
    report = run(pole_a, coordinator, text, dry_run=True)
    assert report.ok and report.updated == 1


def test_binary_file_is_refused(pole_a, coordinator):
    report = services.actors_import(
        pole=pole_a, file=b"\x89PNG\r\n\x1a\n\x00\x00", user=coordinator, dry_run=True
    )
    assert report.file_errors
    assert "CSV" in report.file_errors[0]


def test_oversized_file_is_refused(pole_a, coordinator):
    data = b"name\n" + b"x" * (services.IMPORT_MAX_BYTES + 1)
    report = services.actors_import(pole=pole_a, file=data, user=coordinator, dry_run=True)
    assert report.file_errors
    assert not Actor.objects.exists()


def test_coordinator_cannot_import_into_another_pole(pole_b, coordinator, redon):
    report = run(pole_b, coordinator, HEADER + "Intruse;;;;;;35236;;;;;;\n")
    assert report.file_errors
    assert not Actor.objects.exists()


def test_update_without_a_published_value_keeps_the_publication(pole_a, coordinator, redon):
    hidden = factories.ActorFactory(pole=pole_a, name="Discrète", commune=redon, is_published=False)
    report = run(pole_a, coordinator, "name;insee_code;is_published\nDiscrète;35236;\nNouvelle;35236;\n")
    assert report.written
    hidden.refresh_from_db()
    assert not hidden.is_published
    assert Actor.objects.get(name="Nouvelle").is_published


def test_update_without_coordinates_keeps_the_precise_point(pole_a, coordinator, redon):
    placed = factories.ActorFactory(pole=pole_a, name="Placée", commune=redon, latitude=47.6, longitude=-2.1)
    assert run(pole_a, coordinator, "name;insee_code\nPlacée;35236\n").written
    placed.refresh_from_db()
    assert (placed.latitude, placed.longitude) == (47.6, -2.1)


# ------------------------------------------------------- what the database would refuse, caught by the preview


def too_long(field_name: str) -> int:
    """One character more than the column holds (the model's own limit)."""
    return Actor._meta.get_field(field_name).max_length + 1


#: Every column of the import file with a value the database or the model refuses, and a part of the
#: reason the preview gives (in French, the site's language).
REFUSED = {
    "name": ("N" * too_long("name"), "Nom : Assurez-vous que cette valeur comporte au plus 200 caractères"),
    "acronym": ("S" * too_long("acronym"), "Sigle : Assurez-vous"),
    "legal_form": ("SARL", "Forme juridique inconnue : « SARL »"),
    "sectors": ("Astronautique", "Secteur inconnu : « Astronautique »"),
    "siret": ("1" * 15, "SIRET : Un numéro SIRET compte exactement 14 chiffres"),
    "address": ("A" * too_long("address"), "Adresse : Assurez-vous"),
    "insee_code": ("99999", "Commune inconnue : « 99999 »"),
    "postal_code": ("99999", "Commune inconnue : « 99999 Redon »"),
    "commune": ("Atlantide", "Commune inconnue : « Atlantide »"),
    "latitude": ("95", "Latitude : Assurez-vous que cette valeur est inférieure ou égale à 90"),
    "longitude": ("-200", "Longitude : Assurez-vous que cette valeur est supérieure ou égale à -180"),
    # A well-formed address of 270 characters (the preview used to accept it, then the import failed).
    "website": ("https://castors.example.org/" + "p" * 242, "Site web : Assurez-vous"),
    "email": ("contact@" + ".".join(["e" * 60] * 4) + ".org", "E-mail : Assurez-vous"),
    "phone": ("0" * too_long("phone"), "Téléphone : Assurez-vous"),
    "description": ("Texte avec un octet nul \x00", "Ce n’est pas un fichier CSV"),
    "member_since": ("31/02/2020", "Date d’adhésion invalide : « 31/02/2020 »"),
    "is_published": ("peut-être", "« Publié » doit valoir oui ou non"),
}


def valid_row(**cells) -> dict:
    return {
        **dict.fromkeys(services.EXPORT_COLUMNS, ""),
        "name": "Les Castors",
        "legal_form": "scic",
        "sectors": "Éco-construction",
        "siret": siret("7328293200007"),
        "address": "2 rue du Port",
        "insee_code": "35236",
        "latitude": "47.65",
        "longitude": "-2.08",
        "website": "castors.example.org",
        "email": "contact@castors.example.org",
        "phone": "02 99 00 00 00",
        "description": "Chantiers participatifs.",
        "member_since": "01/01/2020",
        "is_published": "oui",
        **cells,
    }


def csv_text(*rows: dict) -> str:
    lines = [";".join(services.EXPORT_COLUMNS)]
    lines += [";".join(row[column] for column in services.EXPORT_COLUMNS) for row in rows]
    return "\n".join(lines) + "\n"


def test_every_column_of_the_import_file_has_a_refused_value_below():
    assert set(REFUSED) == set(services.EXPORT_COLUMNS)


@pytest.mark.parametrize("column", services.EXPORT_COLUMNS)
def test_the_preview_refuses_every_value_the_database_would_refuse_and_confirming_writes_nothing(
    pole_a, coordinator, redon, sector, column
):
    value, reason = REFUSED[column]
    bad = valid_row(**{"name": "Repas Bio", "siret": siret("4420132700001"), column: value})
    if column == "postal_code":
        bad.update(insee_code="", commune="Redon")
    if column == "commune":
        bad.update(insee_code="")
    text = csv_text(valid_row(), bad)

    preview = run(pole_a, coordinator, text, dry_run=True)

    reasons = preview.file_errors + [error for row in preview.error_rows for error in row.errors]
    assert not preview.ok
    assert any(reason in error for error in reasons), reasons
    if not preview.file_errors:
        assert [row.line for row in preview.error_rows] == [3]
    report = run(pole_a, coordinator, text)  # what confirming runs: never a DataError, nothing written
    assert not report.written
    assert not Actor.objects.exists()


def test_a_file_whose_every_value_fits_is_written_whole(pole_a, coordinator, redon, sector):
    longest = valid_row(
        name="N" * 200,
        acronym="S" * 50,
        address="A" * 255,
        phone="0" * 30,
        website="https://castors.example.org/" + "p" * 172,
        latitude="90",
        longitude="-180",
    )
    report = run(pole_a, coordinator, csv_text(longest))
    assert report.written, [row.errors for row in report.rows]
    actor = Actor.objects.get()
    assert (len(actor.name), len(actor.acronym), len(actor.address), len(actor.website)) == (
        200,
        50,
        255,
        200,
    )


# ---------------------------------------------------------- an import stays inside the importer's pole


@pytest.fixture
def lanester(db):
    """A commune outside pole A's territory."""
    return factories.CommuneFactory(insee_code="56094", name="Lanester", postal_codes="56600")


@pytest.fixture
def territory(pole_a, redon):
    """Pole A's territory: Redon."""
    pole_a.communes.add(redon)
    return pole_a


def test_an_organisation_without_a_pole_in_the_territory_is_adopted_and_updated(
    territory, coordinator, redon
):
    orphan = factories.ActorFactory(pole=None, name="Sans Pôle", commune=redon, email="")
    text = HEADER + "Sans Pôle;;;;;;35236;;;;;;contact@sanspole.example.org\n"

    preview = run(territory, coordinator, text, dry_run=True)
    assert [row.action for row in preview.rows] == ["adopt"]
    report = run(territory, coordinator, text)

    assert report.written and report.updated == 1
    orphan.refresh_from_db()
    assert orphan.pole == territory and orphan.email == "contact@sanspole.example.org"


@pytest.mark.parametrize("match", ["siret", "name"])
def test_an_organisation_without_a_pole_outside_the_territory_is_not_taken_over(
    territory, coordinator, lanester, match
):
    number = siret("7328293200007")
    orphan = factories.ActorFactory(pole=None, name="Ar Vro", commune=lanester, siret=number)
    line = f"Nouveau nom;;;;{number};;56094;;;;;;" if match == "siret" else "Ar Vro;;;;;;56094;;;;;;"

    report = run(territory, coordinator, HEADER + line + "\n")

    assert not report.written
    assert report.error_rows[0].errors == [str(services.IMPORT_CONFLICT)]
    orphan.refresh_from_db()
    assert (orphan.pole, orphan.name) == (None, "Ar Vro")


def test_a_pending_proposal_is_never_imported_over_nor_published(territory, pole_b, coordinator, redon):
    ours = factories.ActorFactory(
        pole=territory, name="Proposée Ici", commune=redon, is_published=False, review_status="pending"
    )
    orphan = factories.ActorFactory(
        pole=None, name="Proposée Sans Pôle", commune=redon, is_published=False, review_status="pending"
    )
    text = "name;insee_code;is_published\nProposée Ici;35236;oui\nProposée Sans Pôle;35236;oui\n"

    report = run(territory, coordinator, text)

    assert not report.written
    first, second = report.rows
    assert first.errors == [str(services.IMPORT_PENDING_PROPOSAL)]
    assert second.errors == [str(services.IMPORT_CONFLICT)]
    for proposal in (ours, orphan):
        proposal.refresh_from_db()
        assert (proposal.is_published, proposal.review_status) == (False, "pending")
    assert orphan.pole is None


def test_a_siret_of_another_pole_gets_the_one_conflict_message_and_stays_unique(
    territory, pole_b, coordinator, redon, lanester
):
    theirs, orphan = siret("7328293200007"), siret("4420132700001")
    factories.ActorFactory(pole=pole_b, name="La Voisine Secrète", commune=lanester, siret=theirs)
    factories.ActorFactory(pole=None, name="Ar Vro", commune=lanester, siret=orphan)
    text = HEADER + f"Une;;;;{theirs};;35236;;;;;;\nDeux;;;;{orphan};;35236;;;;;;\n"

    report = run(territory, coordinator, text)

    assert not report.written
    messages = [row.errors for row in report.rows]
    assert messages == [[str(services.IMPORT_CONFLICT)]] * 2  # the same words: nothing tells them apart
    shown = " ".join(error for errors in messages for error in errors)
    for secret in (pole_b.name, pole_b.acronym, "Voisine", "Lanester"):
        assert secret not in shown
    assert Actor.objects.filter(siret=theirs).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the database constraint still holds
        factories.ActorFactory(pole=territory, commune=redon, siret=theirs)


def test_an_organisation_adopted_by_another_pole_after_the_check_makes_the_import_write_nothing(
    territory, pole_b, coordinator, redon
):
    orphan = factories.ActorFactory(pole=None, name="Sans Pôle", commune=redon)
    report = services.actors_import_check(
        pole=territory,
        file=(HEADER + "Sans Pôle;;;;;;35236;;;;;;\nNouvelle;;;;;;35236;;;;;;\n").encode(),
        user=coordinator,
    )
    assert report.ok
    Actor.objects.filter(pk=orphan.pk).update(pole=pole_b)

    services.actors_import_write(report=report)

    assert not report.written and report.file_errors == [str(services.IMPORT_CHANGED)]
    assert Actor.objects.get(pk=orphan.pk).pole == pole_b
    assert not Actor.objects.filter(name="Nouvelle").exists()


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    column=st.sampled_from(services.EXPORT_COLUMNS),
    value=st.one_of(
        st.text(max_size=300),
        st.integers(min_value=0, max_value=400).map(lambda n: "é" * n),
        st.sampled_from(["nan", "inf", "-0", "1e400", "00/00/0000", "9999-12-31", "0001-01-01", "x://y"]),
    ),
)
def test_whatever_a_cell_holds_the_preview_refuses_it_or_the_import_writes_it(
    pole_a, coordinator, redon, sector, column, value
):
    text = csv_text(valid_row(**{column: value.replace(";", ",").replace("\n", " ").replace("\r", " ")}))
    try:
        with transaction.atomic():
            preview = run(pole_a, coordinator, text, dry_run=True)
            report = run(pole_a, coordinator, text)  # must never raise (a DataError was a 500)
            assert report.written == preview.ok, (preview.file_errors, [r.errors for r in preview.rows])
            raise _RollBack
    except _RollBack:
        pass


class _RollBack(Exception):
    """Undo one example's writes (the test's own transaction spans every example)."""


@pytest.mark.parametrize("value", ["nan", "NAN", "inf", "-Infinity"])
def test_a_coordinate_that_is_not_a_number_is_refused_in_the_preview(
    pole_a, coordinator, redon, sector, value
):
    preview = run(pole_a, coordinator, csv_text(valid_row(latitude=value, longitude="-2.08")), dry_run=True)
    assert not preview.ok
    assert "degrés décimaux" in " ".join(preview.rows[0].errors)

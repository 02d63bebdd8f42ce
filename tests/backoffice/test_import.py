"""CSV import of a pole's organisations: preview, all-or-nothing writes, French reasons per line, the
encodings and separators spreadsheets produce in France, and refused files."""

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

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


# ------------------------------------------------------------------------------------- the admin pages


def upload(client, pole, content: bytes, name="membres.csv"):
    return client.post(
        reverse("admin:actors_actor_import"),
        {"pole": pole.pk, "file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_admin_import_previews_then_confirms_without_reupload(coordinator_client, pole_a, redon):
    text = HEADER + "Les Castors;;;;;;35236;;;;;;\nRepas Bio;;;;;;35236;;;;;;\n"
    preview = upload(coordinator_client, pole_a, text.encode())
    assert preview.status_code == HTTPStatus.OK
    content = preview.content.decode()
    assert "Les Castors" in content and "Repas Bio" in content
    assert not Actor.objects.exists()

    confirm = coordinator_client.post(reverse("admin:actors_actor_import"), {"confirm": "1"})
    assert confirm.status_code == HTTPStatus.FOUND
    assert set(Actor.objects.values_list("name", flat=True)) == {"Les Castors", "Repas Bio"}


def test_admin_import_preview_lists_errors_and_offers_no_confirmation(coordinator_client, pole_a, redon):
    text = HEADER + "Bonne;;;;;;35236;;;;;;\nMauvaise;;;;;;00000;;;;;;\n"
    preview = upload(coordinator_client, pole_a, text.encode())
    content = preview.content.decode()
    assert "00000" in content
    assert 'name="confirm"' not in content
    confirm = coordinator_client.post(reverse("admin:actors_actor_import"), {"confirm": "1"})
    assert not Actor.objects.exists()
    assert confirm.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)


def test_admin_import_refuses_a_non_csv_upload_with_a_clear_message(coordinator_client, pole_a):
    response = upload(coordinator_client, pole_a, b"%PDF-1.4 binary", name="membres.pdf")
    assert response.status_code == HTTPStatus.OK
    assert "CSV" in response.content.decode()
    assert not Actor.objects.exists()


def test_admin_import_refuses_an_oversized_upload(coordinator_client, pole_a):
    response = upload(coordinator_client, pole_a, b"name\n" + b"x" * (services.IMPORT_MAX_BYTES + 10))
    assert response.status_code == HTTPStatus.OK
    assert "2" in response.context["form"].errors["file"][0]
    assert not Actor.objects.exists()


def test_admin_import_offers_only_the_coordinators_poles(coordinator_client, pole_a, pole_b, redon):
    page = coordinator_client.get(reverse("admin:actors_actor_import")).content.decode()
    assert pole_a.name in page and pole_b.name not in page
    response = upload(coordinator_client, pole_b, (HEADER + "Intruse;;;;;;35236;;;;;;\n").encode())
    assert "pole" in response.context["form"].errors
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

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from actors.models import Sector
from actors.services.reference import SECTORS, reference_data_load
from poles.models import Commune, Epci
from poles.services import COMMUNES_CSV, EPCIS_CSV, ReferenceDataError

pytestmark = pytest.mark.django_db


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def write_rows(path, fieldnames, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return path


def communes_file(tmp_path, change=None, name="communes.csv"):
    """A copy of the shipped communes file, with ``change(rows)`` applied."""
    fieldnames, rows = read_rows(COMMUNES_CSV)
    if change:
        change(rows)
    return write_rows(tmp_path / name, fieldnames, rows)


def load(**options):
    out = StringIO()
    call_command("load_reference_data", stdout=out, **options)
    return out.getvalue()


def counts():
    return Epci.objects.count(), Commune.objects.count(), Sector.objects.count()


def test_loading_the_shipped_files_gives_every_commune_and_epci_of_brittany():
    output = load()

    assert Commune.objects.count() == 1222
    assert Epci.objects.count() == 61
    assert Sector.objects.count() == len(SECTORS)
    assert "1222 communes (1222 créées" in output
    rennes = Commune.objects.select_related("epci").get(insee_code="35238")
    assert (rennes.name, rennes.department_code, rennes.epci.name) == ("Rennes", "35", "Rennes Métropole")
    assert (rennes.latitude, rennes.longitude) == (48.11198, -1.67429)
    assert Commune.objects.get(insee_code="29019").postal_code_list == ["29200"]
    brehat = Commune.objects.get(insee_code="22016")
    assert brehat.epci is None and not brehat.has_position
    assert Commune.objects.filter(department_code="44").count() == 20
    assert Epci.objects.get(siren="243500139").kind == Epci.Kind.METRO


def test_loading_again_creates_nothing_and_changes_nothing(django_assert_max_num_queries):
    load()
    before = dict(Commune.objects.values_list("insee_code", "pk"))
    for _run in range(2):
        with django_assert_max_num_queries(8):
            report = reference_data_load()
        assert not report.changed
        assert (report.communes_created, report.communes_updated, report.epcis_created) == (0, 0, 0)
    assert counts() == (61, 1222, len(SECTORS))
    assert dict(Commune.objects.values_list("insee_code", "pk")) == before
    assert "à jour" in load()


def test_a_changed_row_is_updated_in_place(tmp_path):
    load()

    def rename_rennes(rows):
        row = next(r for r in rows if r["insee_code"] == "35238")
        row["population"] = "231000"

    report = reference_data_load(communes_path=communes_file(tmp_path, rename_rennes), epcis_path=EPCIS_CSV)

    assert (report.communes_created, report.communes_updated) == (0, 1)
    assert Commune.objects.get(insee_code="35238").population == 231000
    assert Commune.objects.count() == 1222


def test_sectors_edited_by_the_regional_team_are_kept():
    load()
    Sector.objects.filter(slug="culture").update(name="Culture et patrimoine")
    load()
    assert Sector.objects.get(slug="culture").name == "Culture et patrimoine"
    assert Sector.objects.count() == len(SECTORS)


def _set(code, /, **values):
    def change(rows):
        next(r for r in rows if r["insee_code"] == code).update(values)

    return change


def _line_of(insee_code):
    _fieldnames, rows = read_rows(COMMUNES_CSV)
    return 2 + next(i for i, r in enumerate(rows) if r["insee_code"] == insee_code)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_set("35238", insee_code="3523"), "code INSEE « 3523 » invalide"),
        (_set("35238", epci_siren="200000008"), "SIREN d’EPCI « 200000008 » inconnu"),
        (_set("35238", population="beaucoup"), "population « beaucoup » n’est pas un nombre entier"),
        (_set("35238", latitude="95.1"), "latitude 95.1 est hors limites"),
        (_set("35238", longitude="ouest"), "longitude « ouest » n’est pas un nombre"),
        (_set("35238", longitude=""), "la latitude et la longitude vont ensemble"),
        (_set("35238", name=""), "le nom manque"),
        (_set("35238", postal_codes="35OOO"), "code postal « 35OOO » invalide"),
        (_set("35238", insee_code="35236"), "« 35236 » figure déjà ligne"),
    ],
    ids=[
        "insee",
        "epci",
        "population",
        "latitude",
        "non-numeric",
        "half-position",
        "name",
        "postal",
        "duplicate",
    ],
)
def test_a_communes_file_with_a_bad_row_is_refused_with_its_line_and_nothing_is_loaded(
    tmp_path, change, reason
):
    path = communes_file(tmp_path, change)

    with pytest.raises(CommandError) as caught:
        load(communes=str(path))

    message = str(caught.value)
    assert f"communes.csv, ligne {_line_of('35238')} : " in message
    assert reason in message
    assert "rien n’a été chargé" in message
    assert caught.value.returncode != 0
    assert counts() == (0, 0, 0)


def test_every_bad_row_is_reported_at_once(tmp_path):
    path = communes_file(
        tmp_path, lambda rows: [_set(code, population="?")(rows) for code in ("22001", "56260")]
    )

    with pytest.raises(ReferenceDataError) as caught:
        reference_data_load(communes_path=path, epcis_path=EPCIS_CSV)

    assert [error.line for error in caught.value.errors] == [_line_of("22001"), _line_of("56260")]
    assert "2 erreurs" in str(caught.value)


def test_a_refused_file_leaves_the_loaded_data_untouched(tmp_path):
    load()

    def rename_and_break(rows):
        _set("35238", name="Roazhon")(rows)
        _set("29019", latitude="-91")(rows)

    with pytest.raises(CommandError):
        load(communes=str(communes_file(tmp_path, rename_and_break)))

    assert Commune.objects.get(insee_code="35238").name == "Rennes"
    assert counts() == (61, 1222, len(SECTORS))


def test_an_epcis_file_with_a_bad_row_is_refused(tmp_path):
    fieldnames, rows = read_rows(EPCIS_CSV)
    rows[4]["kind"] = "SYNDICAT"
    rows[9]["siren"] = "242900836"
    path = write_rows(tmp_path / "epci.csv", fieldnames, rows)

    with pytest.raises(CommandError) as caught:
        load(epcis=str(path))

    message = str(caught.value)
    assert "epci.csv, ligne 6 : type « SYNDICAT » inconnu" in message
    assert "epci.csv, ligne 11 : SIREN « 242900836 » invalide (clé de contrôle fausse)" in message
    assert counts() == (0, 0, 0)


def test_a_file_without_the_expected_columns_is_refused(tmp_path):
    path = tmp_path / "communes.csv"
    path.write_text("code,nom\n35238,Rennes\n", encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        load(communes=str(path))

    assert "communes.csv, ligne 1 : colonnes manquantes : insee_code, name" in str(caught.value)
    assert counts() == (0, 0, 0)


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError) as caught:
        load(communes=str(tmp_path / "absent.csv"))

    assert "fichier introuvable" in str(caught.value)
    assert counts() == (0, 0, 0)


def _long_postal_codes():
    codes = " ".join(f"{29000 + n:05d}" for n in range(30))  # 30 codes: 179 characters
    assert len(codes) == 179
    return codes


@pytest.mark.parametrize(
    ("values", "column"),
    [
        ({"name": "R" * 300}, "colonne « name » : "),
        ({"postal_codes": _long_postal_codes()}, "colonne « postal_codes » : "),
    ],
    ids=["name", "postal-codes"],
)
def test_an_over_long_value_is_refused_on_update_with_its_line_and_nothing_changes(tmp_path, values, column):
    load()
    before = Commune.objects.values_list("name", "postal_codes").get(insee_code="35238")

    with pytest.raises(CommandError) as caught:
        load(communes=str(communes_file(tmp_path, _set("35238", **values))))

    message = str(caught.value)
    assert caught.value.returncode == 2
    assert f"communes.csv, ligne {_line_of('35238')} : " in message
    assert column in message
    assert "au plus" in message
    assert Commune.objects.values_list("name", "postal_codes").get(insee_code="35238") == before


def test_an_over_long_value_in_a_new_row_is_refused_before_anything_is_written(tmp_path):
    path = communes_file(tmp_path, _set("35238", name="R" * 201))

    with pytest.raises(CommandError) as caught:
        load(communes=str(path))

    assert f"communes.csv, ligne {_line_of('35238')} : " in str(caught.value)
    assert caught.value.returncode == 2
    assert counts() == (0, 0, 0)


def test_an_over_long_epci_name_is_refused(tmp_path):
    fieldnames, rows = read_rows(EPCIS_CSV)
    rows[2]["name"] = "Communauté " * 30
    path = write_rows(tmp_path / "epci.csv", fieldnames, rows)

    with pytest.raises(CommandError) as caught:
        load(epcis=str(path))

    assert "epci.csv, ligne 4 : " in str(caught.value)
    assert "au plus 200 caractères" in str(caught.value)
    assert counts() == (0, 0, 0)

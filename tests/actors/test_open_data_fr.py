"""The CSV for French spreadsheets and the data dictionary of /donnees/, validated by Frictionless
against the files the running site serves."""

import csv
import io
import json
from http import HTTPStatus

import pytest
from frictionless import Package

from actors.models import LegalForm
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(db):
    pole = factories.PoleFactory(name="CADES", slug="cades")
    commune = factories.CommuneFactory(insee_code="35236", name="Redon", latitude=47.65, longitude=-2.08)
    factories.ActorFactory(
        name='=HYPERLINK("http://example.org")',
        pole=pole,
        commune=commune,
        legal_form=LegalForm.SCIC,
        latitude=47.66123456,
        longitude=-2.0912345,
        phone="+33 2 99 00 00 00",
        siret="",
        sectors=[factories.SectorFactory(name="Éco-construction")],
    )
    factories.ActorFactory(name="Épicerie solidaire", pole=None, commune=commune, member_since=None)
    located_nowhere = factories.CommuneFactory(
        insee_code="22006", name="Berhet", latitude=None, longitude=None
    )
    factories.ActorFactory(name="Accueil paysan", pole=pole, commune=located_nowhere, employees="1-9")


def french_csv(client, **params):
    response = client.get("/donnees/acteurs-fr.csv", params)
    assert response.status_code == HTTPStatus.OK
    body = response.getvalue()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_the_french_csv_has_french_headers_labels_numbers_and_order(client, rows):
    table = french_csv(client)
    assert table[0][:4] == ["Nom", "Sigle", "Forme juridique", "Famille de l’ESS"]
    by_name = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert [row[0] for row in table[1:]] == [
        "Accueil paysan",
        "Épicerie solidaire",
        '\'=HYPERLINK("http://example.org")',
    ]
    scic = by_name['\'=HYPERLINK("http://example.org")']  # never a formula
    assert scic["Forme juridique"] == "SCIC (société coopérative d’intérêt collectif)"
    assert scic["Famille de l’ESS"] == "Coopératives"
    assert (scic["Latitude"], scic["Longitude"]) == ("47,66123", "-2,09123")
    assert scic["Position approximative"] == "non"
    assert scic["Téléphone"] == "'+33 2 99 00 00 00"
    assert by_name["Épicerie solidaire"]["Position approximative"] == "oui"
    assert by_name["Accueil paysan"]["Latitude"] == ""
    assert by_name["Accueil paysan"]["Salariés"] == "1 à 9"


def test_the_french_csv_takes_the_directorys_filters(client, rows):
    assert [row[0] for row in french_csv(client, pole="cades")[1:]] == [
        "Accueil paysan",
        '\'=HYPERLINK("http://example.org")',
    ]
    assert client.get("/donnees/acteurs-fr.csv", {"pole": "inconnu"}).status_code == HTTPStatus.BAD_REQUEST


def test_the_open_data_page_offers_both_files_and_the_dictionary(client, rows):
    page = client.get("/donnees/").content.decode()
    assert 'href="/donnees/acteurs-fr.csv"' in page
    assert 'href="/donnees/datapackage.json"' in page


def test_the_data_package_describes_each_csv_file(client, rows, settings):
    package = json.loads(client.get("/donnees/datapackage.json").content)
    assert [r["path"] for r in package["resources"]] == [
        f"{settings.SITE_URL}/donnees/acteurs.csv",
        f"{settings.SITE_URL}/donnees/acteurs-fr.csv",
    ]
    standard, french = (r["schema"]["fields"] for r in package["resources"])
    assert [f["name"] for f in standard] == list(
        csv.reader(io.StringIO(client.get("/donnees/acteurs.csv").getvalue().decode()))
    )[0]
    assert [f["name"] for f in french] == french_csv(client)[0]


@pytest.mark.django_db(transaction=True)
def test_frictionless_validates_the_live_files_against_the_data_package(live_server, rows, settings):
    settings.SITE_URL = live_server.url
    report = Package(f"{live_server.url}/donnees/datapackage.json").validate()
    errors = [error.message for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors
    ]
    assert report.valid, errors
    assert [task.stats["rows"] for task in report.tasks] == [3, 3]

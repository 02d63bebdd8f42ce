"""The legal notice and the accessibility statement, in French and English, from the settings, linked
from every footer; the privacy page linked from every form collecting personal data."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests import factories

PUBLIC_PAGES = ["/", "/acteurs/", "/poles/", "/evenements/", "/a-propos/", "/confidentialite/"]


def in_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def test_the_legal_notice_names_publisher_director_host_and_contact_from_the_settings(client, db, settings):
    settings.LEGAL_PUBLISHER = "Réseau Test des pôles"
    settings.LEGAL_PUBLISHER_ADDRESS = "1 rue de l’Exemple, 35000 Rennes"
    settings.LEGAL_PUBLISHER_ID = "RNA W351234567"
    settings.LEGAL_DIRECTOR = "Camille Présidente"
    settings.LEGAL_HOST = "Hébergeur Exemple SAS, 2 quai du Port, 29200 Brest, 02 98 00 00 00"
    settings.LEGAL_CONTACT_EMAIL = "contact@reseau.example"
    page = client.get("/mentions-legales/").content.decode()
    assert "<h1>Mentions légales</h1>" in page
    for value in ("Réseau Test des pôles", "RNA W351234567", "Camille Présidente", "Hébergeur Exemple SAS"):
        assert value in page
    assert "contact@reseau.example" in page
    assert "Directeur ou directrice de la publication" in page and "Hébergeur" in page


def test_the_legal_notice_in_english(client, db):
    in_english(client)
    page = client.get("/mentions-legales/").content.decode()
    assert "<h1>Legal notice</h1>" in page and "Director of publication" in page


def test_the_accessibility_statement_follows_the_rgaa_model(client, db, settings):
    settings.ACCESSIBILITY_STATUS = "partial"
    settings.ACCESSIBILITY_AUDIT_DATE = "2026-10-15"
    settings.ACCESSIBILITY_AUDIT_METHOD = "Audit RGAA 4.1 par un prestataire, 12 pages."
    settings.ACCESSIBILITY_CONTACT_EMAIL = "a11y@reseau.example"
    page = client.get("/accessibilite/").content.decode()
    assert "<h1>Déclaration d’accessibilité</h1>" in page
    assert "partiellement conforme" in page
    assert "15 octobre 2026" in page
    assert "Audit RGAA 4.1 par un prestataire" in page
    assert "Non-conformités connues" in page
    assert "a11y@reseau.example" in page
    assert "Défenseur des droits" in page and "Libre réponse 71120" in page


@pytest.mark.parametrize(("status", "words"), [("non", "non conforme"), ("full", "totalement conforme")])
def test_the_statement_and_the_footer_state_the_status_of_the_settings(client, db, settings, status, words):
    settings.ACCESSIBILITY_STATUS = status
    assert words in client.get("/accessibilite/").content.decode()
    assert f"Accessibilité : {words}" in client.get("/a-propos/").content.decode()


def test_the_accessibility_statement_in_english(client, db):
    in_english(client)
    page = client.get("/accessibilite/").content.decode()
    assert "<h1>Accessibility statement</h1>" in page and "Défenseur des droits" in page


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_footer_links_the_legal_pages(client, db, path):
    page = client.get(path)
    assert page.status_code == HTTPStatus.OK
    footer = page.content.decode().split('<footer class="site-footer">')[1]
    for target in ("/mentions-legales/", "/accessibilite/", "/confidentialite/"):
        assert f'href="{target}"' in footer, (path, target)


def test_the_back_office_footer_links_the_legal_pages(client, db):
    footer = client.get(reverse("admin:login")).content.decode().split('id="footer"')[1]
    for target in ("/mentions-legales/", "/accessibilite/", "/confidentialite/"):
        assert f'href="{target}"' in footer


def test_the_forms_collecting_personal_data_link_the_privacy_page(client, db):
    event = factories.EventFactory()
    for path in (event.get_absolute_url(), "/acteurs/proposer/"):
        form = client.get(path).content.decode().split('<form class="stacked')[1].split("</form>")[0]
        assert 'href="/confidentialite/"' in form, path

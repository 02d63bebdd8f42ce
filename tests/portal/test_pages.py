from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from events.models import Event
from poles.models import Pole, Support
from tests import factories

pytestmark = pytest.mark.django_db


def test_home_shows_map_poles_and_next_events(client, directory):
    factories.EventFactory(pole=directory.redon, title="Rencontre éco-construction")
    factories.EventFactory(pole=directory.redon, title="Brouillon secret", status=Event.Status.DRAFT)
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert content.count("<h1") == 1
    assert 'data-geojson="/api/acteurs.geojson"' in content
    assert "CADES" in content and "ADESS Pays de Brest" in content
    assert "Rencontre éco-construction" in content
    assert "Brouillon secret" not in content


def test_poles_list_shows_status_territory_members_and_next_event(client, directory):
    factories.PoleFactory(name="Pôle en devenir", status=Pole.Status.EMERGING)
    factories.EventFactory(pole=directory.brest, title="Rencontre de Brest")
    response = client.get("/poles/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "constitué" in content and "en émergence" in content
    assert "Pays de Brest" in content
    assert "2 organisations membres" in content
    assert 'href="/evenements/rencontre-de-brest/"' in content


def test_pole_page_shows_missions_partners_territory_members_workshops_and_events(client, directory):
    pole = directory.redon
    pole.missions = [Pole.Mission.STRATEGY, Pole.Mission.PARTNERSHIP]
    pole.governance = "Un conseil d'administration de 12 membres."
    pole.email = "contact@cades.example.org"
    pole.save()
    epci = factories.EpciFactory(name="Redon Agglomération")
    directory.redon_commune.epci = epci
    directory.redon_commune.save()
    pole.epcis.add(epci)
    factories.SupportFactory(
        pole=pole,
        partner=factories.PartnerFactory(name="Conseil régional de Bretagne"),
        kind=Support.Kind.FUNDING,
    )
    workshop = factories.WorkshopFactory(pole=pole, title="Atelier bois local")
    event = factories.EventFactory(
        pole=pole, title="Visite de chantier", starts_at=timezone.now() + timedelta(days=3)
    )
    response = client.get("/poles/cades/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Stratégie territoriale" in content or "Territorial ESS strategy" in content
    assert "Un conseil d&#x27;administration de 12 membres." in content
    assert "Conseil régional de Bretagne" in content
    assert "Redon Agglomération" in content and "Redon</p>" in content
    assert "Les Charpentiers du Pays de Redon" in content
    assert "Coopérative Cachée" not in content
    assert f'href="/ateliers/{workshop.slug}/"' in content
    assert f'href="/evenements/{event.slug}/"' in content
    assert 'data-poles-geojson="/api/poles.geojson?pole=cades"' in content


def test_unknown_pole_is_a_404(client, db):
    assert client.get("/poles/inconnu/").status_code == HTTPStatus.NOT_FOUND


def test_map_page_has_filters_map_and_text_alternative(client, directory):
    response = client.get("/carte/", {"department": "35"})
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert 'data-geojson="/api/acteurs.geojson?department=35"' in content
    assert 'data-poles-geojson="/api/poles.geojson"' in content
    assert "Les Charpentiers du Pays de Redon" in content and "Théâtre du Ponant" not in content
    assert response.get("X-Frame-Options") == "DENY"


def test_map_page_rejects_unknown_filters_with_a_form_error(client, directory):
    response = client.get("/carte/", {"sector": "inconnu"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'class="errorlist"' in response.content.decode()


def test_embedded_map_is_chromeless_filterable_and_framable(client, directory):
    response = client.get("/carte/", {"embed": "1", "pole": "cades"})
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "X-Frame-Options" not in response.headers
    assert 'class="site-header"' not in content and 'class="site-footer"' not in content
    assert 'data-geojson="/api/acteurs.geojson?pole=cades"' in content
    assert "data-embed" in content


def test_only_the_embedded_map_may_be_framed(client, directory):
    for url in ["/", "/poles/", "/acteurs/", "/carte/", "/integrer/", "/donnees/"]:
        assert client.get(url).get("X-Frame-Options") == "DENY", url


def test_embed_builder_generates_the_iframe_snippet(client, directory):
    response = client.get("/integrer/", {"pole": "cades", "height": "600"})
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "&lt;iframe src=&quot;http://127.0.0.1:8000/carte/?embed=1&amp;pole=cades&quot;" in content or (
        "/carte/?embed=1&amp;pole=cades" in content
    )
    assert 'height="600"' in content
    assert client.get("/integrer/", {"pole": "inconnu"}).status_code == HTTPStatus.BAD_REQUEST


def test_open_data_page_gives_licence_attributions_and_filtered_downloads(client, directory):
    response = client.get("/donnees/", {"pole": "cades"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Licence Ouverte" in content
    assert (
        "INSEE" in content and "GeoNames" in content and "CC BY 4.0" in content and "OpenStreetMap" in content
    )
    assert 'href="/donnees/acteurs.csv?pole=cades"' in content
    assert 'href="/api/poles.geojson"' in content
    assert "1 organisation correspond." in content
    assert client.get("/donnees/", {"family": "x"}).status_code == HTTPStatus.BAD_REQUEST


def test_sitemap_lists_poles_published_organisations_and_public_events(client, directory):
    factories.EventFactory(pole=directory.redon, title="Rencontre publique")
    factories.EventFactory(pole=directory.redon, title="Rencontre brouillon", status=Event.Status.DRAFT)
    response = client.get("/sitemap.xml")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "/poles/cades/" in content
    assert f"/acteurs/{directory.scop_redon.slug}/" in content
    assert f"/acteurs/{directory.hidden.slug}/" not in content
    assert "/evenements/rencontre-publique/" in content
    assert "rencontre-brouillon" not in content


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain")
    content = response.content.decode()
    assert "Disallow: /admin/" in content
    assert "Sitemap: " in content and content.strip().endswith("/sitemap.xml")


@pytest.mark.parametrize(
    "url", ["/", "/poles/", "/acteurs/", "/carte/", "/donnees/", "/integrer/", "/a-propos/"]
)
def test_pages_have_one_h1_a_title_a_description_and_a_skip_link(client, directory, url):
    content = client.get(url).content.decode()
    assert content.count("<h1") == 1
    assert "<title>" in content and '<meta name="description" content="' in content
    assert 'href="#contenu"' in content and '<main id="contenu"' in content
    assert "style=" not in content
    assert "<script>" not in content


def test_cached_page_follows_a_change(client, directory, commit):
    assert "Théâtre du Ponant" in client.get("/acteurs/").content.decode()
    directory.asso_brest.is_published = False
    with commit():
        directory.asso_brest.save()
    assert "Théâtre du Ponant" not in client.get("/acteurs/").content.decode()


def test_pages_are_in_english_through_the_language_switcher(client, directory):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/acteurs/"})
    assert response.status_code == HTTPStatus.FOUND
    content = client.get("/acteurs/").content.decode()
    assert "Directory of the organisations" in content
    french = client.get("/acteurs/", HTTP_ACCEPT_LANGUAGE="fr", HTTP_COOKIE="").content.decode()
    assert "Annuaire" in french or "organisations" in french


def test_cached_pages_are_served_compressed_to_browsers_that_accept_gzip(client, directory):
    import gzip

    for _ in range(2):
        response = client.get("/poles/", HTTP_ACCEPT_ENCODING="gzip, deflate")
        assert response["Content-Encoding"] == "gzip"
        assert "CADES" in gzip.decompress(response.content).decode()
    assert "CADES" in client.get("/poles/").content.decode()


def test_cached_home_shows_a_new_event_at_once(client, directory, commit):
    assert "Rencontre de dernière minute" not in client.get("/").content.decode()
    with commit():
        factories.EventFactory(pole=directory.redon, title="Rencontre de dernière minute")
    assert "Rencontre de dernière minute" in client.get("/").content.decode()


def test_visitors_with_a_session_get_a_fresh_page(client, directory):
    client.get("/poles/")
    Pole.objects.filter(pk=directory.redon.pk).update(name="CADES renommé")  # no signal: the cache is stale
    assert "CADES renommé" not in client.get("/poles/").content.decode()
    client.cookies["sessionid"] = "anything"
    assert "CADES renommé" in client.get("/poles/").content.decode()

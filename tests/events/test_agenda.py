"""The agenda others reuse: schema.org JSON-LD read by a real extractor, the RSS and Atom feeds, the
open-data exports with the list's filters, the embeddable agenda of a pole, and the month view."""

import csv
import io
import json
import re
from datetime import datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import extruct
import pytest

from core.public_cache import _memo
from events.models import Event, Registration
from tests import factories

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def agenda(db):
    commune = factories.CommuneFactory(name="Redon", postal_codes="35600", latitude=47.65, longitude=-2.08)
    cades = factories.PoleFactory(name="CADES", slug="cades", email="contact@cades.example")
    adess = factories.PoleFactory(name="ADESS", slug="adess")
    start = datetime(2031, 3, 12, 14, 0, tzinfo=PARIS)
    meeting = factories.EventFactory(
        pole=cades,
        title="Rencontre <b>éco-construction</b>",
        slug="rencontre-eco",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        address="12 rue du Port",
        commune=commune,
        latitude=47.651,
        longitude=-2.084,
        capacity=1,
    )
    other = factories.EventFactory(
        pole=adess,
        title='=HYPERLINK("x") atelier',
        slug="atelier-brest",
        kind=Event.Kind.OTHER,
        starts_at=datetime(2031, 4, 2, 9, 0, tzinfo=PARIS),
    )
    cancelled = factories.EventFactory(
        pole=cades, title="Rencontre annulée", slug="annulee", status=Event.Status.CANCELLED, starts_at=start
    )
    return {"meeting": meeting, "other": other, "cancelled": cancelled, "cades": cades}


def events_of(html: str) -> list[dict]:
    data = extruct.extract(html, syntaxes=["json-ld"], uniform=True)["json-ld"]
    return [item for item in data if item.get("@type") == "Event"]


def test_the_event_page_carries_a_schema_org_event(client, agenda):
    html = client.get("/evenements/rencontre-eco/").content.decode()

    (event,) = events_of(html)
    assert event["name"] == "Rencontre <b>éco-construction</b>"
    assert "</b>" not in html.split('application/ld+json">')[1].split("</script>")[0]  # escaped
    assert event["startDate"] == "2031-03-12T13:00:00+00:00"
    assert event["endDate"] == "2031-03-12T16:00:00+00:00"
    assert event["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    location = event["location"]
    assert location["@type"] == "Place"
    assert location["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "12 rue du Port",
        "addressLocality": "Redon",
        "postalCode": "35600",
        "addressRegion": "Bretagne",
        "addressCountry": "FR",
    }
    assert location["geo"]["latitude"] == 47.651
    assert event["organizer"]["name"] == "CADES" and event["organizer"]["url"].endswith("/poles/cades/")
    assert event["offers"]["availability"] == "https://schema.org/InStock"
    assert event["offers"]["inventoryLevel"]["value"] == 1


def test_the_offer_says_sold_out_and_the_status_cancelled(client, agenda):
    factories.RegistrationFactory(event=agenda["meeting"], status=Registration.Status.CONFIRMED)
    (full,) = events_of(client.get("/evenements/rencontre-eco/").content.decode())
    (cancelled,) = events_of(client.get("/evenements/annulee/").content.decode())

    assert full["offers"]["availability"] == "https://schema.org/SoldOut"
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"
    assert cancelled["offers"]["availability"] == "https://schema.org/Discontinued"


def test_the_rss_and_atom_feeds_list_the_next_events_with_the_lists_filters(client, agenda):
    rss = client.get("/evenements/flux.rss", {"pole": "cades"})
    assert rss.status_code == HTTPStatus.OK and rss["Content-Type"].startswith("application/rss+xml")
    items = ElementTree.fromstring(rss.content).findall("./channel/item")
    titles = [item.findtext("title") for item in items]
    assert titles == ["Rencontre <b>éco-construction</b>", "Annulé : Rencontre annulée"]
    assert items[0].findtext("link").endswith("/evenements/rencontre-eco/")
    assert items[0].findtext("guid").startswith(f"event-{agenda['meeting'].pk}@")

    atom = client.get("/evenements/flux.atom")
    assert atom["Content-Type"].startswith("application/atom+xml")
    entries = ElementTree.fromstring(atom.content).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 3

    bad = client.get("/evenements/flux.rss", {"pole": "inconnu"})
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert "pole" in bad.content.decode()


def test_the_open_data_csv_and_json_carry_the_events_with_the_filters(client, agenda):
    response = client.get("/donnees/evenements.csv")
    assert response.status_code == HTTPStatus.OK
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert {row["title"] for row in rows} == {
        "Rencontre <b>éco-construction</b>",
        '\'=HYPERLINK("x") atelier',  # neutralised: no cell runs as a formula
        "Rencontre annulée",
    }
    meeting = next(row for row in rows if row["pole_slug"] == "cades" and row["status"] == "published")
    assert meeting["starts_at"] == "2031-03-12T14:00:00+01:00"
    assert meeting["commune"] == "Redon" and meeting["capacity"] == "1"

    data = json.loads(client.get("/donnees/evenements.json", {"pole": "adess"}).content)
    assert data["licence"].startswith("Licence Ouverte")
    assert data["count"] == 1 and data["events"][0]["url"].endswith("/evenements/atelier-brest/")

    march = json.loads(client.get("/donnees/evenements.json", {"month": "2031-03"}).content)
    assert {event["title"] for event in march["events"]} == {
        "Rencontre <b>éco-construction</b>",
        "Rencontre annulée",
    }

    bad = client.get("/donnees/evenements.json", {"month": "mars"})
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert "AAAA-MM" in bad.json()["errors"]["month"][0]


def test_the_open_data_page_lists_the_event_downloads(client, agenda):
    page = client.get("/donnees/").content.decode()
    assert 'href="/donnees/evenements.csv"' in page and 'href="/donnees/evenements.json"' in page
    assert 'href="/evenements/flux.rss"' in page


def test_the_embeddable_agenda_of_a_pole_can_be_framed_and_sets_no_cookie(client, agenda):
    for _visit in range(2):  # rendered, then from the page cache
        response = client.get("/evenements/", {"embed": "1", "pole": "cades"})
        assert response.status_code == HTTPStatus.OK
        assert "X-Frame-Options" not in response
        assert "frame-ancestors *" in response["Content-Security-Policy"]
        assert not response.cookies
        html = response.content.decode()
        assert "Rencontre annulée" in html and "atelier-brest" not in html
        assert "<form" not in html and "csrfmiddlewaretoken" not in html
    assert "frame-ancestors 'none'" in client.get("/evenements/")["Content-Security-Policy"]
    builder = client.get("/integrer/", {"pole": "cades"}).content.decode()
    assert "/evenements/?embed=1&amp;pole=cades" in builder


def test_the_month_view_is_a_table_of_weeks_with_the_events_of_each_day(client, agenda):
    page = client.get("/evenements/", {"vue": "mois", "month": "2031-03", "pole": "cades"})
    html = page.content.decode()

    assert page.status_code == HTTPStatus.OK
    assert '<table class="month-calendar"' in html
    assert html.count('<th scope="col">') == 7
    assert "Mars 2031" in html
    assert "2 événements ce mois-ci." in html
    day = re.search(r'<time datetime="2031-03-12">.*?</td>', html, re.S).group(0)
    assert "rencontre-eco" in day and "annulee" in day
    assert "month=2031-02" in html and "month=2031-04" in html  # previous and next month
    assert 'name="vue" value="mois"' in html  # the filters keep the view


def test_a_bad_month_is_a_french_400_and_shows_nothing(client, agenda):
    response = client.get("/evenements/", {"vue": "mois", "month": "2031-13"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Saisissez un mois au format AAAA-MM" in response.content.decode()


def test_the_list_filters_by_month(client, agenda):
    html = client.get("/evenements/", {"month": "2031-04"}).content.decode()
    assert "atelier-brest" in html and "rencontre-eco" not in html


def test_no_template_has_an_empty_form_action():
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("jinja2", "templates")
        for path in (ROOT / folder).rglob("*.html")
        if re.search(r"""action=(""|'')""", path.read_text())
    ]
    assert offenders == []


def test_a_confirmed_seat_refreshes_the_cached_list(client, agenda, django_capture_on_commit_callbacks):
    from events.services import registrations

    assert "1 place restante" in client.get("/evenements/", {"pole": "cades"}).content.decode()
    registration = factories.RegistrationFactory(event=agenda["meeting"])
    with django_capture_on_commit_callbacks(execute=True):
        registrations.registration_confirm(registration=registration)
    _memo.clear()  # another process, once its one-second copy of the data version is over

    assert "Complet" in client.get("/evenements/", {"pole": "cades"}).content.decode()


def test_an_online_event_says_so_without_its_private_link_and_the_list_filters_by_format(client, agenda):
    factories.EventFactory(
        pole=agenda["cades"],
        title="Webinaire coopératives",
        slug="webinaire",
        format=Event.Format.ONLINE,
        online_url="https://visio.example/salle-privee-1234",
        starts_at=datetime(2031, 3, 20, 10, 0, tzinfo=PARIS),
    )
    html = client.get("/evenements/webinaire/").content.decode()

    (event,) = events_of(html)
    assert event["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert event["location"]["@type"] == "VirtualLocation"
    assert "salle-privee-1234" not in html

    online = client.get("/evenements/", {"format": "online"}).content.decode()
    assert "webinaire" in online and "rencontre-eco" not in online
    in_person = client.get("/evenements/", {"format": "in_person"}).content.decode()
    assert "rencontre-eco" in in_person and "webinaire" not in in_person

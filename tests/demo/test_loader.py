import re
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from shapely.geometry import Point, shape

from actors.models import Actor
from core.validators import validate_siret
from demo.data.actors import actors_plan
from demo.data.events import THEMATIC_MEETING_TITLE
from demo.loader import demo_load
from events.models import Event, Registration, Workshop
from poles.contours import communes_outline
from poles.models import COORDINATOR_GROUP, REGIONAL_GROUP, Commune, Pole

pytestmark = pytest.mark.django_db
ACCOUNT_LINE = re.compile(
    r"^\s+(?P<username>\S+) \((?P<role>[^)]*)\), mot de passe : (?P<password>\S+)$", re.M
)


@pytest.fixture
def reference_data(db):
    call_command("load_reference_data", verbosity=0)


def load_demo(**options) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every table, many-to-many link tables included."""
    return {model._meta.label: model.objects.count() for model in apps.get_models(include_auto_created=True)}


def test_the_demo_network_has_the_fourteen_poles_of_the_source_text(reference_data):
    load_demo()

    assert Pole.objects.count() == 14
    assert set(Pole.objects.constituted().values_list("slug", flat=True)) == {
        "cades",
        "adess-pays-de-brest",
        "reso-solidaire",
    }
    cades = Pole.objects.get(slug="cades")
    assert cades.territory_name == "pays de Redon"
    assert cades.founded_on.year == 1995
    assert "2007" in cades.description and "services à la personne" in cades.description
    assert 90 <= cades.actors.count() <= 110
    assert set(cades.missions) == set(Pole.Mission.values)
    assert cades.email.endswith(".invalid")
    assert set(cades.epcis.values_list("name", flat=True)) == {"CA Redon Agglomération"}
    adess = Pole.objects.get(slug="adess-pays-de-brest")
    assert {"Conseil régional de Bretagne", "Brest Métropole Océane"} <= set(
        adess.partners.values_list("name", flat=True)
    )
    assert adess.epcis.count() == 6
    assert Pole.objects.get(slug="reso-solidaire").epcis.get(siren="243500139").name == "Rennes Métropole"


def test_each_territory_is_made_of_real_epcis_with_their_communes_and_a_valid_outline(reference_data):
    load_demo()

    for pole in Pole.objects.prefetch_related("epcis", "communes"):
        assert pole.epcis.exists(), pole
        assert {c.pk for c in pole.communes.all()} == set(
            Commune.objects.filter(epci__in=pole.epcis.all()).values_list("pk", flat=True)
        ), pole
        # The outline is derived from the communes' real outlines, like any pole's: not a hull.
        assert pole.outline == communes_outline(c.insee_code for c in pole.communes.all()), pole
        outline = shape(pole.outline)
        assert outline.is_valid
        for commune in pole.communes.all():
            if commune.has_position:
                assert outline.contains(Point(commune.longitude, commune.latitude)), (pole, commune)
        pole.full_clean()
    assert Pole.epcis.through.objects.values("epci").distinct().count() == Pole.epcis.through.objects.count()


def test_about_350_fictitious_organisations_are_spread_over_the_territories(reference_data):
    load_demo()

    actors = Actor.objects.with_map_position().select_related("commune")
    assert 330 <= actors.count() <= 370
    assert not actors.filter(is_fictitious=False).exists()
    assert all("fictive" in actor.description for actor in actors)
    assert actors.filter(pole=None).count() >= 5
    assert set(Pole.objects.filter(actors__isnull=False).values_list("slug", flat=True)) == set(
        Pole.objects.values_list("slug", flat=True)
    )
    assert actors.filter(pole__status=Pole.Status.CONSTITUTED).count() > actors.count() * 0.7
    assert 0 < actors.filter(is_published=False).count() < 20
    own_points = actors.filter(latitude__isnull=False).count()
    assert 0 < own_points < actors.count() / 3
    assert all(actor.map_latitude is not None for actor in actors), "every actor can be placed on the map"
    assert len({actor.legal_form for actor in actors}) >= 6
    assert Actor.sectors.through.objects.count() >= actors.count()
    sirets = [actor.siret for actor in actors if actor.siret]
    assert len(sirets) > 50 and len(set(sirets)) == len(sirets)
    for actor in actors:
        validate_siret(actor.siret)
        assert actor.search_text == actor.build_search_text()
        actor.full_clean()


def test_the_demo_plan_is_deterministic(reference_data):
    from demo.loader import _reference_communes

    communes = _reference_communes()
    first, second = actors_plan(communes), actors_plan(communes)
    assert [(p.slug, p.siret, p.commune.insee_code) for p in first] == [
        (p.slug, p.siret, p.commune.insee_code) for p in second
    ]
    assert len({p.slug for p in first}) == len(first)


def test_workshops_and_events_follow_the_source_text(reference_data):
    load_demo()
    now = timezone.now()

    cades_workshops = {w.title: w for w in Workshop.objects.filter(pole__slug="cades")}
    assert cades_workshops["Atelier éco-construction"].is_active
    assert cades_workshops["Atelier hébergement de groupe"].is_active
    assert not cades_workshops["Atelier restauration bio hors domicile"].is_active
    assert all(w.participants.exists() for w in Workshop.objects.filter(is_active=True))
    assert Workshop.objects.filter(pole__slug="adess-pays-de-brest").exists()
    assert Workshop.objects.filter(pole__slug="reso-solidaire").exists()

    meeting = Event.objects.get(title=THEMATIC_MEETING_TITLE)
    assert meeting.kind == Event.Kind.MEETING
    assert meeting.status == Event.Status.PUBLISHED
    assert meeting.starts_at > now and meeting.capacity == 80
    assert meeting.accepts_registrations()
    assert timezone.localtime(meeting.starts_at).hour == 18

    events = Event.objects.published()
    assert events.upcoming(now).count() >= 5
    assert events.past(now).count() >= 2
    assert events.filter(audience=Event.Audience.MEMBERS).exists()
    assert events.filter(kind=Event.Kind.WORKSHOP_SESSION, workshop__isnull=False).count() >= 3
    cycle = events.filter(workshop__slug="cades-atelier-eco-construction")
    assert cycle.count() >= 4  # a workshop cycle: past, places left and full sessions
    assert any(session.registration_state(now) == "full" for session in cycle.with_seat_counts())
    small = events.get(capacity__lte=10)
    assert 0 < small.seats_left() < small.capacity
    assert meeting.seats_left() < 80
    assert Registration.objects.filter(event__ends_at__lt=now, attended__isnull=False).exists()
    assert not Registration.objects.exclude(email__endswith="@example.org").exists()
    for event in events:
        event.full_clean()


def test_demo_accounts_are_created_with_printed_passwords(reference_data):
    output = load_demo()

    accounts = {m["username"]: m["password"] for m in ACCOUNT_LINE.finditer(output)}
    assert set(accounts) == {"admin", "coord-cades", "coord-adess", "coord-reso"}
    users = {user.username: user for user in get_user_model().objects.all()}
    for username, password in accounts.items():
        assert users[username].check_password(password)
        assert users[username].is_staff
    assert len(set(accounts.values())) == 4
    admin = users["admin"]
    assert admin.is_superuser and admin.groups.filter(name=REGIONAL_GROUP).exists()
    coordinator = users["coord-cades"]
    assert not coordinator.is_superuser
    assert coordinator.groups.filter(name=COORDINATOR_GROUP).exists()
    assert list(Pole.objects.for_user(coordinator).values_list("slug", flat=True)) == ["cades"]
    assert list(Pole.objects.for_user(users["coord-reso"]).values_list("slug", flat=True)) == [
        "reso-solidaire"
    ]


def test_loading_the_demo_twice_creates_nothing_new_and_keeps_the_passwords(
    reference_data, django_assert_max_num_queries
):
    first = load_demo()
    passwords = {m["username"]: m["password"] for m in ACCOUNT_LINE.finditer(first)}
    counts = row_counts()
    meeting_start = Event.objects.get(title=THEMATIC_MEETING_TITLE).starts_at

    with django_assert_max_num_queries(24):  # one check per part of the demo, none per row
        second = load_demo()

    assert row_counts() == counts
    assert "rien à créer" in second
    assert "mots de passe inchangés" in second
    assert not ACCOUNT_LINE.search(second)
    for username, password in passwords.items():
        assert get_user_model().objects.get(username=username).check_password(password)
    report = demo_load(now=timezone.now() + timedelta(days=30))
    assert not report.created_anything
    assert Event.objects.get(title=THEMATIC_MEETING_TITLE).starts_at == meeting_start


def test_loading_the_demo_after_a_partial_deletion_recreates_only_what_is_missing(reference_data):
    load_demo()
    counts = row_counts()
    workshop = Workshop.objects.get(slug="cades-atelier-eco-construction")
    deleted = dict(workshop.participants.values_list("slug", "commune"))
    participants = Workshop.participants.through.objects.count()
    Actor.objects.filter(slug__in=deleted).delete()

    output = load_demo(verbosity=0)

    assert output == ""
    assert dict(Actor.objects.filter(slug__in=deleted).values_list("slug", "commune")) == deleted
    # Existing rows are left as they are: the workshops keep the participants they have now.
    assert not workshop.participants.exists()
    assert Workshop.participants.through.objects.count() <= participants - len(deleted)
    # The organisations' history records the deletion (and keeps it): it is not demo data to recreate.
    skipped = {"events.Workshop_participants", "actors.HistoricalActor", "actors.HistoricalActor_sectors"}
    counts = {k: v for k, v in counts.items() if k not in skipped}
    assert {k: v for k, v in row_counts().items() if k not in skipped} == counts


def test_loading_the_demo_without_reference_data_says_what_to_do(db):
    with pytest.raises(CommandError) as caught:
        load_demo()

    assert "load_reference_data" in str(caught.value)
    assert "données de référence" in str(caught.value)
    assert not Pole.objects.exists()
    assert not get_user_model().objects.exists()


def test_the_demo_has_proposals_waiting_for_review_of_two_poles_and_the_regional_team(reference_data):
    load_demo()
    load_demo()  # idempotent

    waiting = Actor.objects.filter(review_status=Actor.Review.PENDING)
    assert waiting.count() == 3
    assert waiting.filter(pole=None).count() == 1
    assert waiting.exclude(pole=None).values("pole").distinct().count() == 2
    assert all(actor.proposer_email.endswith("@example.org") for actor in waiting)

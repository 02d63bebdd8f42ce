"""Seed the benchmark database: 21 poles over the EPCIs of Brittany, N organisations (default 10,000),
200 events and 5,000 registrations per 10,000 organisations.

Events: one with 10 seats and no registration (``bench-places-limitees``, for the concurrent
registrations over HTTP), 100 starting within the next day with 50 confirmed registrations each (their
reminders are due: the reminder sweep sends 5,000 emails), and the others later, for the events list.
At ten times the data (``BENCH_SCALE=10``: 100,000 organisations) there are 2,000 events and 50,000
registrations: the later events carry the 45,000 registrations beyond the 5,000 whose reminders are
due, so the reminder scenario measures the same sweep.

Idempotent per size: rows from an earlier run are removed first (``TRUNCATE`` on PostgreSQL). Uses bulk
inserts, filling the precomputed ``search_text`` column that ``Actor.save()`` would fill.
"""

import os
import random
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from actors.models import Actor, LegalForm, Sector  # noqa: E402
from events.models import Event, Registration  # noqa: E402
from poles.models import Commune, Epci, Pole  # noqa: E402

SECTORS = [
    "Services à la personne",
    "Éco-construction",
    "Hébergement et tourisme",
    "Alimentation et restauration bio",
    "Insertion",
    "Culture",
    "Environnement",
    "Finance solidaire",
    "Mobilité",
    "Éducation populaire",
]
WORDS = [
    "solidaire",
    "coopérative",
    "bois",
    "bio",
    "jardin",
    "culture",
    "recyclerie",
    "habitat",
    "énergie",
    "mobilité",
    "épicerie",
    "théâtre",
    "insertion",
    "circuit court",
    "numérique",
    "santé",
    "musique",
]


def clear() -> None:
    """Remove an earlier run's rows: in one statement on PostgreSQL (a cascade of deletes through the ORM
    takes minutes at 100,000 organisations)."""
    if connection.vendor == "postgresql":
        tables = [model._meta.db_table for model in (Registration, Event, Actor, Pole)]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        return
    Event.objects.all().delete()
    Actor.objects.all().delete()
    Pole.objects.all().delete()


@transaction.atomic
def seed(count: int) -> None:
    rng = random.Random(42)
    clear()
    sectors = list(Sector.objects.all()) or [
        Sector.objects.create(name=name, slug=slugify(name), order=i) for i, name in enumerate(SECTORS)
    ]
    epcis = list(Epci.objects.order_by("siren"))
    if not epcis:
        raise SystemExit("No reference data: run `manage.py load_reference_data` first.")
    poles = []
    for i in range(21):
        pole = Pole.objects.create(
            name=f"Pôle ESS {i + 1}",
            acronym=f"P{i + 1}",
            slug=f"pole-ess-{i + 1}",
            status=Pole.Status.CONSTITUTED if i % 3 else Pole.Status.EMERGING,
            territory_name=f"pays n°{i + 1}",
            description="Pôle de développement de l’ESS.",
            missions=list(Pole.Mission.values[: 2 + i % 4]),
        )
        pole.epcis.set(epcis[i::21])
        poles.append(pole)
    communes = list(Commune.objects.select_related("epci"))
    pole_of_epci = {epci.pk: pole for pole in poles for epci in pole.epcis.all()}
    forms = list(LegalForm.values)
    actors = []
    for n in range(count):
        commune = rng.choice(communes)
        own_point = rng.random() < 0.6 and commune.latitude is not None
        name = f"{rng.choice(['Association', 'SCOP', 'SCIC', 'Collectif', 'Maison'])} {rng.choice(WORDS)} {n}"
        actor = Actor(
            name=name,
            slug=f"bench-{n}",
            legal_form=rng.choice(forms),
            commune=commune,
            pole=pole_of_epci.get(commune.epci_id),
            is_published=rng.random() < 0.97,
            description=f"Activité : {rng.choice(WORDS)}, {rng.choice(WORDS)}.",
            latitude=commune.latitude + rng.uniform(-0.02, 0.02) if own_point else None,
            longitude=commune.longitude + rng.uniform(-0.02, 0.02) if own_point else None,
        )
        actor.search_text = actor.build_search_text(commune.name)
        actors.append(actor)
    Actor.objects.bulk_create(actors, batch_size=2000)
    through = Actor.sectors.through
    links = [
        through(actor_id=pk, sector_id=sector.pk)
        for pk in Actor.objects.values_list("pk", flat=True)
        for sector in rng.sample(sectors, rng.randint(1, 2))
    ]
    through.objects.bulk_create(links, batch_size=5000)
    scale = max(1, count // 10_000)
    seed_events(rng, poles, communes, events=EVENTS * scale, registrations=REGISTRATIONS * scale)


LIMITED_EVENT_SLUG = "bench-places-limitees"
LIMITED_EVENT_SEATS = 10
EVENTS = 200
EVENTS_WITH_REMINDERS = 100
REGISTRATIONS_PER_EVENT = 50
REGISTRATIONS = EVENTS_WITH_REMINDERS * REGISTRATIONS_PER_EVENT


def seed_events(
    rng: random.Random, poles: list[Pole], communes: list[Commune], *, events: int, registrations: int
) -> None:
    """``events`` published events; 5,000 confirmed registrations whose reminders are due now, and the
    rest of ``registrations`` on later events (none due)."""
    count = events
    now = timezone.now()
    events = [
        Event(
            pole=poles[0],
            title="Atelier à places limitées",
            slug=LIMITED_EVENT_SLUG,
            starts_at=now + timedelta(days=10),
            ends_at=now + timedelta(days=10, hours=3),
            capacity=LIMITED_EVENT_SEATS,
            status=Event.Status.PUBLISHED,
        )
    ]
    for n in range(1, count):
        # The first hundred start within the day (their 24-hour reminders are due), the rest later.
        soon = n <= EVENTS_WITH_REMINDERS
        starts_at = now + (timedelta(hours=2 + n % 20) if soon else timedelta(days=2 + n % 60, hours=n % 8))
        commune = rng.choice(communes)
        events.append(
            Event(
                pole=poles[n % len(poles)],
                kind=Event.Kind.MEETING,
                title=f"Rencontre thématique {rng.choice(WORDS)} {n}",
                slug=f"rencontre-bench-{n}",
                description="Rencontre des organisations de l’ESS du territoire.",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                venue=f"Salle {n}",
                commune=commune,
                capacity=None if n % 3 else 80,
                status=Event.Status.PUBLISHED,
            )
        )
    Event.objects.bulk_create(events, batch_size=2000)
    confirmed_at = now - timedelta(days=3)
    ordered = list(Event.objects.filter(slug__startswith="rencontre-bench-").order_by("starts_at"))
    later = registrations - REGISTRATIONS
    rows = [
        Registration(
            event=event,
            full_name=f"Personne {event.pk}-{k}",
            email=f"inscrit-{event.pk}-{k}@bench.invalid",
            status=Registration.Status.CONFIRMED,
            consent_at=confirmed_at,
            confirmed_at=confirmed_at,
        )
        for event in ordered[:EVENTS_WITH_REMINDERS]
        for k in range(REGISTRATIONS_PER_EVENT)
    ]
    # Beyond the due reminders: registrations on the later events, made before they fall due.
    for n in range(later):
        event = ordered[EVENTS_WITH_REMINDERS + n % max(1, len(ordered) - EVENTS_WITH_REMINDERS)]
        rows.append(
            Registration(
                event=event,
                full_name=f"Participant {event.pk}-{n}",
                email=f"participant-{n}@bench.invalid",
                status=Registration.Status.CONFIRMED,
                consent_at=confirmed_at,
                confirmed_at=confirmed_at,
            )
        )
    Registration.objects.bulk_create(rows, batch_size=5000)


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    seed(size)
    # Bulk inserts send no signal: forget every page and map data cached from an earlier run.
    cache.clear()
    if connection.vendor == "postgresql":
        # What autovacuum would do soon after such a load: planner statistics, no dead rows from the
        # previous run.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"seeded {Actor.objects.count()} organisations, {Pole.objects.count()} poles, "
        f"{Event.objects.count()} events, {Registration.objects.count()} registrations"
    )

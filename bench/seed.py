"""Seed the benchmark database: 21 poles over the EPCIs of Brittany and N organisations (default 10,000).

Idempotent per size: rows from an earlier run are removed first. Uses bulk inserts, filling the
precomputed ``search_text`` column that ``Actor.save()`` would fill.
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

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from actors.models import Actor, LegalForm, Sector  # noqa: E402
from events.models import Event  # noqa: E402
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


@transaction.atomic
def seed(count: int) -> None:
    rng = random.Random(42)
    Event.objects.all().delete()
    Actor.objects.all().delete()
    Pole.objects.all().delete()
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
        Event.objects.create(
            pole=pole,
            title=f"Rencontre thématique {i + 1}",
            slug=f"rencontre-bench-{i + 1}",
            starts_at=timezone.now() + timedelta(days=5 + i),
            ends_at=timezone.now() + timedelta(days=5 + i, hours=2),
            status=Event.Status.PUBLISHED,
        )
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
    Actor.objects.bulk_create(actors, batch_size=1000)
    through = Actor.sectors.through
    links = [
        through(actor_id=actor.pk, sector_id=sector.pk)
        for actor in Actor.objects.only("pk")
        for sector in rng.sample(sectors, rng.randint(1, 2))
    ]
    through.objects.bulk_create(links, batch_size=2000)


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    seed(size)
    print(f"seeded {Actor.objects.count()} organisations, {Pole.objects.count()} poles")

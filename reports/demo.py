"""A year of fictitious activity for the constituted demo poles, so that the activity report of last year
means something under ``make run``: meetings and workshop sessions held every month or so, with
registrations from member organisations, attendance and waiting lists; public proposals received and
reviewed; members who joined and a few who left. Called by ``demo.loader.demo_load``; idempotent
(nothing is added to a pole that has had its year of activity, whatever the year).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from actors.models import Actor, LegalForm
from events.models import Event, Registration, Workshop
from poles.models import Pole

from .models import Membership

SLUG_PREFIX = "bilan"
MEETING_TOPICS = (
    "Rencontre des adhérents",
    "Petit-déjeuner de l'ESS",
    "Forum emploi et ESS",
    "Mois de l'ESS : portes ouvertes",
    "Rencontre élus et acteurs",
    "Assemblée générale du pôle",
)
FIRST_NAMES = ("Anne", "Yann", "Maëlle", "Erwan", "Gwenaëlle", "Loïc", "Soizic", "Tanguy", "Nolwenn", "Ronan")
LAST_NAMES = ("Le Goff", "Morvan", "Le Gall", "Guillou", "Kerjean", "Le Bihan", "Riou", "Caradec")


def demo_activity(*, now: datetime | None = None) -> dict[str, int]:
    """Create last year's activity for each constituted pole that has none yet; return what was made."""
    now = now or timezone.now()
    zone = ZoneInfo(settings.TIME_ZONE)
    year = timezone.localtime(now, zone).year - 1
    made = {"events": 0, "registrations": 0, "proposals": 0, "memberships": 0}
    poles = Pole.objects.constituted().order_by("pk")
    done = set(Event.objects.filter(slug__startswith=f"{SLUG_PREFIX}-").values_list("pole_id", flat=True))
    for pole in poles:
        if pole.pk in done:
            continue
        rng = random.Random(f"{pole.slug}-{year}")
        members = list(
            Actor.objects.filter(pole=pole).exclude(review_status=Actor.Review.PENDING).order_by("pk")
        )
        if not members:
            continue
        commune_id = members[0].commune_id
        workshops = list(Workshop.objects.filter(pole=pole).order_by("pk")[:2])
        events = []
        for month in range(1, 12):
            if month == 8:
                continue  # August
            workshop = workshops[month % len(workshops)] if workshops and month % 3 == 0 else None
            starts_at = datetime.combine(date(year, month, 8 + rng.randint(0, 14)), time(9, 30), tzinfo=zone)
            title = (
                f"{workshop.title} — séance de {starts_at:%m/%Y}"
                if workshop
                else f"{MEETING_TOPICS[month % len(MEETING_TOPICS)]} ({starts_at:%m/%Y})"
            )
            events.append(
                Event(
                    pole=pole,
                    slug=f"{SLUG_PREFIX}-{year}-{pole.slug}-{month:02d}",
                    title=title,
                    kind=Event.Kind.WORKSHOP_SESSION if workshop else Event.Kind.MEETING,
                    workshop=workshop,
                    description="Événement fictif de démonstration.",
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=3),
                    commune_id=commune_id,
                    capacity=15 if month % 4 == 1 else None,
                    status=Event.Status.PUBLISHED,
                )
            )
        Event.objects.bulk_create(events)
        registrations = []
        for event in Event.objects.filter(slug__startswith=f"{SLUG_PREFIX}-{year}-{pole.slug}-"):
            count = rng.randint(8, 26)
            for index in range(count):
                first = FIRST_NAMES[index % len(FIRST_NAMES)]
                last = LAST_NAMES[(index * 3 + event.pk) % len(LAST_NAMES)]
                organisation = rng.choice(members) if rng.random() < 0.75 else None
                waiting = event.capacity is not None and index >= event.capacity
                moment = event.starts_at - timedelta(days=rng.randint(3, 20))
                registrations.append(
                    Registration(
                        event=event,
                        full_name=f"{first} {last}",
                        email=f"{first.lower()}.{index}.{event.pk}@example.org",
                        organisation=organisation,
                        organisation_name="" if organisation else "Habitant·e du territoire",
                        status=Registration.Status.WAITLISTED if waiting else Registration.Status.CONFIRMED,
                        consent_at=moment,
                        confirmed_at=None if waiting else moment,
                        waitlisted_at=moment if waiting else None,
                        attended=None if waiting else rng.random() < 0.8,
                    )
                )
        Registration.objects.bulk_create(registrations)
        made["events"] += len(events)
        made["registrations"] += len(registrations)

        # Public proposals of the year: two accepted, one rejected.
        commune = members[0].commune
        proposals = []
        for index, status in enumerate((Actor.Review.APPROVED, Actor.Review.APPROVED, Actor.Review.REJECTED)):
            proposals.append(
                Actor(
                    name=f"Initiative proposée {index + 1} ({pole.acronym or pole.name})",
                    slug=f"{SLUG_PREFIX}-{year}-{pole.slug}-proposition-{index + 1}",
                    legal_form=LegalForm.ASSOCIATION,
                    commune=commune,
                    pole=pole,
                    member_since=date(year, 3 + 3 * index, 1) if status == Actor.Review.APPROVED else None,
                    is_published=status == Actor.Review.APPROVED,
                    is_fictitious=True,
                    review_status=status,
                    description="Organisation fictive proposée sur le site public (démonstration).",
                )
            )
        for number, actor in enumerate(proposals):
            actor.save()
            actor.sectors.set(members[number % len(members)].sectors.all()[:1])
            created = datetime.combine(actor.member_since or date(year, 10, 1), time(10), tzinfo=zone)
            Actor.objects.filter(pk=actor.pk).update(created_at=created - timedelta(days=10))
        made["proposals"] += len(proposals)

        # Two members who left during the year (their organisations went on without the pole).
        for index in range(2):
            actor = Actor(
                name=f"Ancien membre {index + 1} ({pole.acronym or pole.name})",
                slug=f"{SLUG_PREFIX}-{year}-{pole.slug}-ancien-{index + 1}",
                legal_form=LegalForm.ASSOCIATION,
                commune=commune,
                pole=None,
                is_published=True,
                is_fictitious=True,
                description="Organisation fictive, ancien membre du pôle (démonstration).",
            )
            actor.save()
            actor.sectors.set(members[0].sectors.all()[:1])
            Membership.objects.create(
                actor=actor,
                pole=pole,
                started_on=date(year - 4, 1, 1),
                ended_on=date(year, 4 + 4 * index, 30),
            )
            made["memberships"] += 1
    return made

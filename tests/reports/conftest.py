"""A year of a pole's activity, built row by row so that the tests know every figure it must give."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from actors.models import Actor, LegalForm
from ess_portal.management.commands.setup_roles import roles_setup
from events.models import Event, Registration
from reports.models import Membership
from reports.selectors import Period
from tests import factories

YEAR = timezone.localdate().year - 1
PERIOD = Period.year(YEAR)


def moment(month: int, day: int = 10, hour: int = 10) -> datetime:
    return datetime.combine(date(YEAR, month, day), time(hour), tzinfo=timezone.get_default_timezone())


@dataclass
class Expected:
    members_end: int = 0
    members_new: int = 0
    members_left: int = 0
    events_by_kind: dict = field(default_factory=dict)
    registrations: int = 0
    waitlisted: int = 0
    attended: int = 0
    organisations: set = field(default_factory=set)
    proposals_received: int = 0
    proposals_accepted: int = 0
    by_sector: dict = field(default_factory=dict)
    by_commune: dict = field(default_factory=dict)
    matrix: dict = field(default_factory=dict)  # organisation name → session titles present


def build_year(pole, communes, sectors, *, size: int, word: str) -> Expected:
    """``size`` scales every kind of row: members, events, registrations."""
    expected = Expected()
    first, second = communes

    def member(name, since, commune, sector, **extra):
        actor = factories.ActorFactory(
            pole=pole, name=name, commune=commune, member_since=since, sectors=[sector], **extra
        )
        return actor

    organisations = []
    for index in range(size):
        commune = first if index % 2 == 0 else second
        sector = sectors[index % 2]
        old = member(f"{word} ancien {index}", date(YEAR - 3, 5, 1), commune, sector)
        new = member(f"{word} nouveau {index}", date(YEAR, 6, 1), commune, sector)
        organisations += [old, new]
        for _actor in (old, new):
            expected.by_sector[sector.name] = expected.by_sector.get(sector.name, 0) + 1
            expected.by_commune[commune.insee_code] = expected.by_commune.get(commune.insee_code, 0) + 1
        expected.members_end += 2
        expected.members_new += 1
        # Joined this year (after the period): not counted.
        member(f"{word} futur {index}", date(YEAR + 1, 1, 15), commune, sector)
        # Left during the period.
        gone = factories.ActorFactory(pole=None, name=f"{word} parti {index}", commune=commune)
        Membership.objects.create(
            actor=gone, pole=pole, started_on=date(YEAR - 2, 1, 1), ended_on=date(YEAR, 3, 31)
        )
        expected.members_left += 1
        # Left before the period: in nothing.
        early = factories.ActorFactory(pole=None, name=f"{word} parti tôt {index}", commune=commune)
        Membership.objects.create(
            actor=early, pole=pole, started_on=date(YEAR - 5, 1, 1), ended_on=date(YEAR - 1, 3, 31)
        )

    # Proposals: pending ones are not members.
    for index, status in enumerate(
        [Actor.Review.APPROVED, Actor.Review.REJECTED, Actor.Review.PENDING] * size
    ):
        proposal = factories.ActorFactory(
            pole=pole,
            commune=first,
            name=f"{word} proposition {index}",
            review_status=status,
            legal_form=LegalForm.SCIC,
            member_since=date(YEAR, 9, 1) if status == Actor.Review.APPROVED else None,
            sectors=[sectors[0]],
        )
        Actor.objects.filter(pk=proposal.pk).update(created_at=moment(8))
        expected.proposals_received += 1
        if status == Actor.Review.APPROVED:
            expected.proposals_accepted += 1
            expected.members_end += 1
            expected.members_new += 1
            expected.by_sector[sectors[0].name] += 1
            expected.by_commune[first.insee_code] += 1
    # A proposal of the year before.
    old_proposal = factories.ActorFactory(
        pole=pole, commune=first, name=f"{word} vieille proposition", review_status=Actor.Review.REJECTED
    )
    Actor.objects.filter(pk=old_proposal.pk).update(created_at=moment(8) - timedelta(days=400))

    workshop = factories.WorkshopFactory(pole=pole, title=f"Atelier {word}")
    sessions = []
    for index in range(2):
        sessions.append(
            factories.EventFactory(
                pole=pole,
                kind=Event.Kind.WORKSHOP_SESSION,
                workshop=workshop,
                title=f"Séance {word} {index + 1}",
                starts_at=moment(3 + index),
                capacity=None,
            )
        )
    meetings = [
        factories.EventFactory(
            pole=pole, title=f"Rencontre {word} {index}", starts_at=moment(1 + index % 11), capacity=None
        )
        for index in range(size)
    ]
    expected.events_by_kind = {Event.Kind.WORKSHOP_SESSION: 2, Event.Kind.MEETING: size}
    # Not held: a draft, a cancelled event, last year's, next year's.
    factories.EventFactory(
        pole=pole, title=f"Brouillon {word}", starts_at=moment(5), status=Event.Status.DRAFT
    )
    factories.EventFactory(
        pole=pole, title=f"Annulé {word}", starts_at=moment(5), status=Event.Status.CANCELLED
    )
    other = factories.EventFactory(
        pole=pole, title=f"Ancien {word}", starts_at=moment(5) - timedelta(days=366)
    )
    factories.RegistrationFactory(event=other, status=Registration.Status.CONFIRMED, attended=True)

    def register(event, status, attended=None, organisation=None, organisation_name=""):
        factories.RegistrationFactory(
            event=event,
            status=status,
            attended=attended,
            organisation=organisation,
            organisation_name=organisation_name,
        )

    for index, event in enumerate(sessions + meetings):
        for number in range(size):
            org = organisations[(index + number) % len(organisations)]
            register(event, Registration.Status.CONFIRMED, True, org)
            expected.registrations += 1
            expected.attended += 1
            expected.organisations.add(org.name)
            if event in sessions:
                expected.matrix.setdefault(org.name, set()).add(event.title)
        register(event, Registration.Status.CONFIRMED, False)
        register(event, Registration.Status.CONFIRMED, True, organisation_name=f"Collectif libre {word}")
        expected.organisations.add(f"Collectif libre {word}")
        if event in sessions:
            expected.matrix.setdefault(f"Collectif libre {word}", set()).add(event.title)
        register(event, Registration.Status.WAITLISTED)
        register(event, Registration.Status.CANCELLED)
        register(event, Registration.Status.PENDING)
        expected.registrations += 2
        expected.attended += 1
        expected.waitlisted += 1
    return expected


@pytest.fixture
def roles(db):
    roles_setup()


@pytest.fixture
def year_world(db, roles, places):
    """Two poles with a year each: A at size 3, B at size 2."""
    sectors = [factories.SectorFactory(name="Alimentation"), factories.SectorFactory(name="Culture")]
    pole_a = factories.PoleFactory(name="Pôle Alpha", acronym="ALPHA", slug="pole-alpha")
    pole_b = factories.PoleFactory(name="Pôle Bravo", acronym="BRAVO", slug="pole-bravo")
    pole_a.epcis.add(places.agglo)
    region = factories.PartnerFactory(name="Conseil régional de Bretagne")
    department = factories.PartnerFactory(name="Conseil départemental d'Ille-et-Vilaine")
    factories.SupportFactory(pole=pole_a, partner=region, since=2006)
    factories.SupportFactory(pole=pole_a, partner=department, since=YEAR + 1)  # not yet in the period
    factories.SupportFactory(pole=pole_b, partner=region, since=None)
    a = build_year(pole_a, (places.redon, places.bains), sectors, size=3, word="Alpha")
    b = build_year(pole_b, (places.sainte_marie, places.allineuc), sectors, size=2, word="Bravo")
    return {
        "pole_a": pole_a,
        "pole_b": pole_b,
        "a": a,
        "b": b,
        "region": region,
        "department": department,
        "coordinator_a": factories.make_coordinator(pole_a, username="coord-alpha"),
        "regional": factories.make_regional(username="region"),
        "sectors": sectors,
    }

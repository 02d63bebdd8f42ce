"""Every figure of the report against a direct count: what the fixture built, the ORM and the admin's lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actors.models import Actor
from actors.services.publication import actors_attach_to_pole
from events.models import Event, Registration
from poles.models import Pole
from reports.memberships import memberships_sync
from reports.models import Membership
from reports.selectors import Period, build_report, percent
from tests import factories

from .conftest import PERIOD, YEAR, build_year


def _held(pole):
    start, end = PERIOD.bounds
    return Event.objects.filter(
        pole=pole, status=Event.Status.PUBLISHED, starts_at__gte=start, starts_at__lt=end
    )


def test_a_poles_figures_match_the_data_and_direct_counts(year_world):
    pole, expected = year_world["pole_a"], year_world["a"]
    report = build_report("pole", PERIOD, pole=pole)
    figures = report.total

    assert figures.members_end == expected.members_end == 9
    assert figures.members_new == expected.members_new == 6
    assert figures.members_left == expected.members_left == 3
    held = _held(pole)
    assert figures.events_held == held.count() == sum(expected.events_by_kind.values())
    registrations = Registration.objects.filter(event__in=held)
    assert figures.registrations == registrations.filter(status="confirmed").count() == expected.registrations
    assert figures.waitlisted == registrations.filter(status="waitlisted").count() == expected.waitlisted
    assert figures.attended == registrations.filter(attended=True).count() == expected.attended
    assert figures.attending_organisations == len(expected.organisations)
    assert figures.attendance_rate == percent(expected.attended, expected.registrations)
    assert figures.proposals_received == expected.proposals_received == 9
    assert figures.proposals_accepted == expected.proposals_accepted == 3

    sectors = dict(report.table("sectors").rows)
    assert sectors == expected.by_sector
    communes = {row[1]: row[3] for row in report.table("communes").rows}
    assert communes == expected.by_commune
    assert dict(report.table("epcis").rows) == {"CA Redon Agglomération": expected.members_end}
    families = dict(report.table("families").rows)
    assert families == {"Associations": 6, "Coopératives": 3}
    kinds = {row[0]: row[1] for row in report.table("events").rows}
    assert kinds == {str(Event.Kind(k).label): n for k, n in expected.events_by_kind.items()}
    (matrix,) = [t for t in report.tables if t.matrix]
    came = {row[0]: {matrix.columns[i] for i, cell in enumerate(row) if cell == "oui"} for row in matrix.rows}
    dates = {e.title: f"{timezone.localtime(e.starts_at):%d/%m/%Y}" for e in held}
    assert came == {org: {dates[t] for t in titles} for org, titles in expected.matrix.items()}
    # The supports of the period only: the department's starts the year after.
    assert [s.partner.name for s in report.supports] == ["Conseil régional de Bretagne"]


def test_the_figures_reconcile_with_the_admins_change_lists(year_world, client):
    pole = year_world["pole_a"]
    client.force_login(year_world["coordinator_a"])
    report = build_report("pole", PERIOD, pole=pole)

    def count(url, **params):
        response = client.get(url, params)
        assert response.status_code == 200
        return response.context_data["cl"].result_count

    events = "/admin/events/event/"
    common = {"pole__id__exact": pole.pk, "status__exact": "published", "starts_at__year": YEAR}
    assert count(events, **common) == report.total.events_held
    for kind, label in Event.Kind.choices:
        row = next((r for r in report.table("events").rows if r[0] == str(label)), None)
        assert count(events, kind__exact=kind, **common) == (row[1] if row else 0)
    registrations = "/admin/events/registration/"
    for line in report.events:
        assert count(registrations, event__id__exact=line.pk, status__exact="confirmed") == line.registrations
        assert count(registrations, event__id__exact=line.pk, status__exact="waitlisted") == line.waitlisted
        assert count(registrations, event__id__exact=line.pk, attended__exact=1) == line.attended
    # A period ending today: the members at its end are the organisation list's members of the pole.
    today = timezone.localdate()
    now = build_report("pole", Period(today - timedelta(days=30), today), pole=pole)
    listed = count("/admin/actors/actor/", pole__id__exact=pole.pk)
    pending = Actor.objects.filter(pole=pole, review_status__in=["pending", "rejected"]).count()
    assert now.total.members_end == listed - pending


def test_the_regional_report_sets_the_poles_side_by_side_with_totals(year_world):
    a, b = year_world["a"], year_world["b"]
    report = build_report("regional", PERIOD)
    rows = {row[0]: row for row in report.table("poles").rows}
    assert rows[str(year_world["pole_a"])][1] == a.members_end
    assert rows[str(year_world["pole_b"])][1] == b.members_end
    total = report.table("poles").total
    assert total[1] == a.members_end + b.members_end == report.total.members_end
    assert report.total.registrations == a.registrations + b.registrations
    assert report.total.attending_organisations == len(a.organisations | b.organisations)


def test_a_funders_report_covers_the_poles_it_supports_in_the_period(year_world):
    report = build_report("funder", PERIOD, partner=year_world["region"])
    assert [p.pk for p in report.poles] == sorted(
        [year_world["pole_a"].pk, year_world["pole_b"].pk], key=lambda pk: Pole.objects.get(pk=pk).name
    )
    assert report.total.members_end == year_world["a"].members_end + year_world["b"].members_end
    # The department supports pole A only from the year after the period.
    assert build_report("funder", PERIOD, partner=year_world["department"]).poles == []
    later = Period.year(YEAR + 1)
    assert [p.pk for p in build_report("funder", later, partner=year_world["department"]).poles] == [
        year_world["pole_a"].pk
    ]


def _queries(**kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        build_report(**kwargs)
    return len(queries.captured_queries)


@pytest.mark.parametrize("kind", ["pole", "regional"])
def test_the_number_of_queries_does_not_grow_with_the_data(
    year_world, places, django_assert_max_num_queries, kind
):
    pole = year_world["pole_a"]
    arguments = {"kind": kind, "period": PERIOD, "pole": pole}
    small = _queries(**arguments)
    build_year(pole, (places.redon, places.bains), year_world["sectors"], size=9, word="Charlie")
    build_year(
        year_world["pole_b"],
        (places.sainte_marie, places.allineuc),
        year_world["sectors"],
        size=6,
        word="Delta",
    )
    with django_assert_max_num_queries(small):
        report = build_report(**arguments)
    assert report.total.members_end > year_world["a"].members_end  # the data did grow
    assert small <= 25


def test_the_history_follows_a_change_of_pole_and_a_corrected_date(db, places):
    pole_a, pole_b = factories.PoleFactory(), factories.PoleFactory()
    actor = factories.ActorFactory(pole=pole_a, commune=places.redon, member_since=date(2020, 2, 1))
    (membership,) = Membership.objects.filter(actor=actor)
    assert (membership.pole, membership.started_on, membership.ended_on) == (pole_a, date(2020, 2, 1), None)

    actor.member_since = date(2019, 9, 1)
    actor.save()
    membership.refresh_from_db()
    assert membership.started_on == date(2019, 9, 1)

    actor.pole = pole_b
    actor.save()
    today = timezone.localdate()
    history = list(Membership.objects.filter(actor=actor).values_list("pole_id", "started_on", "ended_on"))
    assert history == [(pole_a.pk, date(2019, 9, 1), today), (pole_b.pk, today, None)]

    actor.pole = None
    actor.save()
    assert not Membership.objects.filter(actor=actor, ended_on__isnull=True).exists()


def test_bulk_changes_are_caught_up_before_a_report(db, places):
    pole = factories.PoleFactory()
    pole.epcis.add(places.agglo)
    loose = factories.ActorFactory(pole=None, commune=places.redon)
    actors_attach_to_pole(actors=Actor.objects.filter(pk=loose.pk), poles=Pole.objects.filter(pk=pole.pk))
    assert not Membership.objects.filter(actor=loose).exists()  # an UPDATE: no save(), no signal
    today = timezone.localdate()
    report = build_report("pole", Period(today.replace(day=1), today), pole=pole)
    assert report.total.members_end == 1 and report.total.members_new == 1
    assert memberships_sync() == (0, 0)  # idempotent


def test_a_pending_proposal_becomes_a_member_when_approved(db, places):
    pole = factories.PoleFactory()
    proposal = factories.ActorFactory(pole=pole, commune=places.redon, review_status=Actor.Review.PENDING)
    assert not Membership.objects.filter(actor=proposal).exists()
    proposal.review_status = Actor.Review.APPROVED
    proposal.save()
    assert Membership.objects.filter(actor=proposal, pole=pole, ended_on__isnull=True).exists()


def test_the_migration_of_existing_members_starts_their_history(db, places):
    """What 0002 does for the organisations of before: an open membership from member_since."""
    from importlib import import_module

    from django.apps import apps

    pole = factories.PoleFactory()
    actor = factories.ActorFactory(pole=pole, commune=places.redon, member_since=date(2011, 4, 1))
    undated = factories.ActorFactory(pole=pole, commune=places.redon)
    factories.ActorFactory(pole=pole, commune=places.redon, review_status=Actor.Review.PENDING)
    Membership.objects.all().delete()
    import_module("reports.migrations.0002_existing_memberships").forwards(apps, None)
    rows = dict(Membership.objects.values_list("actor_id", "started_on"))
    assert rows == {actor.pk: date(2011, 4, 1), undated.pk: timezone.localtime(undated.created_at).date()}

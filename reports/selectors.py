"""The figures of an activity report: one pole, every pole (regional) or a funder's poles, over a period.

Every figure is an aggregate the database computes, grouped by pole: the report runs the same dozen
queries whatever the number of organisations, events or registrations (``tests/reports``). Definitions
(also shown in the report's notes):

- **members**: the memberships of ``reports.Membership`` (the history of ``Actor.pole``); a pending or
  rejected public proposal is not a member. *At the end*: running on the last day; *new*: started in
  the period; *left*: ended in the period;
- **events held**: published events that started in the period and before now (drafts and cancelled
  events are not held);
- **registrations**: confirmed registrations of those events; **waiting list**: those still waitlisted;
  **attendance**: registrations marked present, the distinct organisations they came from (a linked
  organisation, else the name typed in), and the rate present / confirmed, in whole percent;
- **workshops**: the sessions held, and which organisations came to which (present);
- **proposals**: organisations proposed on the public site in the period and routed to the pole, and
  how many of them were accepted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from actors.models import FAMILY_OF_FORM, Actor, LegalFamily, LegalForm
from events.models import Event, Registration
from poles.models import Commune, Partner, Pole, Support

from .models import Membership


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """The period as aware datetimes in the portal's time zone: [start 00:00, day after end 00:00)."""
        zone = timezone.get_default_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )

    @property
    def is_calendar_year(self) -> bool:
        return self.start == date(self.start.year, 1, 1) and self.end == date(self.start.year, 12, 31)


def percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` in whole percent, rounded half up, in integers (never a float)."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)


@dataclass
class Figures:
    """The headline figures of one pole (or the total of several)."""

    members_end: int = 0
    members_new: int = 0
    members_left: int = 0
    events_held: int = 0
    registrations: int = 0
    waitlisted: int = 0
    attended: int = 0
    attending_organisations: int = 0
    proposals_received: int = 0
    proposals_accepted: int = 0

    @property
    def attendance_rate(self) -> int | None:
        return percent(self.attended, self.registrations)

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


FIGURE_LABELS = [
    ("members_end", gettext_noop("Members at the end of the period")),
    ("members_new", gettext_noop("New members")),
    ("members_left", gettext_noop("Members who left")),
    ("events_held", gettext_noop("Events held")),
    ("registrations", gettext_noop("Confirmed registrations")),
    ("waitlisted", gettext_noop("On a waiting list")),
    ("attended", gettext_noop("People present")),
    ("attending_organisations", gettext_noop("Organisations present")),
    ("attendance_rate", gettext_noop("Attendance rate (%)")),
    ("proposals_received", gettext_noop("Proposals received")),
    ("proposals_accepted", gettext_noop("Proposals accepted")),
]


@dataclass
class Table:
    """One table of the report: a heading, columns, rows (the first cell names the row), and an optional
    total row. Every export (HTML, PDF, spreadsheet, CSV) writes these same tables."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    total: list | None = None
    note: str = ""
    chart: str = ""  # "bar" or "map": drawn by reports.charts from the rows
    chart_rows: list[tuple[str, int]] = field(default_factory=list)
    map_counts: dict[str, int] = field(default_factory=dict)  # INSEE code → members, for the map
    map_codes: list[str] = field(default_factory=list)  # the communes drawn on the map
    map_names: dict[str, str] = field(default_factory=dict)
    matrix: bool = False


@dataclass
class EventLine:
    pk: int
    pole_id: int
    title: str
    kind: str
    kind_label: str
    starts_at: datetime
    workshop_id: int | None
    workshop_title: str
    registrations: int = 0
    waitlisted: int = 0
    attended: int = 0
    organisations: int = 0


@dataclass
class Report:
    kind: str  # ReportJob.Kind values
    period: Period
    poles: list[Pole]
    partner: Partner | None
    supports: list[Support]
    by_pole: dict[int, Figures]
    total: Figures
    tables: list[Table]
    events: list[EventLine]
    generated_at: datetime

    @property
    def single_pole(self) -> Pole | None:
        return self.poles[0] if self.kind == "pole" and len(self.poles) == 1 else None

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def figure_rows(self) -> list[tuple[str, object]]:
        return [(_(label), getattr(self.total, name)) for name, label in FIGURE_LABELS]


def report_poles(kind: str, *, pole: Pole | None = None, partner: Partner | None = None, period: Period):
    """The poles a report covers: the pole; every pole (regional); the poles the partner supports over
    the period (a Support row whose first year, if known, is not after the period's end)."""
    if kind == "pole":
        return [pole]
    if kind == "funder":
        supported = Support.objects.filter(partner=partner).filter(
            Q(since__isnull=True) | Q(since__lte=period.end.year)
        )
        return list(Pole.objects.filter(pk__in=supported.values("pole_id")).defer("outline").order_by("name"))
    return list(Pole.objects.defer("outline").order_by("name"))


def build_report(
    kind: str, period: Period, *, pole: Pole | None = None, partner: Partner | None = None, now=None
) -> Report:
    """Compute a report (see the module's docstring for what each figure counts)."""
    from .memberships import memberships_sync

    memberships_sync()
    now = now or timezone.now()
    poles = report_poles(kind, pole=pole, partner=partner, period=period)
    pole_ids = [p.pk for p in poles]
    start, end = period.bounds
    by_pole = {pk: Figures() for pk in pole_ids}

    # Members: at the end, new, left.
    memberships = Membership.objects.filter(pole_id__in=pole_ids)
    active = Q(started_on__lte=period.end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=period.end))
    for row in memberships.values("pole_id").annotate(
        end=Count("pk", filter=active),
        new=Count("pk", filter=Q(started_on__gte=period.start, started_on__lte=period.end)),
        left=Count("pk", filter=Q(ended_on__gte=period.start, ended_on__lte=period.end)),
    ):
        figures = by_pole[row["pole_id"]]
        figures.members_end, figures.members_new, figures.members_left = row["end"], row["new"], row["left"]
    members = memberships.filter(active)

    tables = []
    tables.append(_members_by_sector(members))
    tables.append(_members_by_family(members))
    tables += _members_by_place(members, poles)

    # Events held, their registrations and attendance.
    held = (
        Event.objects.filter(
            pole_id__in=pole_ids,
            status=Event.Status.PUBLISHED,
            starts_at__gte=start,
            starts_at__lt=min(end, now),
        )
        .select_related("workshop")
        .order_by("starts_at", "pk")
    )
    kinds = dict(Event.Kind.choices)
    events = {
        e.pk: EventLine(
            e.pk,
            e.pole_id,
            e.title,
            e.kind,
            str(kinds.get(e.kind, e.kind)),
            e.starts_at,
            e.workshop_id,
            e.workshop.title if e.workshop_id else "",
        )
        for e in held.only("pk", "pole_id", "title", "kind", "starts_at", "workshop__title")
    }
    registrations = Registration.objects.filter(event_id__in=held.values("pk"))
    present = Q(attended=True)
    named = present & Q(organisation__isnull=True) & ~Q(organisation_name="")
    for row in registrations.values("event_id").annotate(
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
        present=Count("pk", filter=present),
        orgs=Count("organisation", filter=present, distinct=True),
        names=Count(Lower("organisation_name"), filter=named, distinct=True),
    ):
        line = events[row["event_id"]]
        line.registrations, line.waitlisted, line.attended = row["confirmed"], row["waiting"], row["present"]
        line.organisations = row["orgs"] + row["names"]
    for line in events.values():
        figures = by_pole[line.pole_id]
        figures.events_held += 1
        figures.registrations += line.registrations
        figures.waitlisted += line.waitlisted
        figures.attended += line.attended
    for row in registrations.values("event__pole_id").annotate(
        orgs=Count("organisation", filter=present, distinct=True),
        names=Count(Lower("organisation_name"), filter=named, distinct=True),
    ):
        by_pole[row["event__pole_id"]].attending_organisations = row["orgs"] + row["names"]

    lines = list(events.values())
    tables.append(_events_by_kind(lines))
    tables.append(_events_list(lines, poles))
    tables += _workshop_matrices(lines, registrations.filter(present, event__workshop__isnull=False))

    # Proposals from the public site.
    proposals = Actor.objects.filter(pole_id__in=pole_ids, created_at__gte=start, created_at__lt=end).exclude(
        review_status=Actor.Review.NONE
    )
    proposal_counts = {}
    for row in proposals.values("pole_id").annotate(
        received=Count("pk"),
        accepted=Count("pk", filter=Q(review_status=Actor.Review.APPROVED)),
        rejected=Count("pk", filter=Q(review_status=Actor.Review.REJECTED)),
        pending=Count("pk", filter=Q(review_status=Actor.Review.PENDING)),
    ):
        figures = by_pole[row["pole_id"]]
        figures.proposals_received, figures.proposals_accepted = row["received"], row["accepted"]
        proposal_counts[row["pole_id"]] = row
    tables.append(_proposals(poles, proposal_counts))

    total = Figures()
    for figures in by_pole.values():
        total.add(figures)
    if kind != "pole":
        # Organisations that came to events of two poles count once in the total.
        total.attending_organisations = _distinct_attending(registrations)
        tables.insert(0, _poles_side_by_side(poles, by_pole, total))

    supports = list(
        Support.objects.filter(pole_id__in=pole_ids)
        .filter(Q(since__isnull=True) | Q(since__lte=period.end.year))
        .filter(**({"partner": partner} if partner else {}))
        .select_related("partner", "pole")
        .defer("pole__outline")
        .order_by("pole__name", "partner__name", "kind")
    )
    return Report(kind, period, poles, partner, supports, by_pole, total, tables, lines, now)


def _distinct_attending(registrations) -> int:
    present = Q(attended=True)
    counts = registrations.aggregate(
        orgs=Count("organisation", filter=present, distinct=True),
        names=Count(
            Lower("organisation_name"),
            filter=present & Q(organisation__isnull=True) & ~Q(organisation_name=""),
            distinct=True,
        ),
    )
    return counts["orgs"] + counts["names"]


def _members_by_sector(members) -> Table:
    counts = Counter()
    for row in members.values("actor__sectors__name").annotate(n=Count("actor", distinct=True)):
        counts[row["actor__sectors__name"] or _("No sector")] += row["n"]
    rows = [[name, n] for name, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return Table(
        "sectors",
        _("Members by sector"),
        [_("Sector"), _("Members")],
        rows,
        note=_("An organisation active in several sectors counts in each of them."),
        chart="bar",
        chart_rows=[(r[0], r[1]) for r in rows],
    )


def _members_by_family(members) -> Table:
    counts = Counter()
    for row in members.values("actor__legal_form").annotate(n=Count("pk")):
        form = row["actor__legal_form"]
        family = FAMILY_OF_FORM.get(LegalForm(form)) if form in LegalForm.values else None
        counts[family] += row["n"]
    rows = [[str(family.label), counts[family]] for family in LegalFamily if counts[family]]
    if counts[None]:
        rows.append([_("Unknown"), counts[None]])
    return Table(
        "families",
        _("Members by legal family"),
        [_("Legal family"), _("Members")],
        rows,
        total=[_("Total"), sum(counts.values())],
        chart="bar",
        chart_rows=[(r[0], r[1]) for r in rows],
    )


def _members_by_place(members, poles) -> list[Table]:
    by_commune = list(
        members.values(
            "actor__commune__insee_code", "actor__commune__name", "actor__commune__epci__name"
        ).annotate(n=Count("pk"))
    )
    by_epci = Counter()
    for row in by_commune:
        by_epci[row["actor__commune__epci__name"] or _("No intercommunality")] += row["n"]
    total = sum(by_epci.values())
    epci_rows = [[name, n] for name, n in sorted(by_epci.items(), key=lambda item: (-item[1], item[0]))]
    commune_rows = [
        [
            row["actor__commune__name"],
            row["actor__commune__insee_code"],
            row["actor__commune__epci__name"] or "",
            row["n"],
        ]
        for row in sorted(by_commune, key=lambda r: (-r["n"], r["actor__commune__name"]))
    ]
    names = dict(Commune.objects.in_territory_of(poles).values_list("insee_code", "name"))
    names.update({row["actor__commune__insee_code"]: row["actor__commune__name"] for row in by_commune})
    counts = {row["actor__commune__insee_code"]: row["n"] for row in by_commune}
    return [
        Table(
            "epcis",
            _("Members by intercommunality"),
            [_("Intercommunality"), _("Members")],
            epci_rows,
            total=[_("Total"), total],
            chart="bar",
            chart_rows=[(r[0], r[1]) for r in epci_rows],
        ),
        Table(
            "communes",
            _("Members by commune"),
            [_("Commune"), _("INSEE code"), _("Intercommunality"), _("Members")],
            commune_rows,
            total=[_("Total"), "", "", total],
            note=_("The map shows the communes of the territory and every commune where a member is based."),
            chart="map",
            map_counts=counts,
            map_codes=sorted(names),
            map_names=names,
        ),
    ]


def _events_by_kind(lines: list[EventLine]) -> Table:
    rows = []
    total = [_("Total"), 0, 0, 0, 0, None]
    for kind, label in Event.Kind.choices:
        of_kind = [line for line in lines if line.kind == kind]
        if not of_kind:
            continue
        row = [
            str(label),
            len(of_kind),
            sum(line.registrations for line in of_kind),
            sum(line.waitlisted for line in of_kind),
            sum(line.attended for line in of_kind),
        ]
        row.append(percent(row[4], row[2]))
        rows.append(row)
        for index in range(1, 5):
            total[index] += row[index]
    total[5] = percent(total[4], total[2])
    return Table(
        "events",
        _("Events held by kind"),
        [
            _("Kind"),
            _("Events"),
            _("Confirmed registrations"),
            _("On a waiting list"),
            _("People present"),
            _("Attendance rate (%)"),
        ],
        rows,
        total=total,
        chart="bar",
        chart_rows=[(r[0], r[1]) for r in rows],
    )


def _events_list(lines: list[EventLine], poles) -> Table:
    names = {p.pk: p.acronym or p.name for p in poles}
    rows = [
        [
            line.title,
            timezone.localtime(line.starts_at).date(),
            line.kind_label,
            names.get(line.pole_id, ""),
            line.registrations,
            line.waitlisted,
            line.attended,
            line.organisations,
            percent(line.attended, line.registrations),
        ]
        for line in lines
    ]
    return Table(
        "event_list",
        _("Events held"),
        [
            _("Event"),
            _("Date"),
            _("Kind"),
            _("Pole"),
            _("Confirmed registrations"),
            _("On a waiting list"),
            _("People present"),
            _("Organisations present"),
            _("Attendance rate (%)"),
        ],
        rows,
    )


def _workshop_matrices(lines: list[EventLine], present) -> list[Table]:
    sessions = defaultdict(list)
    titles = {}
    for line in lines:
        if line.kind == Event.Kind.WORKSHOP_SESSION and line.workshop_id:
            sessions[line.workshop_id].append(line)
            titles[line.workshop_id] = line.workshop_title
    if not sessions:
        return [
            Table(
                "workshops",
                _("Workshops"),
                [_("Workshop")],
                [],
                note=_("No workshop session was held in the period."),
            )
        ]
    came = defaultdict(set)  # (workshop, organisation label) → session ids
    for row in present.filter(event_id__in=[s.pk for group in sessions.values() for s in group]).values(
        "event_id", "event__workshop_id", "organisation__name", "organisation_name"
    ):
        label = row["organisation__name"] or row["organisation_name"].strip()
        if label:
            came[row["event__workshop_id"], label].add(row["event_id"])
    tables = []
    for index, (workshop_id, group) in enumerate(sorted(sessions.items(), key=lambda item: titles[item[0]])):
        organisations = sorted(label for (wid, label) in came if wid == workshop_id)
        rows = []
        for label in organisations:
            seen = came[workshop_id, label]
            rows.append([label, *(_("yes") if s.pk in seen else "" for s in group), len(seen)])
        total = [
            _("Organisations present"),
            *(sum(1 for label in organisations if s.pk in came[workshop_id, label]) for s in group),
            len(organisations),
        ]
        columns = [
            _("Organisation"),
            *(f"{timezone.localtime(s.starts_at):%d/%m/%Y}" for s in group),
            _("Sessions attended"),
        ]
        tables.append(
            Table(
                f"workshop_{index + 1}",
                _("Workshop “%(title)s”: who came to which session") % {"title": titles[workshop_id]},
                columns,
                rows,
                total=total,
                note=_("One row per organisation present at a session, one column per session held."),
                matrix=True,
            )
        )
    return tables


def _proposals(poles, counts: dict[int, dict]) -> Table:
    rows = []
    total = [_("Total"), 0, 0, 0, 0]
    for pole in poles:
        row = counts.get(pole.pk)
        if not row:
            continue
        values = [row["received"], row["accepted"], row["rejected"], row["pending"]]
        rows.append([str(pole), *values])
        for index, value in enumerate(values, start=1):
            total[index] += value
    return Table(
        "proposals",
        _("Organisations proposed on the public site"),
        [_("Pole"), _("Received"), _("Accepted"), _("Rejected"), _("Waiting for review")],
        rows,
        total=total,
    )


def _poles_side_by_side(poles, by_pole: dict[int, Figures], total: Figures) -> Table:
    columns = [_("Pole"), *(_(label) for _name, label in FIGURE_LABELS)]
    rows = [[str(p), *(getattr(by_pole[p.pk], name) for name, _label in FIGURE_LABELS)] for p in poles]
    return Table(
        "poles",
        _("Every pole side by side"),
        columns,
        rows,
        total=[_("Total"), *(getattr(total, name) for name, _label in FIGURE_LABELS)],
        note=_("In the total, an organisation present at events of several poles counts once."),
        chart="bar",
        chart_rows=[(p.acronym or p.name, by_pole[p.pk].members_end) for p in poles],
    )

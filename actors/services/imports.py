"""The CSV import of a pole's organisations: check every row, then write all or nothing.

Run by the worker through an ``ImportJob`` (``actors.services.import_jobs``)."""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.csv_export import restore
from core.text import compact, fold
from core.validation import instance_errors
from core.validators import normalize_siret
from poles.models import Commune, Pole

from ..models import Actor, LegalForm, Sector
from .csv_format import (
    EXPORT_COLUMNS,
    FALSE_WORDS,
    IMPORT_MAX_ROWS,
    TRUE_WORDS,
    ImportFileRefused,
    column_map,
    csv_dialect,
    decode_csv,
    label_key,
    legal_form_aliases,
    parse_date,
    parse_float,
    read_bytes,
    unknown_legal_form,
    unknown_sector,
)
from .publication import actors_attach_to_pole, unique_slug

logger = logging.getLogger(__name__)


@dataclass
class ImportRow:
    """One data line of an import file: what will happen to it, or why it cannot be imported."""

    line: int
    name: str
    # "create", "update" (one of the pole's organisations), "adopt" (an organisation without a pole,
    # in the pole's territory, joins the pole and is updated) or "error"
    action: str = "create"
    errors: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict, repr=False)
    sectors: list[Sector] = field(default_factory=list, repr=False)
    existing: Actor | None = field(default=None, repr=False)

    @property
    def is_error(self) -> bool:
        return bool(self.errors)

    def as_json(self) -> dict:
        return {"line": self.line, "name": self.name, "action": self.action, "errors": self.errors}


@dataclass
class ImportReport:
    """The outcome of ``actors_import``: every row, each with its action or its errors (in French)."""

    pole: Pole
    dry_run: bool
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.is_error]

    @property
    def created(self) -> int:
        return sum(1 for row in self.rows if row.action == "create" and not row.is_error)

    @property
    def updated(self) -> int:
        return sum(1 for row in self.rows if row.action in ("update", "adopt") and not row.is_error)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.error_rows and bool(self.rows)

    def as_json(self) -> dict:
        """What the job page shows, kept with the job (``ImportJob.report``)."""
        return {
            "dry_run": self.dry_run,
            "written": self.written,
            "ok": self.ok,
            "created": self.created,
            "updated": self.updated,
            "error_count": len(self.error_rows),
            "file_errors": self.file_errors,
            "rows": [row.as_json() for row in self.rows],
        }


#: The history's reason for the rows an import writes.
REASON = "CSV import"
IMPORT_CONFLICT = gettext_lazy(
    "An organisation with this SIRET, or with this name in this commune, is already in the directory "
    "and you cannot change it: ask the regional team."
)
IMPORT_PENDING_PROPOSAL = gettext_lazy(
    "This organisation is a public proposal waiting for review: approve or reject it before importing it."
)
IMPORT_CHANGED = gettext_lazy(
    "The organisations changed while importing (a SIRET or name is now taken): nothing was written."
)

#: The fields an import writes (beside the pole, the slug of new organisations and the search text):
#: the columns of the file that are fields of the model.
IMPORT_FIELDS = tuple(
    name for name in EXPORT_COLUMNS if name in {f.name for f in Actor._meta.concrete_fields}
)


class _Lookup:
    """What the rows are checked against, loaded once per import (a few queries whatever the number of
    rows): communes, sectors, and the organisations the file's SIRETs and names match, in any pole —
    matches the importer may not change are conflicts, and must be told apart from new organisations."""

    def __init__(self, rows: list[dict], pole: Pole):
        self.pole = pole
        self.by_insee: dict[str, Commune] = {}
        self.by_name: dict[str, list[Commune]] = {}
        self.by_pk: dict[int, Commune] = {}
        fields = (
            "pk",
            "insee_code",
            "name",
            "postal_codes",
            "department_code",
            "epci_id",
            "latitude",
            "longitude",
        )
        for commune in Commune.objects.only(*fields):
            self.by_insee[commune.insee_code] = commune
            self.by_pk[commune.pk] = commune
            self.by_name.setdefault(compact(commune.name), []).append(commune)
        self.legal_forms = legal_form_aliases()
        self.sectors: dict[str, Sector] = {}
        self.sector_names: list[str] = []
        for sector in Sector.objects.all():
            self.sectors[compact(sector.name)] = sector
            self.sectors[sector.slug] = sector
            self.sector_names.append(sector.name)
        sirets = {normalize_siret(r.get("siret", "")) for r in rows} - {""}
        self.by_siret = {a.siret: a for a in Actor.objects.filter(siret__in=sirets)}
        commune_ids = set()
        for r in rows:
            commune = self.commune(
                r.get("insee_code", "").strip(), r.get("postal_code", "").strip(), r.get("commune", "")
            )
            if commune is not None:
                commune_ids.add(commune.pk)
        # Of two organisations with the same name in a commune, the pole's own wins, then one without a pole.
        same_place = sorted(
            Actor.objects.filter(commune_id__in=commune_ids),
            key=lambda a: (a.pole_id == pole.pk, a.pole_id is None),
        )
        self.by_key = {(compact(actor.name), actor.commune_id): actor for actor in same_place}
        self._adoptable: dict[int, bool] = {}
        self.constraints_checked: dict = {}  # core.validation.instance_errors(memo=...)

    def commune(self, insee: str, postal: str, name: str) -> Commune | None:
        if insee:
            return self.by_insee.get(insee)
        candidates = self.by_name.get(compact(name), [])
        if postal:
            candidates = [c for c in candidates if postal in c.postal_code_list]
        return candidates[0] if len(candidates) == 1 else None

    def in_territory(self, commune_id: int) -> bool:
        """Whether the pole may adopt an organisation without a pole in this commune: the rule of the
        "Attach to my pole" action (``actors_attach_to_pole``), asked once per commune."""
        if commune_id not in self._adoptable:
            commune = self.by_pk.get(commune_id)
            self._adoptable[commune_id] = (
                commune is not None and Pole.objects.filter(pk=self.pole.pk).territory_of(commune).exists()
            )
        return self._adoptable[commune_id]


def _match_problem(existing: Actor, pole: Pole, lookup: _Lookup) -> str | None:
    """Why a row matching ``existing`` cannot update it (None when it can: see ``actors_import``)."""
    if existing.pole_id == pole.pk:
        return str(IMPORT_PENDING_PROPOSAL) if existing.review_status == Actor.Review.PENDING else None
    if (
        existing.pole_id is None
        and existing.review_status != Actor.Review.PENDING
        and lookup.in_territory(existing.commune_id)
    ):
        return None
    return str(IMPORT_CONFLICT)


def _apply(actor: Actor, values: dict) -> None:
    """Update ``actor`` with the file's values; an empty cell keeps what is known."""
    for name, value in values.items():
        if value not in ("", None):
            setattr(actor, name, value)
    if actor.latitude is None or actor.longitude is None:
        actor.latitude = actor.longitude = None


def _would_be(row: ImportRow, pole: Pole) -> Actor:
    """The organisation as the row would write it (a copy: nothing is changed or saved)."""
    if row.existing is None:
        # A new member is published unless the file says otherwise; an update keeps the
        # organisation's publication as it is when the file has no "published" value.
        actor = Actor(**{"is_published": True, **row.values})
    else:
        actor = Actor(**{f.attname: getattr(row.existing, f.attname) for f in Actor._meta.concrete_fields})
        actor._state.adding = False
        _apply(actor, row.values)
    actor.pole = pole
    return actor


def _check_row(raw: dict, line: int, pole: Pole, lookup: _Lookup, seen: dict) -> ImportRow:
    name = " ".join(raw.get("name", "").split())
    row = ImportRow(line=line, name=name)
    errors = row.errors
    unreadable: set[str] = set()  # fields whose cell could not be read: reported once, not re-validated
    values: dict = {"name": name, "acronym": raw.get("acronym", "").strip()}
    if not name:
        errors.append(_("The name is missing."))
        unreadable.add("name")

    legal = label_key(raw.get("legal_form", ""))
    if not legal:
        values["legal_form"] = LegalForm.ASSOCIATION
    elif legal in lookup.legal_forms:
        values["legal_form"] = lookup.legal_forms[legal]
    else:
        errors.append(unknown_legal_form(raw.get("legal_form", "").strip()))
        unreadable.add("legal_form")

    for label in filter(None, (s.strip() for s in re.split(r"[,|/]", raw.get("sectors", "")))):
        sector = lookup.sectors.get(compact(label)) or lookup.sectors.get(slugify(label))
        if sector is None:
            errors.append(unknown_sector(label, lookup.sector_names))
        else:
            row.sectors.append(sector)

    siret = normalize_siret(raw.get("siret", ""))
    values["siret"] = siret

    insee = raw.get("insee_code", "").strip()
    postal = raw.get("postal_code", "").strip()
    commune_name = raw.get("commune", "").strip()
    commune = lookup.commune(insee, postal, commune_name)
    if commune is None:
        if not (insee or commune_name):
            errors.append(_("The commune is missing: give its INSEE code, or its postal code and name."))
        else:
            shown = insee or " ".join(filter(None, (postal, commune_name)))
            errors.append(_("Unknown commune “%(value)s”.") % {"value": shown})
    values["commune"] = commune
    values["address"] = raw.get("address", "").strip()

    lat, lon = raw.get("latitude", "").strip(), raw.get("longitude", "").strip()
    values["latitude"] = values["longitude"] = None
    if lat or lon:
        try:
            values["latitude"], values["longitude"] = parse_float(lat), parse_float(lon)
        except ValueError:
            errors.append(_("Latitude and longitude must both be decimal degrees (e.g. 48.11 and -1.68)."))
            unreadable |= {"latitude", "longitude"}
            values["latitude"] = values["longitude"] = None

    website = raw.get("website", "").strip()
    if website and "://" not in website:
        website = f"https://{website}"
    values["website"] = website
    values["email"] = raw.get("email", "").strip()
    values["phone"] = raw.get("phone", "").strip()
    values["description"] = raw.get("description", "").strip()
    since = raw.get("member_since", "").strip()
    values["member_since"] = None
    if since:
        try:
            values["member_since"] = parse_date(since)
        except ValueError:
            errors.append(_("Invalid membership date “%(value)s” (expected DD/MM/YYYY).") % {"value": since})
    published = fold(raw.get("is_published", "")).strip()
    if published in FALSE_WORDS:
        values["is_published"] = False
    elif published in TRUE_WORDS:
        values["is_published"] = True
    elif published:
        errors.append(_("“Published” must be yes or no, not “%(value)s”.") % {"value": published})

    key = (compact(name), commune.pk if commune else None)
    for marker in filter(None, (siret and ("siret", siret), name and commune and ("name", key))):
        if marker in seen:
            errors.append(_("Duplicate of line %(line)s of the file.") % {"line": seen[marker]})
        else:
            seen[marker] = line

    existing = (lookup.by_siret.get(siret) if siret else None) or (
        lookup.by_key.get(key) if commune else None
    )
    if existing is not None:
        problem = _match_problem(existing, pole, lookup)
        if problem:
            errors.append(problem)
        else:
            row.action = "update" if existing.pole_id == pole.pk else "adopt"
            row.existing = existing
    row.values = values
    # Everything else the database would refuse, by the model's own rules (lengths, choices,
    # validators, check constraints). The commune and pole are resolved above; the SIRET's uniqueness
    # is the matching above; a new organisation's slug is made unique when written.
    errors.extend(
        instance_errors(
            _would_be(row, pole),
            exclude=unreadable | {"commune", "pole", "slug"},
            constraints=True,
            memo=lookup.constraints_checked,
        )
    )
    if errors:
        row.action = "error"
    return row


def actors_import(*, pole: Pole, file, user, dry_run: bool, progress=None) -> ImportReport:
    """Import a CSV of organisations into ``pole``: every row checked, then all written or none.

    ``file`` is an uploaded file or bytes. Accepted: UTF-8 (with or without BOM) or Windows-1252,
    separated by ``;`` or ``,``, with a header row naming the columns of ``EXPORT_COLUMNS`` (French
    titles such as "Nom", "Code INSEE", "Code postal", "Secteurs" work too). Without latitude/longitude
    the map uses the commune's point. With ``dry_run`` nothing is written; otherwise the rows are
    written in one transaction, and only when no row is in error. ``user`` must manage ``pole``
    (checked by the caller's scoping, re-checked here). The web pages run it in the worker, through an
    :class:`~actors.models.ImportJob` (``import_job_create``).

    What a row may do stays inside the importer's pole: it creates an organisation of the pole, or it
    matches one by SIRET, else by name and commune, and updates it only if it is the pole's own, or if
    it has no pole and lies in the pole's territory (the rule of "Attach to my pole": it then joins the
    pole). A pending public proposal is never imported over (it is reviewed first), and a match the
    importer may not change gets the one message ``IMPORT_CONFLICT``, which says nothing of whose it is.
    """
    report = actors_import_check(pole=pole, file=file, user=user, progress=progress)
    report.dry_run = dry_run
    if not dry_run and report.ok:
        actors_import_write(report=report, user=user)
    return report


def actors_import_check(*, pole: Pole, file, user, progress=None) -> ImportReport:
    """Read and check every row of an import file (see ``actors_import``); nothing is written.

    ``progress(done, total)``, when given, is called after each row.
    """
    report = ImportReport(pole=pole, dry_run=True)
    if not Pole.objects.for_user(user).filter(pk=pole.pk).exists():
        report.file_errors.append(_("You cannot import into this pole."))
        return report
    try:
        text = decode_csv(read_bytes(file))
    except ImportFileRefused as exc:
        report.file_errors.append(str(exc))
        return report

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_dialect(text))
    try:
        header = next(reader)
        mapping = column_map(header)
        raw_rows = []
        for line_number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            cells = [restore(cell) for cell in cells]  # the portal's exports quote formula-like cells
            raw_rows.append(
                (line_number, {key: (cells[i] if i < len(cells) else "") for key, i in mapping.items()})
            )
            if len(raw_rows) > IMPORT_MAX_ROWS:
                report.file_errors.append(_("Too many rows: at most %(count)s.") % {"count": IMPORT_MAX_ROWS})
                return report
    except csv.Error as exc:
        report.file_errors.append(_("The file is not a readable CSV file (%(error)s).") % {"error": exc})
        return report
    if "name" not in mapping:
        report.file_errors.append(
            _("No “name” column (or “nom”) found in the first line: is this the right file and separator?")
        )
        return report
    if not raw_rows:
        report.file_errors.append(_("The file has no data rows."))
        return report

    total = len(raw_rows)
    if progress:
        progress(0, total)
    lookup = _Lookup([raw for _line, raw in raw_rows], pole)
    seen: dict = {}
    for done, (line, raw) in enumerate(raw_rows, start=1):
        report.rows.append(_check_row(raw, line, pole, lookup, seen))
        if progress:
            progress(done, total)
    return report


class _Changed(Exception):
    """An organisation a row was checked against changed before the write: nothing is written."""


def actors_import_write(*, report: ImportReport, user=None) -> ImportReport:
    """Write the rows of a checked report whose every row is valid, all or nothing.

    Runs in a transaction of its own (a savepoint inside the caller's): if an organisation matched by
    the check has changed hands since, or the database refuses a row (a SIRET or slug taken meanwhile),
    nothing is written and the report says so.
    """
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            _write_rows(report, user=user)
    except (IntegrityError, _Changed):
        report.file_errors.append(str(IMPORT_CHANGED))
        return report
    report.written = True
    report.dry_run = False
    return report


def _write_rows(report: ImportReport, *, user=None) -> None:
    """Bulk writes: a handful of queries per 500 rows (the rows were checked by ``_check_row``)."""
    pole, now = report.pole, timezone.now()
    updates = [row for row in report.rows if row.existing is not None]
    current = Actor.objects.select_for_update().in_bulk([row.existing.pk for row in updates])
    for row in updates:
        actor = current.get(row.existing.pk)
        # Still where the check found it: the pole's own, or without a pole (then adopted below).
        if (
            actor is None
            or actor.pole_id != row.existing.pole_id
            or actor.review_status == Actor.Review.PENDING
        ):
            raise _Changed
    adopted = [row.existing.pk for row in updates if row.action == "adopt"]
    if adopted:
        attached = actors_attach_to_pole(
            actors=Actor.objects.filter(pk__in=adopted), poles=Pole.objects.filter(pk=pole.pk), user=user
        )
        if attached != len(adopted):
            raise _Changed
    # Only what changed is written, grouped by the fields that changed: bulk_update builds a CASE per
    # field and row, and a file exported then imported back changes little.
    names = (*IMPORT_FIELDS, "pole", "search_text")
    attnames = [Actor._meta.get_field(name).attname for name in names]
    by_fields: dict[tuple[str, ...], list[Actor]] = {}
    for row in updates:
        actor = current[row.existing.pk]
        before = [getattr(actor, attname) for attname in attnames]
        _apply(actor, row.values)
        actor.pole = pole
        actor.search_text = actor.build_search_text(row.values["commune"].name)
        fields = tuple(
            name
            for name, attname, old in zip(names, attnames, before, strict=True)
            if getattr(actor, attname) != old
        )
        if fields:
            actor.updated_at = now
            by_fields.setdefault(fields, []).append(actor)
    for fields, actors in by_fields.items():
        bulk_update_with_history(
            actors,
            Actor,
            [*fields, "updated_at"],
            batch_size=500,
            default_user=user,
            default_change_reason=REASON,
        )

    taken = set(Actor.objects.values_list("slug", flat=True))
    created = []
    for row in report.rows:
        if row.existing is None:
            actor = Actor(
                **{"is_published": True, **row.values}, pole=pole, slug=unique_slug(row.name, taken)
            )
            actor.search_text = actor.build_search_text(row.values["commune"].name)
            created.append(actor)
    # Recorded in the history too (it reads the new ids back where the database does not return them).
    created = bulk_create_with_history(
        created, Actor, batch_size=500, default_user=user, default_change_reason=REASON
    )
    if created and created[0].pk is None:  # a database that does not return the new ids
        ids = dict(Actor.objects.filter(slug__in=[a.slug for a in created]).values_list("slug", "pk"))
        for actor in created:
            actor.pk = ids[actor.slug]

    through = Actor.sectors.through
    actors = iter(created)
    links = []
    for row in report.rows:
        actor = current[row.existing.pk] if row.existing is not None else next(actors)
        links.extend(through(actor_id=actor.pk, sector_id=sector.pk) for sector in row.sectors)
    through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)

"""Services of the actors app: the writes coordinators and visitors trigger on organisations.

- publication (``actors_set_published``) and attaching organisations to a pole (``actors_attach_to_pole``);
- the CSV import of a pole's organisations (``actors_import``: parse, check every row, then write all or
  nothing; run by the Celery worker through an ``ImportJob``: ``import_job_create``, ``import_job_run``)
  and the matching CSV export (``actors_export_rows``);
- public proposals (``actor_propose``, ``actor_proposals_approve``, ``actor_proposal_reject``), routed to
  the pole whose territory contains the commune (``Pole.objects.territory_of``), else the regional team.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ess_portal.csv_export import restore
from ess_portal.text import compact, fold
from ess_portal.validation import instance_errors
from poles.models import REGIONAL_GROUP, Commune, Pole

from .models import Actor, ImportJob, LegalForm, Sector
from .validators import normalize_siret

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------------
# Publication and membership
# --------------------------------------------------------------------------------------------------


def actors_set_published(*, actors: QuerySet[Actor], published: bool) -> int:
    """Publish or unpublish organisations; a pending proposal that gets published counts as approved."""
    with transaction.atomic():
        count = actors.exclude(is_published=published).update(is_published=published)
        if published:
            actors.filter(review_status=Actor.Review.PENDING).update(review_status=Actor.Review.APPROVED)
    return count


def actors_attach_to_pole(*, actors: QuerySet[Actor], poles: QuerySet[Pole]) -> int:
    """Make organisations without a pole members of the one of ``poles`` whose territory contains them.

    Used by coordinators to adopt the suggestions of the "in my territory but not a member" filter (the
    territory is ``Commune.objects.in_territory_of``, a drawn shape plays no part). Organisations already in a pole, or outside every given territory, are left alone. The territory is
    asked once per commune and the organisations are moved with one update per pole, so selecting
    thousands costs a few queries per commune, not per organisation.
    """
    attached = 0
    with transaction.atomic():
        rows = actors.filter(pole__isnull=True).select_for_update(of=("self",))
        by_commune: dict[int, list[int]] = {}
        for pk, commune_id in rows.values_list("pk", "commune_id"):
            by_commune.setdefault(commune_id, []).append(pk)
        by_pole: dict[Pole, list[int]] = {}
        for commune in Commune.objects.filter(pk__in=by_commune):
            pole = poles.territory_of(commune).first()
            if pole is not None:
                by_pole.setdefault(pole, []).extend(by_commune[commune.pk])
        now = timezone.now()
        for pole, ids in by_pole.items():
            attached += Actor.objects.filter(pk__in=ids, pole__isnull=True).update(pole=pole, updated_at=now)
    return attached


# --------------------------------------------------------------------------------------------------
# CSV import and export
# --------------------------------------------------------------------------------------------------

IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_ROWS = 5000

#: The columns of the import and export files (the export is a valid import file).
EXPORT_COLUMNS = (
    "name",
    "acronym",
    "legal_form",
    "sectors",
    "siret",
    "address",
    "insee_code",
    "postal_code",
    "commune",
    "latitude",
    "longitude",
    "website",
    "email",
    "phone",
    "description",
    "member_since",
    "is_published",
)

#: Accepted column titles (folded: lower case, no accents) for each column.
COLUMN_ALIASES = {
    "name": ("name", "nom", "raison sociale", "organisation", "structure"),
    "acronym": ("acronym", "sigle"),
    "legal_form": ("legal_form", "legal form", "forme juridique", "statut"),
    "sectors": ("sectors", "secteurs", "secteur", "secteurs d'activite"),
    "siret": ("siret", "n siret", "numero siret"),
    "address": ("address", "adresse"),
    "insee_code": ("insee_code", "insee", "code insee", "code commune"),
    "postal_code": ("postal_code", "code postal", "cp"),
    "commune": ("commune", "ville", "commune name"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng"),
    "website": ("website", "site", "site web", "site internet"),
    "email": ("email", "e-mail", "courriel", "mail"),
    "phone": ("phone", "telephone", "tel"),
    "description": ("description", "activite", "presentation"),
    "member_since": ("member_since", "adherent depuis", "date d'adhesion"),
    "is_published": ("is_published", "publie", "published"),
}

LEGAL_FORM_ALIASES = {
    "association": LegalForm.ASSOCIATION,
    "association loi 1901": LegalForm.ASSOCIATION,
    "scop": LegalForm.SCOP,
    "scic": LegalForm.SCIC,
    "cae": LegalForm.CAE,
    "cooperative": LegalForm.COOPERATIVE,
    "mutuelle": LegalForm.MUTUAL,
    "mutual": LegalForm.MUTUAL,
    "fondation": LegalForm.FOUNDATION,
    "foundation": LegalForm.FOUNDATION,
    "esus": LegalForm.ESUS,
    "entreprise esus": LegalForm.ESUS,
    "societe commerciale de l'ess": LegalForm.COMMERCIAL_ESS,
    "commercial_ess": LegalForm.COMMERCIAL_ESS,
}

TRUE_WORDS = {"1", "oui", "o", "yes", "y", "true", "vrai", "x"}
FALSE_WORDS = {"0", "non", "n", "no", "false", "faux"}


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


class ImportFileRefused(Exception):
    """The uploaded file cannot be read as a CSV file (its message says why, in French)."""


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes | bytearray | memoryview):
        return bytes(file)
    if hasattr(file, "size") and file.size is not None and file.size > IMPORT_MAX_BYTES:
        raise ImportFileRefused(_file_too_big())
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(IMPORT_MAX_BYTES + 1)
    return data.encode("utf-8") if isinstance(data, str) else data


def _file_too_big() -> str:
    return _("The file is too big: at most %(size)s MB.") % {"size": IMPORT_MAX_BYTES // (1024 * 1024)}


def decode_csv(data: bytes) -> str:
    """Decode what French spreadsheets export: UTF-8 (with or without BOM), else Windows-1252.

    A NUL byte anywhere means a binary file (and PostgreSQL refuses it in text columns).
    """
    if len(data) > IMPORT_MAX_BYTES:
        raise ImportFileRefused(_file_too_big())
    if not data.strip():
        raise ImportFileRefused(_("The file is empty."))
    if b"\x00" in data:
        raise ImportFileRefused(
            _("This is not a CSV file: save the spreadsheet as “CSV” and upload that file.")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportFileRefused(
                _("The file's encoding is not recognised: use UTF-8 or Windows-1252.")
            ) from exc


def _dialect(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first_line, delimiters=";,\t").delimiter
    except csv.Error:
        return max(";,\t", key=first_line.count)


def _column_map(header: list[str]) -> dict[str, int]:
    wanted = {fold(alias).strip(): key for key, aliases in COLUMN_ALIASES.items() for alias in aliases}
    mapping: dict[str, int] = {}
    for index, title in enumerate(header):
        key = wanted.get(" ".join(fold(title).replace("_", " ").split()))
        key = key or wanted.get(fold(title).strip())
        if key and key not in mapping:
            mapping[key] = index
    return mapping


def _parse_float(value: str) -> float:
    """A decimal number; "nan" and "inf", which Python reads but no coordinate is, are refused."""
    number = float(value.replace(",", ".").replace(" ", ""))
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _parse_date(value: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


#: The one answer for a row that matches an organisation the importer may not change (another pole's,
#: or one without a pole outside the pole's territory): it says nothing of whose it is.
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
        self.sectors: dict[str, Sector] = {}
        for sector in Sector.objects.all():
            self.sectors[compact(sector.name)] = sector
            self.sectors[sector.slug] = sector
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
        self.constraints_checked: dict = {}  # ess_portal.validation.instance_errors(memo=...)

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

    legal = fold(raw.get("legal_form", "")).strip()
    if not legal:
        values["legal_form"] = LegalForm.ASSOCIATION
    elif legal in LegalForm.values:
        values["legal_form"] = legal
    elif legal in LEGAL_FORM_ALIASES:
        values["legal_form"] = LEGAL_FORM_ALIASES[legal]
    else:
        errors.append(_("Unknown legal form “%(value)s”.") % {"value": raw.get("legal_form", "").strip()})
        unreadable.add("legal_form")

    for label in filter(None, (s.strip() for s in re.split(r"[,|/]", raw.get("sectors", "")))):
        sector = lookup.sectors.get(compact(label)) or lookup.sectors.get(slugify(label))
        if sector is None:
            errors.append(_("Unknown sector “%(value)s”.") % {"value": label})
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
            values["latitude"], values["longitude"] = _parse_float(lat), _parse_float(lon)
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
            values["member_since"] = _parse_date(since)
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
        actors_import_write(report=report)
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
        text = decode_csv(_read_bytes(file))
    except ImportFileRefused as exc:
        report.file_errors.append(str(exc))
        return report

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text))
    try:
        header = next(reader)
        mapping = _column_map(header)
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


def actors_import_write(*, report: ImportReport) -> ImportReport:
    """Write the rows of a checked report whose every row is valid, all or nothing.

    Runs in a transaction of its own (a savepoint inside the caller's): if an organisation matched by
    the check has changed hands since, or the database refuses a row (a SIRET or slug taken meanwhile),
    nothing is written and the report says so.
    """
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            _write_rows(report)
    except (IntegrityError, _Changed):
        report.file_errors.append(str(IMPORT_CHANGED))
        return report
    report.written = True
    report.dry_run = False
    return report


def _write_rows(report: ImportReport) -> None:
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
            actors=Actor.objects.filter(pk__in=adopted), poles=Pole.objects.filter(pk=pole.pk)
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
        Actor.objects.bulk_update(actors, [*fields, "updated_at"], batch_size=500)

    taken = set(Actor.objects.values_list("slug", flat=True))
    created = []
    for row in report.rows:
        if row.existing is None:
            actor = Actor(
                **{"is_published": True, **row.values}, pole=pole, slug=_unique_slug(row.name, taken)
            )
            actor.search_text = actor.build_search_text(row.values["commune"].name)
            created.append(actor)
    Actor.objects.bulk_create(created, batch_size=500)
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


def _unique_slug(name: str, taken: set[str] | None = None) -> str:
    """A slug for ``name`` not in use. ``taken``: every slug in use, when the caller loaded them (a bulk
    import; the new slug joins it); else the database is asked."""
    base = slugify(name)[:200] or "organisation"
    if taken is None:
        taken = set(Actor.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


# --------------------------------------------------------------------------------------------------
# Import jobs: the preview and the confirmed import run in the worker
# --------------------------------------------------------------------------------------------------
#
# An upload becomes an ImportJob row (file, pole, user, language); its id is handed to the worker once
# the row is committed (``transaction.on_commit(..., robust=True)``: a broker that is down delays the
# job, never fails the upload). The worker claims the job with one conditional UPDATE, so a message
# delivered twice runs it once; it records its progress in the row (the page polls it, a reload keeps
# it) and finally the report. The confirmed import marks the job done in the same transaction as its
# writes. The beat sweep ``import_jobs_requeue`` hands again to the worker any job left waiting (broker
# down, message lost) or whose worker died mid-run; the job's page does the same for its own job.

IMPORT_JOB_REQUEUE_AFTER = timedelta(minutes=1)
IMPORT_JOB_STALE_AFTER = timedelta(minutes=10)
IMPORT_JOB_MAX_ATTEMPTS = 3
IMPORT_JOB_KEEP_UNCONFIRMED = timedelta(days=7)
IMPORT_PROGRESS_SECONDS = 0.5
IMPORT_JOB_FAILED = gettext_lazy(
    "The import stopped on an unexpected error and nothing was written: upload the file again, or ask "
    "the regional team if it happens again."
)


def import_job_create(*, pole: Pole, user, file_name: str, content: bytes) -> ImportJob:
    """Keep an uploaded file and have the worker preview it (a dry run) once the row is committed."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            pole=pole,
            created_by=user,
            file_name=file_name[:255],
            content=content,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        _import_job_publish_on_commit(job.pk)
    return job


def import_job_confirm(*, job: ImportJob) -> bool:
    """Have the worker import a previewed file in which every row is valid.

    False, and nothing happens, when the job is not such a preview (already confirmed, rows in error,
    or the file expired).
    """
    with transaction.atomic():
        confirmed = (
            ImportJob.objects.filter(
                pk=job.pk, stage=ImportJob.Stage.PREVIEW, status=ImportJob.Status.DONE, report__ok=True
            )
            .exclude(content=b"")
            .update(
                stage=ImportJob.Stage.IMPORT,
                status=ImportJob.Status.QUEUED,
                progress_done=0,
                attempts=0,
                enqueued_at=None,
                started_at=None,
                finished_at=None,
                updated_at=timezone.now(),
            )
        )
        if confirmed:
            _import_job_publish_on_commit(job.pk)
    return bool(confirmed)


def _import_job_publish_on_commit(job_id: int) -> None:
    transaction.on_commit(lambda: _import_job_publish(job_id), robust=True)


def _import_job_publish(job_id: int) -> None:
    """Hand the job to a worker; never retry here: a broker outage is the sweep's business."""
    from .tasks import run_import_job

    ImportJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    run_import_job.apply_async((job_id,), retry=False)


def import_job_nudge(*, job: ImportJob, now: datetime | None = None) -> bool:
    """Hand a job left waiting (over ``IMPORT_JOB_REQUEUE_AFTER``) to the worker again; the job's page
    calls it so that a job whose message was lost moves on even without the beat. True if re-sent."""
    now = now or timezone.now()
    if job.status != ImportJob.Status.QUEUED:
        return False
    late = ImportJob.objects.filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - IMPORT_JOB_REQUEUE_AFTER),
        pk=job.pk,
        status=ImportJob.Status.QUEUED,
    )
    if not late.update(enqueued_at=now):  # another request or the sweep got there first
        return False
    _import_job_publish(job.pk)
    return True


def import_jobs_requeue(*, now: datetime | None = None) -> int:
    """The beat sweep: re-send the jobs left waiting and those whose worker died; returns how many.

    A job that failed ``IMPORT_JOB_MAX_ATTEMPTS`` times is marked failed instead. Previews left
    unconfirmed for ``IMPORT_JOB_KEEP_UNCONFIRMED`` lose their file (their report stays).
    """
    now = now or timezone.now()
    stale = Q(status=ImportJob.Status.RUNNING, updated_at__lt=now - IMPORT_JOB_STALE_AFTER)
    ImportJob.objects.filter(stale, attempts__gte=IMPORT_JOB_MAX_ATTEMPTS).update(
        status=ImportJob.Status.FAILED,
        report=ImportReport(pole=None, dry_run=True, file_errors=[str(IMPORT_JOB_FAILED)]).as_json(),
        finished_at=now,
        updated_at=now,
    )
    waiting = ImportJob.objects.filter(
        Q(status=ImportJob.Status.QUEUED)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - IMPORT_JOB_REQUEUE_AFTER))
        | stale
    )
    sent = 0
    for job_id in waiting.order_by("pk").values_list("pk", flat=True)[:100]:
        try:
            _import_job_publish(job_id)
        except Exception:  # the broker is still down: the next sweep tries again
            logger.warning("Import job %s could not be handed to the worker", job_id, exc_info=True)
            break
        sent += 1
    ImportJob.objects.filter(
        stage=ImportJob.Stage.PREVIEW,
        status=ImportJob.Status.DONE,
        finished_at__lt=now - IMPORT_JOB_KEEP_UNCONFIRMED,
    ).exclude(content=b"").update(content=b"", updated_at=now)
    return sent


class _JobLost(Exception):
    """Another worker took the job over (this one was thought dead): stop without writing."""


def import_job_run(*, job_id: int) -> bool:
    """Run a job's stage in the worker: the preview (dry run) or the confirmed import, all or nothing.

    Safe to run twice: the job is claimed by one conditional UPDATE (queued, or running with no sign of
    life for ``IMPORT_JOB_STALE_AFTER``), and the import is marked done in the transaction of its
    writes. Returns False when there was nothing to run.
    """
    now = timezone.now()
    claimed = ImportJob.objects.filter(
        Q(status=ImportJob.Status.QUEUED)
        | Q(status=ImportJob.Status.RUNNING, updated_at__lt=now - IMPORT_JOB_STALE_AFTER),
        pk=job_id,
        attempts__lt=IMPORT_JOB_MAX_ATTEMPTS,
    ).update(
        status=ImportJob.Status.RUNNING,
        attempts=F("attempts") + 1,
        progress_done=0,
        started_at=now,
        updated_at=now,
    )
    if not claimed:
        return False
    job = ImportJob.objects.select_related("pole", "created_by").get(pk=job_id)
    mine = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING, attempts=job.attempts)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            _import_job_stage(job, mine)
        except _JobLost:
            logger.warning("Import job %s was taken over by another worker", job.pk)
        except Exception:
            logger.exception("Import job %s failed", job.pk)
            report = ImportReport(pole=job.pole, dry_run=True, file_errors=[str(IMPORT_JOB_FAILED)])
            mine.update(
                status=ImportJob.Status.FAILED,
                report=report.as_json(),
                finished_at=timezone.now(),
                updated_at=timezone.now(),
            )
    return True


def _import_job_stage(job: ImportJob, mine: QuerySet[ImportJob]) -> None:
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        if done and done < total and time.monotonic() - last < IMPORT_PROGRESS_SECONDS:
            return
        last = time.monotonic()
        if not mine.update(progress_done=done, progress_total=total, updated_at=timezone.now()):
            raise _JobLost

    report = actors_import_check(pole=job.pole, file=job.content, user=job.created_by, progress=progress)
    if job.stage == ImportJob.Stage.IMPORT and report.ok:
        with transaction.atomic():
            if not mine.select_for_update().exists():
                raise _JobLost
            actors_import_write(report=report)
            _import_job_finish(mine, report, empty_file=report.written)
        return
    report.dry_run = job.stage == ImportJob.Stage.PREVIEW
    _import_job_finish(mine, report, empty_file=False)


def _import_job_finish(mine: QuerySet[ImportJob], report: ImportReport, *, empty_file: bool) -> None:
    now = timezone.now()
    extra = {"content": b""} if empty_file else {}
    mine.update(
        status=ImportJob.Status.DONE, report=report.as_json(), finished_at=now, updated_at=now, **extra
    )


def import_job_progress(job: ImportJob) -> dict:
    """What the job's page shows while the worker runs (also its JSON status, polled by the page)."""
    done, total = job.progress_done, job.progress_total
    writing = (
        job.stage == ImportJob.Stage.IMPORT
        and job.status == ImportJob.Status.RUNNING
        and total
        and done >= total
    )
    if job.status == ImportJob.Status.QUEUED:
        text = _("Waiting for the worker to start…")
    elif writing:
        text = _("Writing the %(total)s organisations…") % {"total": total}
    elif job.status == ImportJob.Status.RUNNING:
        text = _("%(done)s of %(total)s rows checked…") % {"done": done, "total": total or "?"}
    else:
        text = _("Finished.")
    return {
        "status": job.status,
        "stage": job.stage,
        "done": done,
        "total": total,
        "finished": job.finished,
        "text": str(text),
    }


EXPORT_CHUNK = 2000


def actors_export_rows(actors: QuerySet[Actor]) -> Iterable[list]:
    """Rows for ``EXPORT_COLUMNS`` (a file the import accepts back), in a constant number of queries
    per ``EXPORT_CHUNK`` organisations. Plain values, not model instances: an export of the whole
    directory stays within a request."""
    columns = (
        "pk",
        "name",
        "acronym",
        "legal_form",
        "siret",
        "address",
        "commune__insee_code",
        "commune__postal_codes",
        "commune__name",
        "latitude",
        "longitude",
        "website",
        "email",
        "phone",
        "description",
        "member_since",
        "is_published",
    )
    rows = actors.order_by("name", "pk").values_list(*columns).iterator(chunk_size=EXPORT_CHUNK)
    links = Actor.sectors.through.objects.order_by("sector__order", "sector__name")
    while chunk := list(islice(rows, EXPORT_CHUNK)):
        sectors: dict[int, list[str]] = {}
        for actor_id, sector in links.filter(actor_id__in=[row[0] for row in chunk]).values_list(
            "actor_id", "sector__name"
        ):
            sectors.setdefault(actor_id, []).append(sector)
        for pk, name, acronym, legal_form, siret, address, insee, postal_codes, commune, *rest in chunk:
            latitude, longitude, website, email, phone, description, since, published = rest
            yield [
                name,
                acronym,
                legal_form,
                ", ".join(sectors.get(pk, ())),
                siret,
                address,
                insee,
                postal_codes.split()[0] if postal_codes.split() else "",
                commune,
                "" if latitude is None else latitude,
                "" if longitude is None else longitude,
                website,
                email,
                phone,
                description,
                since.strftime("%d/%m/%Y") if since else "",
                "oui" if published else "non",
            ]


# --------------------------------------------------------------------------------------------------
# Public proposals
# --------------------------------------------------------------------------------------------------


def reviewers_emails(pole: Pole | None) -> list[str]:
    """Who reviews a proposal: the pole's coordinators, else (no pole, or none has an email) the regional team."""
    if pole is not None:
        emails = list(
            pole.coordinators.filter(is_active=True).exclude(email="").values_list("email", flat=True)
        )
        if emails:
            return emails
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return list(
        users.filter(Q(is_superuser=True) | Q(groups__name=REGIONAL_GROUP))
        .distinct()
        .values_list("email", flat=True)
    )


def actor_propose(
    *,
    name: str,
    legal_form: str,
    commune: Commune,
    proposer_name: str,
    proposer_email: str,
    sectors: Iterable[Sector] = (),
    acronym: str = "",
    address: str = "",
    website: str = "",
    email: str = "",
    phone: str = "",
    description: str = "",
    siret: str = "",
) -> Actor:
    """Record an organisation proposed on the public site, unpublished and waiting for review.

    It is routed to the pole whose territory contains its commune (``Pole.objects.territory_of``), or to
    no pole when no territory does (the regional team then reviews it). The reviewers get an email once
    the row is committed.
    """
    with transaction.atomic():
        pole = Pole.objects.territory_of(commune).first()
        actor = Actor(
            name=name,
            acronym=acronym,
            legal_form=legal_form,
            commune=commune,
            pole=pole,
            address=address,
            website=website,
            email=email,
            phone=phone,
            description=description,
            siret=normalize_siret(siret),
            is_published=False,
            review_status=Actor.Review.PENDING,
            proposer_name=proposer_name,
            proposer_email=proposer_email,
            slug=_unique_slug(name),
        )
        actor.save()
        actor.sectors.set(sectors)
        recipients = reviewers_emails(pole)
        transaction.on_commit(lambda: _notify_reviewers(actor, recipients), robust=True)
    return actor


def _one_line(text: str) -> str:
    """An email subject never contains a line break (Django would refuse to send it)."""
    return " ".join(text.split())


def _notify_reviewers(actor: Actor, recipients: list[str]) -> None:
    if not recipients:
        return
    url = settings.SITE_URL + reverse("admin:actors_actor_change", args=[actor.pk])
    territory = actor.pole.name if actor.pole_id else _("no pole (regional team)")
    send_mail(
        subject=_one_line(_("New organisation proposed: %(name)s") % {"name": actor.name}),
        message=_(
            "%(proposer)s proposed the organisation “%(name)s” (%(commune)s) on the portal.\n"
            "Routed to: %(territory)s.\n\nReview it, then approve or reject it: %(url)s\n"
        )
        % {
            "proposer": actor.proposer_name,
            "name": actor.name,
            "commune": actor.commune.name,
            "territory": territory,
            "url": url,
        },
        from_email=None,
        recipient_list=recipients,
    )


def actor_proposals_approve(*, actors: QuerySet[Actor]) -> int:
    """Approve the proposals among ``actors`` that wait for review: they are published. Returns how many.

    One update whatever the number selected.
    """
    with transaction.atomic():
        count = actors.filter(review_status=Actor.Review.PENDING).update(
            review_status=Actor.Review.APPROVED, is_published=True, updated_at=timezone.now()
        )
    return count


def actor_proposal_reject(*, actor: Actor, message: str = "") -> Actor:
    """Reject a proposal: it stays unpublished, and the proposer is told (with the optional message)."""
    with transaction.atomic():
        actor.review_status = Actor.Review.REJECTED
        actor.is_published = False
        actor.save(update_fields=["review_status", "is_published", "updated_at"])
        if actor.proposer_email:
            transaction.on_commit(lambda: _notify_rejection(actor, message), robust=True)
    return actor


def _notify_rejection(actor: Actor, message: str) -> None:
    body = _(
        "Hello %(proposer)s,\n\nThank you for proposing “%(name)s” on the ESS Bretagne portal. "
        "After review, it will not be added to the directory.\n"
    ) % {"proposer": actor.proposer_name, "name": actor.name}
    if message:
        body += "\n" + _("Message from the reviewer:") + "\n" + message.strip() + "\n"
    send_mail(
        subject=_one_line(_("Your proposal “%(name)s”") % {"name": actor.name}),
        message=body,
        from_email=None,
        recipient_list=[actor.proposer_email],
    )

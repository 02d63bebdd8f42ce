"""Services of the poles app: writes that span many rows.

Reference data
--------------
``reference_data_load()`` loads the portal's copy of the INSEE reference data (``poles/data/``: communes
and intercommunalities of Brittany); ``actors.services.reference`` adds the sector taxonomy. ``make run``
calls it on every start,
so it is idempotent and cheap when nothing changed: a handful of queries, writes only for rows that
differ. A file is checked completely before anything is written; one bad row refuses the whole load.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.validation import instance_errors
from core.validators import luhn_ok

from .models import Commune, Epci
from .services_backoffice import poles_outline_refresh

# --------------------------------------------------------------------------------------------------
# Reference data: communes, EPCIs
# --------------------------------------------------------------------------------------------------

DATA_DIR = Path(__file__).resolve().parent / "data"
COMMUNES_CSV = DATA_DIR / "communes.csv"
EPCIS_CSV = DATA_DIR / "epci.csv"

EPCI_COLUMNS = ("siren", "name", "kind", "population")
COMMUNE_COLUMNS = (
    "insee_code",
    "name",
    "department_code",
    "postal_codes",
    "population",
    "epci_siren",
    "latitude",
    "longitude",
)
EPCI_FIELDS = ("name", "kind", "population")
COMMUNE_FIELDS = ("name", "department_code", "postal_codes", "population", "epci_id", "latitude", "longitude")

_INSEE_CODE = re.compile(r"(?:\d{5}|2[AB]\d{3})")
_DEPARTMENT_CODE = re.compile(r"(?:\d{2}|2[AB]|97\d)")
_POSTAL_CODE = re.compile(r"\d{5}")
_SIREN = re.compile(r"\d{9}")


@dataclass(frozen=True)
class RowError:
    """One refused row: the file, its line number (the header is line 1) and the reason."""

    file: str
    line: int  # 0 when the problem is the file itself
    reason: str

    def __str__(self) -> str:
        if not self.line:
            return _("%(file)s: %(reason)s") % {"file": self.file, "reason": self.reason}
        return _("%(file)s, line %(line)d: %(reason)s") % {
            "file": self.file,
            "line": self.line,
            "reason": self.reason,
        }


class ReferenceDataError(Exception):
    """The reference files contain bad rows; nothing was loaded."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(str(self))

    def __str__(self) -> str:
        header = ngettext(
            "Reference data refused (%(count)d error); nothing was loaded:",
            "Reference data refused (%(count)d errors); nothing was loaded:",
            len(self.errors),
        ) % {"count": len(self.errors)}
        return "\n".join([header, *(f"  - {error}" for error in self.errors)])


@dataclass
class LoadReport:
    """What reference_data_load() did: rows created and updated per table."""

    epcis_created: int = 0
    epcis_updated: int = 0
    epcis_total: int = 0
    communes_created: int = 0
    communes_updated: int = 0
    communes_total: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.epcis_created or self.epcis_updated or self.communes_created or self.communes_updated
        )

    def counts(self) -> dict[str, int]:
        """The numbers the report's sentence shows."""
        return {
            "epcis": self.epcis_total,
            "epcis_created": self.epcis_created,
            "epcis_updated": self.epcis_updated,
            "communes": self.communes_total,
            "communes_created": self.communes_created,
            "communes_updated": self.communes_updated,
        }

    def __str__(self) -> str:
        return (
            _(
                "Reference data: %(epcis)d intercommunalities (%(epcis_created)d created, %(epcis_updated)d "
                "updated), %(communes)d communes (%(communes_created)d created, %(communes_updated)d updated)."
            )
            % self.counts()
        )


@dataclass
class _ParsedFile:
    name: str
    rows: list[tuple[int, dict]] = field(default_factory=list)


def _read_csv(path: Path, columns: tuple[str, ...], errors: list[RowError]) -> _ParsedFile:
    """Rows of a UTF-8 CSV file with their line numbers; problems of shape are appended to ``errors``."""
    parsed = _ParsedFile(name=Path(path).name)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                errors.append(RowError(parsed.name, 1, _("the file is empty")))
                return parsed
            header = [name.strip() for name in header]
            missing = [name for name in columns if name not in header]
            if missing:
                errors.append(
                    RowError(
                        parsed.name,
                        1,
                        ngettext("missing column: %(columns)s", "missing columns: %(columns)s", len(missing))
                        % {"columns": ", ".join(missing)},
                    )
                )
                return parsed
            for values in reader:
                line = reader.line_num
                if not any(value.strip() for value in values):
                    continue
                if len(values) != len(header):
                    errors.append(
                        RowError(
                            parsed.name,
                            line,
                            _("%(found)d values where the header has %(expected)d columns")
                            % {"found": len(values), "expected": len(header)},
                        )
                    )
                    continue
                parsed.rows.append(
                    (line, {name: value.strip() for name, value in zip(header, values, strict=True)})
                )
    except FileNotFoundError:
        errors.append(RowError(parsed.name, 0, _("file not found: %(path)s") % {"path": path}))
    except UnicodeDecodeError:
        errors.append(RowError(parsed.name, 0, _("the file is not UTF-8 encoded text")))
    except csv.Error as exc:
        errors.append(RowError(parsed.name, 0, _("unreadable CSV: %(error)s") % {"error": exc}))
    return parsed


def _parse_population(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise ValueError(_("population “%(value)s” is not a whole number") % {"value": value})
    return int(value)


def _parse_coordinate(value: str, label: str, low: float, high: float) -> float | None:
    if not value:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(_("%(label)s “%(value)s” is not a number") % {"label": label, "value": value})
    if not low <= number <= high:
        raise ValueError(
            _("%(label)s %(value)s is out of range (%(low)s to %(high)s)")
            % {"label": label, "value": value, "low": low, "high": high}
        )
    return number


def _clean_epci(raw: dict) -> dict:
    siren, name, kind = raw["siren"], raw["name"], raw["kind"]
    if not _SIREN.fullmatch(siren):
        raise ValueError(_("invalid SIREN “%(value)s” (9 digits expected)") % {"value": siren})
    if not luhn_ok(siren):
        raise ValueError(_("invalid SIREN “%(value)s” (wrong checksum)") % {"value": siren})
    if not name:
        raise ValueError(_("the name is missing"))
    if kind not in Epci.Kind.values:
        raise ValueError(
            _("unknown kind “%(value)s” (expected one of %(choices)s)")
            % {"value": kind, "choices": ", ".join(Epci.Kind.values)}
        )
    return {"siren": siren, "name": name, "kind": kind, "population": _parse_population(raw["population"])}


def _clean_commune(raw: dict, epci_sirens: set[str]) -> dict:
    insee_code = raw["insee_code"].upper()
    if not _INSEE_CODE.fullmatch(insee_code):
        raise ValueError(
            _("invalid INSEE code “%(value)s” (5 characters expected, e.g. 35238)")
            % {"value": raw["insee_code"]}
        )
    if not raw["name"]:
        raise ValueError(_("the name is missing"))
    if not _DEPARTMENT_CODE.fullmatch(raw["department_code"]):
        raise ValueError(_("invalid department code “%(value)s”") % {"value": raw["department_code"]})
    postal_codes = raw["postal_codes"].split()
    bad_codes = [code for code in postal_codes if not _POSTAL_CODE.fullmatch(code)]
    if bad_codes:
        raise ValueError(_("invalid postal code “%(value)s”") % {"value": bad_codes[0]})
    siren = raw["epci_siren"]
    if siren and siren not in epci_sirens:
        raise ValueError(_("unknown EPCI SIREN “%(value)s” (absent from the EPCI file)") % {"value": siren})
    latitude = _parse_coordinate(raw["latitude"], _("latitude"), -90, 90)
    longitude = _parse_coordinate(raw["longitude"], _("longitude"), -180, 180)
    if (latitude is None) != (longitude is None):
        raise ValueError(_("latitude and longitude must be given together"))
    return {
        "insee_code": insee_code,
        "name": raw["name"],
        "department_code": raw["department_code"],
        "postal_codes": " ".join(postal_codes),
        "population": _parse_population(raw["population"]),
        "epci_siren": siren,
        "latitude": latitude,
        "longitude": longitude,
    }


def _column(name: str) -> str:
    return _("column “%(name)s”") % {"name": name}


def _validated_rows(parsed: _ParsedFile, key: str, clean, model, errors: list[RowError]) -> list[dict]:
    """The rows of ``parsed`` that ``clean`` accepts and whose values fit ``model``'s fields (lengths,
    choices, validators: the model's own validation, so that nothing is cut or refused on write)."""
    fields = {f.name for f in model._meta.concrete_fields}
    rows, seen = [], {}
    for line, raw in parsed.rows:
        try:
            row = clean(raw)
        except ValueError as exc:
            errors.append(RowError(parsed.name, line, str(exc)))
            continue
        problems = instance_errors(model(**{k: v for k, v in row.items() if k in fields}), label=_column)
        if problems:
            errors.extend(RowError(parsed.name, line, problem) for problem in problems)
            continue
        if row[key] in seen:
            errors.append(
                RowError(
                    parsed.name,
                    line,
                    _("“%(value)s” already appears on line %(line)d")
                    % {"value": row[key], "line": seen[row[key]]},
                )
            )
            continue
        seen[row[key]] = line
        rows.append(row)
    return rows


def _sync(model, key: str, fields: tuple[str, ...], rows: list[dict]) -> tuple[int, int]:
    """Create the missing rows and update those that differ, in bulk. Returns (created, updated).

    Reads the whole table (a few thousand reference rows at most) rather than a long ``IN`` list.
    """
    existing = {getattr(obj, key): obj for obj in model.objects.only(key, *fields)}
    to_create, to_update = [], []
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            to_create.append(model(**{key: row[key], **{name: row[name] for name in fields}}))
            continue
        if any(getattr(obj, name) != row[name] for name in fields):
            for name in fields:
                setattr(obj, name, row[name])
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    model.objects.bulk_update(to_update, fields, batch_size=200)
    return len(to_create), len(to_update)


def reference_data_load(
    *, communes_path: Path | str = COMMUNES_CSV, epcis_path: Path | str = EPCIS_CSV
) -> LoadReport:
    """Load the EPCIs and communes from the reference CSV files (the sectors: ``actors.services.reference``).

    Idempotent with update-or-create semantics keyed on the SIREN and the INSEE code: rows are created when
    missing and updated when they differ; nothing is deleted (organisations and events refer to
    communes). All-or-nothing: both files are validated first — formats, then every value against its
    model field (``core.validation``: lengths, choices, ranges) — and any bad row raises
    ``ReferenceDataError`` listing every bad row with its line number, before a single write; the writes
    then run in one transaction. When communes changed (one may have changed intercommunality, and so
    territory), the poles' outlines are derived again after commit.
    """
    errors: list[RowError] = []
    epci_file = _read_csv(Path(epcis_path), EPCI_COLUMNS, errors)
    commune_file = _read_csv(Path(communes_path), COMMUNE_COLUMNS, errors)
    epcis = _validated_rows(epci_file, "siren", _clean_epci, Epci, errors)
    sirens = {row["siren"] for row in epcis} | {raw["siren"] for _line, raw in epci_file.rows}
    communes = _validated_rows(
        commune_file, "insee_code", lambda raw: _clean_commune(raw, sirens), Commune, errors
    )
    if errors:
        raise ReferenceDataError(errors)

    report = LoadReport(epcis_total=len(epcis), communes_total=len(communes))
    with transaction.atomic():
        report.epcis_created, report.epcis_updated = _sync(Epci, "siren", EPCI_FIELDS, epcis)
        epci_ids = dict(Epci.objects.values_list("siren", "id"))
        for row in communes:
            siren = row.pop("epci_siren")
            row["epci_id"] = epci_ids[siren] if siren else None
        report.communes_created, report.communes_updated = _sync(
            Commune, "insee_code", COMMUNE_FIELDS, communes
        )
        if report.communes_created or report.communes_updated:
            # A commune that joined or left an intercommunality changed the territories made of it.
            transaction.on_commit(poles_outline_refresh, robust=True)
    return report

"""The CSV file of the organisations, shared by the import and the export: its size limits, its columns
and their aliases, and how a file is decoded and its cells parsed."""

from __future__ import annotations

import csv
import logging
import math
from datetime import date, datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from core.text import fold, search_words

from ..models import LegalForm

logger = logging.getLogger(__name__)

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

#: Other ways of writing a legal form, beside its code and its label as the site shows it in every
#: language (see ``legal_form_aliases``).
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


def label_key(value: str) -> str:
    """How a typed label is compared: folded, its words only ("ASSOCIATION (Loi 1901)" and
    "association loi 1901" are the same key)."""
    return " ".join(search_words(value))


def legal_form_aliases() -> dict[str, str]:
    """Every accepted way of writing a legal form, by ``label_key``: its code, the label the site shows
    in each of its languages ("Association (loi 1901)", "SCOP (société coopérative et participative)",
    "SCOP (workers' cooperative)") and the short forms of ``LEGAL_FORM_ALIASES``."""
    aliases = {label_key(alias): code for alias, code in LEGAL_FORM_ALIASES.items()}
    for code, label in LegalForm.choices:
        aliases[label_key(code)] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                aliases[label_key(str(label))] = code
    return aliases


def unknown_legal_form(value: str) -> str:
    """The row error for a legal form none of ``legal_form_aliases`` matches: it lists what is accepted."""
    return _("Unknown legal form “%(value)s”. Accepted values: %(labels)s; or their codes: %(codes)s.") % {
        "value": value,
        "labels": ", ".join(str(label) for label in LegalForm.labels),
        "codes": ", ".join(LegalForm.values),
    }


def unknown_sector(value: str, names: list[str]) -> str:
    """The row error for a sector that is neither the name nor the slug of a sector: it lists them."""
    if not names:
        return _("Unknown sector “%(value)s”: no sector is defined yet.") % {"value": value}
    return _("Unknown sector “%(value)s”. Accepted sectors: %(names)s.") % {
        "value": value,
        "names": ", ".join(names),
    }


TRUE_WORDS = {"1", "oui", "o", "yes", "y", "true", "vrai", "x"}
FALSE_WORDS = {"0", "non", "n", "no", "false", "faux"}


class ImportFileRefused(Exception):
    """The uploaded file cannot be read as a CSV file (its message says why, in French)."""


def read_bytes(file) -> bytes:
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


def csv_dialect(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first_line, delimiters=";,\t").delimiter
    except csv.Error:
        return max(";,\t", key=first_line.count)


def column_map(header: list[str]) -> dict[str, int]:
    wanted = {fold(alias).strip(): key for key, aliases in COLUMN_ALIASES.items() for alias in aliases}
    mapping: dict[str, int] = {}
    for index, title in enumerate(header):
        key = wanted.get(" ".join(fold(title).replace("_", " ").split()))
        key = key or wanted.get(fold(title).strip())
        if key and key not in mapping:
            mapping[key] = index
    return mapping


def parse_float(value: str) -> float:
    """A decimal number, with a comma or a point; "nan" and "inf" are not numbers (ValueError)."""
    number = float(value.replace(",", ".").replace(" ", ""))
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def parse_date(value: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


#: The one answer for a row that matches an organisation the importer may not change (another pole's,
#: or one without a pole outside the pole's territory): it says nothing of whose it is.

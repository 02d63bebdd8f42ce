"""Services of the actors app: the writes coordinators and visitors trigger on organisations.

- publication (``actors_set_published``) and attaching organisations to a pole (``actors_attach_to_pole``);
- the CSV import of a pole's organisations (``actors_import``: parse, check every row, then write all or
  nothing) and the matching CSV export (``actors_export_rows``);
- public proposals (``actor_propose``, ``actor_proposal_approve``, ``actor_proposal_reject``), routed to
  the pole whose territory contains the commune (``Pole.objects.territory_of``), else the regional team.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ess_portal.csv_export import restore
from ess_portal.text import compact, fold
from poles.models import REGIONAL_GROUP, Commune, Pole

from .models import Actor, LegalForm, Sector
from .validators import normalize_siret, validate_siret

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
    territory is ``Commune.objects.in_territory_of``, a drawn shape plays no part). Organisations already
    in a pole, or outside every given territory, are left alone.
    """
    attached = 0
    with transaction.atomic():
        for actor in actors.filter(pole__isnull=True).select_related("commune").select_for_update():
            pole = poles.territory_of(actor.commune).first()
            if pole is not None:
                actor.pole = pole
                actor.save(update_fields=["pole", "updated_at"])
                attached += 1
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
    action: str = "create"  # "create", "update" or "error"
    errors: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict, repr=False)
    sectors: list[Sector] = field(default_factory=list, repr=False)
    existing: Actor | None = field(default=None, repr=False)

    @property
    def is_error(self) -> bool:
        return bool(self.errors)


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
        return sum(1 for row in self.rows if row.action == "update" and not row.is_error)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.error_rows and bool(self.rows)


class _FileRefused(Exception):
    pass


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if hasattr(file, "size") and file.size is not None and file.size > IMPORT_MAX_BYTES:
        raise _FileRefused(_file_too_big())
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(IMPORT_MAX_BYTES + 1)
    return data.encode("utf-8") if isinstance(data, str) else data


def _file_too_big() -> str:
    return _("The file is too big: at most %(size)s MB.") % {"size": IMPORT_MAX_BYTES // (1024 * 1024)}


def decode_csv(data: bytes) -> str:
    """Decode what French spreadsheets export: UTF-8 (with or without BOM), else Windows-1252."""
    if len(data) > IMPORT_MAX_BYTES:
        raise _FileRefused(_file_too_big())
    if not data.strip():
        raise _FileRefused(_("The file is empty."))
    if b"\x00" in data[:4096]:
        raise _FileRefused(_("This is not a CSV file: save the spreadsheet as “CSV” and upload that file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise _FileRefused(
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
    return float(value.replace(",", ".").replace(" ", ""))


def _parse_date(value: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


class _Lookup:
    """Reference data loaded once per import (a few queries whatever the number of rows)."""

    def __init__(self, rows: list[dict]):
        self.by_insee: dict[str, Commune] = {}
        self.by_name: dict[str, list[Commune]] = {}
        for commune in Commune.objects.only("pk", "insee_code", "name", "postal_codes", "department_code"):
            self.by_insee[commune.insee_code] = commune
            self.by_name.setdefault(compact(commune.name), []).append(commune)
        self.sectors: dict[str, Sector] = {}
        for sector in Sector.objects.all():
            self.sectors[compact(sector.name)] = sector
            self.sectors[sector.slug] = sector
        sirets = {normalize_siret(r.get("siret", "")) for r in rows} - {""}
        self.by_siret = {
            a.siret: a for a in Actor.objects.filter(siret__in=sirets).only("pk", "siret", "pole_id")
        }
        commune_ids = set()
        for r in rows:
            commune = self.commune(
                r.get("insee_code", "").strip(), r.get("postal_code", "").strip(), r.get("commune", "")
            )
            if commune is not None:
                commune_ids.add(commune.pk)
        self.by_key = {
            (compact(actor.name), actor.commune_id): actor
            for actor in Actor.objects.filter(commune_id__in=commune_ids).only(
                "pk", "name", "commune_id", "pole_id"
            )
        }

    def commune(self, insee: str, postal: str, name: str) -> Commune | None:
        if insee:
            return self.by_insee.get(insee)
        candidates = self.by_name.get(compact(name), [])
        if postal:
            candidates = [c for c in candidates if postal in c.postal_code_list]
        return candidates[0] if len(candidates) == 1 else None


def _check_row(raw: dict, line: int, pole: Pole, lookup: _Lookup, seen: dict) -> ImportRow:
    name = " ".join(raw.get("name", "").split())
    row = ImportRow(line=line, name=name)
    errors = row.errors
    values: dict = {"name": name, "acronym": raw.get("acronym", "").strip()[:50]}
    if not name:
        errors.append(_("The name is missing."))
    elif len(name) > 200:
        errors.append(_("The name is longer than 200 characters."))

    legal = fold(raw.get("legal_form", "")).strip()
    if not legal:
        values["legal_form"] = LegalForm.ASSOCIATION
    elif legal in LegalForm.values:
        values["legal_form"] = legal
    elif legal in LEGAL_FORM_ALIASES:
        values["legal_form"] = LEGAL_FORM_ALIASES[legal]
    else:
        errors.append(_("Unknown legal form “%(value)s”.") % {"value": raw.get("legal_form", "").strip()})

    for label in filter(None, (s.strip() for s in re.split(r"[,|/]", raw.get("sectors", "")))):
        sector = lookup.sectors.get(compact(label)) or lookup.sectors.get(slugify(label))
        if sector is None:
            errors.append(_("Unknown sector “%(value)s”.") % {"value": label})
        else:
            row.sectors.append(sector)

    siret = normalize_siret(raw.get("siret", ""))
    try:
        validate_siret(siret)
        values["siret"] = siret
    except ValidationError as exc:
        errors.extend(exc.messages)
        siret = ""

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
    values["address"] = raw.get("address", "").strip()[:255]

    lat, lon = raw.get("latitude", "").strip(), raw.get("longitude", "").strip()
    values["latitude"] = values["longitude"] = None
    if lat or lon:
        try:
            latitude, longitude = _parse_float(lat), _parse_float(lon)
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                raise ValueError
            values["latitude"], values["longitude"] = latitude, longitude
        except ValueError:
            errors.append(_("Latitude and longitude must both be decimal degrees (e.g. 48.11 and -1.68)."))

    website = raw.get("website", "").strip()
    if website and "://" not in website:
        website = f"https://{website}"
    if website:
        try:
            URLValidator()(website)
        except ValidationError:
            errors.append(_("Invalid website “%(value)s”.") % {"value": website})
    values["website"] = website
    email = raw.get("email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("Invalid email address “%(value)s”.") % {"value": email})
    values["email"] = email
    values["phone"] = raw.get("phone", "").strip()[:30]
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
        if existing.pole_id not in (None, pole.pk):
            errors.append(_("This organisation already exists and belongs to another pole."))
        row.action = "update"
        row.existing = existing
    row.values = values
    if errors:
        row.action = "error"
    return row


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 1
    while slug in taken or Actor.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def actors_import(*, pole: Pole, file, user, dry_run: bool) -> ImportReport:
    """Import a CSV of organisations into ``pole``: every row checked, then all written or none.

    ``file`` is an uploaded file or bytes. Accepted: UTF-8 (with or without BOM) or Windows-1252,
    separated by ``;`` or ``,``, with a header row naming the columns of ``EXPORT_COLUMNS`` (French
    titles such as "Nom", "Code INSEE", "Code postal", "Secteurs" work too). A row matches an existing
    organisation by SIRET, else by name and commune: it is then updated (only if it belongs to the
    pole or to no pole). Without latitude/longitude the map uses the commune's point. With
    ``dry_run`` nothing is written; otherwise the rows are written in one transaction, and only when
    no row is in error. ``user`` must manage ``pole`` (checked by the caller's scoping, re-checked here).
    """
    report = ImportReport(pole=pole, dry_run=dry_run)
    if not Pole.objects.for_user(user).filter(pk=pole.pk).exists():
        report.file_errors.append(_("You cannot import into this pole."))
        return report
    try:
        text = decode_csv(_read_bytes(file))
    except _FileRefused as exc:
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

    lookup = _Lookup([raw for _line, raw in raw_rows])
    seen: dict = {}
    report.rows = [_check_row(raw, line, pole, lookup, seen) for line, raw in raw_rows]
    if dry_run or not report.ok:
        return report
    try:
        _write_rows(report)
    except IntegrityError:
        report.file_errors.append(
            _(
                "The organisations changed while importing (a SIRET or name is now taken): nothing was written."
            )
        )
        return report
    report.written = True
    return report


def _write_rows(report: ImportReport) -> None:
    taken: set[str] = set()
    with transaction.atomic():
        for row in report.rows:
            values = dict(row.values)
            if row.existing is not None:
                actor = Actor.objects.select_for_update().get(pk=row.existing.pk)
                for name, value in values.items():
                    if value not in ("", None):  # an empty cell keeps what is known
                        setattr(actor, name, value)
                if actor.latitude is None or actor.longitude is None:
                    actor.latitude = actor.longitude = None
            else:
                # A new member is published unless the file says otherwise; an update keeps the
                # organisation's publication as it is when the file has no "published" value.
                actor = Actor(**{"is_published": True, **values}, slug=_unique_slug(values["name"], taken))
            actor.pole = report.pole
            actor.save()
            if row.sectors:
                actor.sectors.add(*row.sectors)


def actors_export_rows(actors: QuerySet[Actor]) -> Iterable[list]:
    """Rows for ``EXPORT_COLUMNS`` (a file the import accepts back), in a constant number of queries."""
    queryset = actors.select_related("commune").prefetch_related("sectors").order_by("name", "pk")
    for actor in queryset.iterator(chunk_size=500):
        commune = actor.commune
        yield [
            actor.name,
            actor.acronym,
            actor.legal_form,
            ", ".join(sector.name for sector in actor.sectors.all()),
            actor.siret,
            actor.address,
            commune.insee_code,
            commune.postal_code_list[0] if commune.postal_code_list else "",
            commune.name,
            "" if actor.latitude is None else actor.latitude,
            "" if actor.longitude is None else actor.longitude,
            actor.website,
            actor.email,
            actor.phone,
            actor.description,
            actor.member_since.strftime("%d/%m/%Y") if actor.member_since else "",
            "oui" if actor.is_published else "non",
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
            slug=_unique_slug(name, set()),
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


def actor_proposal_approve(*, actor: Actor) -> Actor:
    """Approve a proposal: the organisation is published."""
    with transaction.atomic():
        actor.review_status = Actor.Review.APPROVED
        actor.is_published = True
        actor.save(update_fields=["review_status", "is_published", "updated_at"])
    return actor


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

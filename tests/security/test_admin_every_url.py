"""Every URL of the admin site, walked as a coordinator of pole A against pole B's data.

The URL patterns come from the admin site itself (``admin.site.get_urls()``, which includes each model
admin's ``get_urls()``), resolved recursively, so a page added later is walked without anyone
remembering to. Each parameter is filled with the rows of the right model (pole B's, pole A's and
nobody's), each page is also asked for as a popup (``_popup``) and through every ``_to_field`` the
model could be referenced by; the autocomplete is asked for every relation of every model; the change
lists are filtered on pole B's rows and searched. A pattern whose parameters the walker cannot fill
fails the test (teach :func:`fillings` what they mean) instead of being skipped, and so does a model
admin the walker has no rows for (add some to ``world``).

An answer fails when it shows, returns or redirects to pole B's data: the reprs of B's objects, the
values of their fields that name them, their emails and registration tokens, their public and private
URLs, and the accounts (users, login attempts) that a coordinator must not see. A POST to B's objects
(change, delete, password, every action of every change list with B's ids selected) must change no row.
The walk runs as a coordinator with the role's permissions (``setup_roles``); the accounts' admins and
the autocomplete are walked again as a coordinator holding every model permission, since scoping to
one's poles is not a permission.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import unquote as url_unquote
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages.storage import default_storage
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import models, transaction
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

from accounts.models import AccountEmail, Invitation
from actors.models import (
    Actor,
    ActorChange,
    ErrorReport,
    ErrorReportEmail,
    ImportJob,
    ProposalEmail,
    Sector,
    SelfServiceEmail,
)
from core.models import AuditEvent
from ess_portal.management.commands.setup_roles import roles_setup
from events.models import (
    Answer,
    EmailRecord,
    Event,
    EventDocument,
    EventMessage,
    Question,
    Registration,
    Workshop,
)
from poles.admin_scoping import PoleScopedAdmin
from poles.models import Commune, Epci, Partner, Pole, Support
from reports.models import Membership, ReportJob
from tests import factories

User = get_user_model()

#: Every name and text of pole B's data contains this word; nothing of pole A's does.
BRAVO = "bravo"

#: Models whose admin is not pole-scoped on purpose. Reference data: everyone may read it, none of it
#: is a pole's. Accounts: who may log in, and their login attempts: the regional team's only.
REFERENCE_DATA = {Commune, Epci, Partner, Sector}
ACCOUNTS = {User, Group, AccessAttempt, AccessLog, AccessFailureLog, Invitation, AccountEmail, AuditEvent}

#: Field values that are secrets or personal data wherever they appear.
SECRET_FIELDS = {"token", "email", "password", "username", "proposer_email", "proposer_name"}

#: Extra fields of an action's POST, so that actions with a confirmation step run it to the end.
ACTION_CONFIRMATIONS = {"index": "0", "post": "yes", "apply": "1", "message": "Refus par le pôle A."}

#: Rows that change on every login, whatever the page.
VOLATILE_MODELS = {
    "sessions.session",
    "axes.accesslog",
    "core.auditevent",
    "accounts.backofficesession",
    "otp_totp.totpdevice",
    # The public caches' invalidation counter, not data: a bump without a change costs a cache miss only.
    "core.dataversion",
}
VOLATILE_FIELDS = {"last_login"}

#: What the walk types into an empty password field.
STRONG_PASSWORD = "Compte-pris-en-main-2031!"


# ------------------------------------------------------------------------------------------ the data


@dataclass
class World:
    pole_a: Pole
    pole_b: Pole
    coordinator_a: User
    superuser: User
    #: rows of pole B (and the accounts A must not see): their texts are the markers of a leak
    theirs: list[models.Model] = field(default_factory=list)
    markers: set[str] = field(default_factory=set)


def _registration(event, full_name, email, status=Registration.Status.CONFIRMED):
    registration = factories.RegistrationFactory(event=event, full_name=full_name, email=email, status=status)
    EmailRecord.objects.create(registration=registration, kind=EmailRecord.Kind.CONFIRMATION_REQUEST)
    EmailRecord.objects.create(
        registration=registration,
        kind=EmailRecord.Kind.CONFIRMED,
        status=EmailRecord.Status.SENT,
        sent_at=timezone.now(),
    )
    return registration


def _log(user, obj, action=CHANGE):
    return LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=action,
        change_message="[]",
    )


def _login_attempts(username):
    common = {
        "username": username,
        "ip_address": "203.0.113.7",
        "user_agent": "Firefox",
        "path_info": "/admin/",
    }
    return [
        AccessAttempt.objects.create(
            **common, http_accept="*/*", get_data="", post_data=f"username={username}", failures_since_start=2
        ),
        AccessLog.objects.create(**common, http_accept="*/*"),
        AccessFailureLog.objects.create(**common, http_accept="*/*"),
    ]


def _pole_side(pole, word, epci, commune):
    """A pole's data: organisations (published, unpublished, a pending proposal), a workshop, events
    (published, draft, a workshop session), registrations with their outbox rows."""
    pole.epcis.add(epci)
    Support.objects.create(pole=pole, partner=Partner.objects.get_or_create(name="Conseil régional")[0])
    published = factories.ActorFactory(
        pole=pole,
        commune=commune,
        name=f"Coopérative {word}",
        slug=f"cooperative-{word.lower()}",
        email=f"contact@cooperative-{word.lower()}.example",
        is_published=True,
    )
    unpublished = factories.ActorFactory(
        pole=pole,
        commune=commune,
        name=f"Association {word} discrète",
        slug=f"association-{word.lower()}",
        is_published=False,
    )
    proposal = factories.ActorFactory(
        pole=pole,
        commune=commune,
        name=f"Proposition {word}",
        slug=f"proposition-{word.lower()}",
        is_published=False,
        review_status=Actor.Review.PENDING,
        proposer_name=f"Paul Proposant-{word}",
        proposer_email=f"paul.{word.lower()}@proposant.example",
    )
    proposal_email = ProposalEmail.objects.create(
        actor=proposal, kind=ProposalEmail.Kind.RECEIVED, message=f"Message à Paul {word}"
    )
    error_report = ErrorReport.objects.create(
        actor=published, message=f"Erreur signalée {word}", email=f"lea.{word.lower()}@signale.example"
    )
    error_report_email = ErrorReportEmail.objects.create(report=error_report, kind=ErrorReportEmail.Kind.NEW)
    workshop = factories.WorkshopFactory(pole=pole, title=f"Atelier {word}", slug=f"atelier-{word.lower()}")
    workshop.participants.add(published)
    event = factories.EventFactory(pole=pole, title=f"Rencontre {word}", slug=f"rencontre-{word.lower()}")
    draft = factories.EventFactory(
        pole=pole, title=f"Brouillon {word}", slug=f"brouillon-{word.lower()}", status=Event.Status.DRAFT
    )
    session = factories.EventFactory(
        pole=pole,
        title=f"Séance {word}",
        slug=f"seance-{word.lower()}",
        kind=Event.Kind.WORKSHOP_SESSION,
        workshop=workshop,
        starts_at=timezone.now() + timedelta(days=20),
    )
    confirmed = _registration(event, f"Brigitte {word}", f"brigitte.{word.lower()}@example.org")
    pending = _registration(
        draft, f"Bernard {word}", f"bernard.{word.lower()}@example.org", Registration.Status.PENDING
    )
    _registration(
        session, f"Béatrice {word}", f"beatrice.{word.lower()}@example.org", Registration.Status.WAITLISTED
    )
    confirmed.organisation = published
    confirmed.attended = True  # has a certificate of attendance
    confirmed.save()
    walk_in = factories.RegistrationFactory(
        event=event,
        full_name=f"Wenceslas {word}",
        email="",
        status=Registration.Status.CONFIRMED,
        attended=True,
        walk_in=True,
    )
    # Already written to the outbox: a message still queued a minute later is handed to the worker again
    # when its page is shown (messages_requeue), which a slow walk would see as a change made by a GET.
    EventMessage.objects.create(
        event=event,
        audience="confirmed",
        subject=f"Message {word}",
        body=f"Texte {word}",
        draft_key=word,
        status=EventMessage.Status.WRITTEN,
    )
    question = Question.objects.create(event=event, label=f"Question {word}", kind=Question.Kind.TEXT)
    answer = Answer.objects.create(registration=confirmed, question=question, value=f"Réponse {word}")
    document = EventDocument.objects.create(
        event=event, title=f"Document {word}", file=f"evenements/documents/{word.lower()}.pdf"
    )
    job = factories.ImportJobFactory(
        pole=pole,
        file_name=f"membres-{word.lower()}.csv",
        content=f"name;insee_code\nImportée {word};35236\n".encode(),
        status=ImportJob.Status.DONE,
        report={"rows": [{"line": 2, "name": f"Importée {word}", "errors": []}]},
    )
    today = timezone.localdate()
    report_job = ReportJob.objects.create(
        kind=ReportJob.Kind.POLE,
        pole=pole,
        period_start=today.replace(month=1, day=1),
        period_end=today,
        status=ReportJob.Status.DONE,
        pdf=f"%PDF-1.7 Rapport {word}".encode(),
        xlsx=f"Rapport {word}".encode(),
        csv=f"Rapport;{word}".encode(),
    )
    # An update sent by the organisation itself, waiting for the pole (and its outbox row).
    change = ActorChange.objects.create(
        actor=published,
        values={"phone": f"02 99 {word}"},
        previous={"phone": ""},
        message=f"Mise à jour {word}",
    )
    SelfServiceEmail.objects.create(
        actor=published, kind=SelfServiceEmail.Kind.APPROVED, key=f"k-{word}", change=change
    )
    return [
        published,
        unpublished,
        proposal,
        proposal_email,
        change,
        error_report,
        error_report_email,
        workshop,
        event,
        draft,
        session,
        confirmed,
        pending,
        walk_in,
        job,
        report_job,
        question,
        answer,
        document,
    ]


@pytest.fixture
def world(db) -> World:
    roles_setup()
    epci_a = factories.EpciFactory(name="Redon Agglomération")
    epci_b = factories.EpciFactory(name="Brest Métropole")
    commune_a = factories.CommuneFactory(name="Redon", epci=epci_a)
    commune_b = factories.CommuneFactory(name="Brest", epci=epci_b)
    factories.SectorFactory(name="Alimentation")
    pole_a = factories.PoleFactory(name="Pôle Alpha", acronym="ALPHA", slug="pole-alpha")
    pole_b = factories.PoleFactory(name="Pôle Bravo", acronym="BRAVO", slug="pole-bravo")
    coordinator_a = factories.make_coordinator(pole_a, username="coord-alpha")
    coordinator_b = factories.make_coordinator(pole_b, username="coord-bravo")
    superuser = factories.UserFactory(username="zulu-superuser", is_superuser=True)
    regional = factories.make_regional(username="yankee-regional")

    _pole_side(pole_a, "Alpha", epci_a, commune_a)
    factories.ActorFactory(
        pole=None, commune=commune_a, name="Épicerie sans pôle de Redon", slug="epicerie-redon"
    )
    theirs = [pole_b, coordinator_b, superuser, regional, *_pole_side(pole_b, "Bravo", epci_b, commune_b)]
    theirs.append(
        factories.ActorFactory(pole=None, commune=commune_b, name="Bravo sans pôle", slug="bravo-libre")
    )
    # Once A's, moved to B by the regional team: A's own history still names it.
    moved = factories.ActorFactory(pole=pole_a, commune=commune_a, name="Coopérative Bravo déménagée")
    _log(coordinator_a, moved, ADDITION)
    moved.pole = pole_b
    moved.save()
    theirs.append(moved)
    theirs += [_log(coordinator_b, obj) for obj in theirs if isinstance(obj, Actor | Event | Workshop)]
    theirs.append(_log(superuser, pole_b))
    theirs += _login_attempts("coord-bravo") + _login_attempts("zulu-superuser")
    # The regional and funders' report exports are the regional team's only.
    today = timezone.localdate()
    for kind, partner in ((ReportJob.Kind.REGIONAL, None), (ReportJob.Kind.FUNDER, Partner.objects.first())):
        theirs.append(
            ReportJob.objects.create(
                kind=kind,
                partner=partner,
                period_start=today.replace(month=1, day=1),
                period_end=today,
                status=ReportJob.Status.DONE,
                pdf=b"%PDF-1.7 Rapport regional bravo",
                csv=b"Rapport;regional;bravo",
            )
        )
    # Accounts: an invitation to pole B, an account email and audit entries of B's coordinator.
    invitation = factories.InvitationFactory(
        user=factories.UserFactory(username="invitee-bravo", password=None), email="invitee@bravo.example"
    )
    invitation.poles.add(pole_b)
    theirs += [
        invitation,
        factories.AccountEmailFactory(user=coordinator_b),
        factories.AuditEventFactory(user=coordinator_b, username="coord-bravo", what="inscriptions.csv (3)"),
    ]
    theirs += [
        *Membership.objects.filter(pole=pole_b),
        *Registration.objects.filter(event__pole=pole_b),
        *EmailRecord.objects.filter(registration__event__pole=pole_b),
        *Support.objects.filter(pole=pole_b),
    ]

    markers = set()
    for obj in theirs:
        markers |= _markers_of(obj)
    return World(pole_a, pole_b, coordinator_a, superuser, theirs, markers)


def _markers_of(obj) -> set[str]:
    """The texts that identify ``obj``: its repr, its public or private URL, and every field value that
    names pole B's data or is a secret (token, email, password hash, user name)."""
    found = {str(obj)}
    if hasattr(obj, "get_absolute_url"):
        found.add(obj.get_absolute_url())
    for model_field in obj._meta.concrete_fields:
        value = getattr(obj, model_field.attname)
        if isinstance(value, str) and value and (BRAVO in value.lower() or model_field.name in SECRET_FIELDS):
            found.add(value)
    return {marker for marker in found if len(marker) >= 5}


# --------------------------------------------------------------------------------- the URL patterns


@dataclass(frozen=True)
class Route:
    pattern: URLPattern
    parameters: tuple[str, ...]
    model_admin: admin.ModelAdmin | None
    chain: tuple

    def __str__(self):
        return f"{''.join(str(p) for p in self.chain)} (name={self.pattern.name})"


def admin_routes() -> tuple[list[Route], URLResolver]:
    """Every URL pattern of the admin site, with the parameters of its whole route and the model admin
    whose ``get_urls()`` it comes from (None for the site's own views); and a resolver of those very
    patterns, to build their URLs (``get_urls()`` makes new views on every call)."""
    urls = admin.site.get_urls()
    by_prefix = {f"{m._meta.app_label}/{m._meta.model_name}/": ma for m, ma in admin.site._registry.items()}

    def parameters(pattern) -> list[str]:
        if isinstance(pattern, RoutePattern):
            return list(pattern.converters)
        assert isinstance(pattern, RegexPattern), pattern
        return list(pattern.regex.groupindex)

    def walk(patterns, chain, model_admin) -> Iterator[Route]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                owner = by_prefix.get(str(entry.pattern), model_admin) if model_admin is None else model_admin
                yield from walk(entry.url_patterns, (*chain, entry.pattern), owner)
            else:
                names = [name for p in (*chain, entry.pattern) for name in parameters(p)]
                yield Route(entry, tuple(names), model_admin, (*chain, entry.pattern))

    return list(walk(urls, (), None)), URLResolver(RegexPattern(r"^"), urls)


def _rows(model) -> list[models.Model]:
    return list(model._base_manager.order_by("pk"))


@functools.cache
def _to_fields(model) -> list[str]:
    """The fields a popup may ask to be referenced by: the primary key, unique fields, and every field
    another model's relation points at (what ``ModelAdmin.to_field_allowed`` may accept)."""
    names = [model._meta.pk.name]
    names += [f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    for other in apps.get_models():
        for relation in other._meta.get_fields():
            if getattr(relation, "related_model", None) is model and hasattr(relation, "target_field"):
                target = relation.target_field
                if getattr(target, "model", None) is model and target.name not in names:
                    names.append(target.name)
    return names


#: URL parameters named after a model by another name than its own: ``<int:job_id>`` is an ImportJob.
#: ``<int:report_job_id>`` (the site's own /admin/rapports/ views) is a ReportJob.
PARAMETER_MODELS = {"job": "importjob", "report_job": "reportjob"}


def fillings(route: Route) -> list[tuple[dict[str, str], models.Model | None]] | str:
    """The values of ``route``'s parameters to walk, each with the row it names; or why it cannot."""
    params = set(route.parameters)
    model_admin = route.model_admin
    if not params:
        return [({}, None)]
    if (
        params == {"object_id", "history_id"}
        and model_admin is not None
        and hasattr(model_admin.model, "history")
    ):
        # A recorded version of an object (django-simple-history): every version of every row.
        return [
            ({"object_id": quote(row.pk), "history_id": str(version.history_id)}, row)
            for row in _rows(model_admin.model)
            for version in row.history.all()
        ]
    if model_admin is not None:
        (name,) = params if len(params) == 1 else (None,)
        model = None
        if name in {"object_id", "id", "pk"}:
            model = model_admin.model
        elif name is not None:
            stem = re.sub(r"_(id|pk)$", "", name)
            stem = PARAMETER_MODELS.get(stem, stem)
            model = next((m for m in admin.site._registry if m._meta.model_name == stem), None)
        if model is None:
            return f"parameters {sorted(params)} name no registered model: teach fillings() what they mean"
        rows = _rows(model)
        if not rows:
            return f"the fixture has no {model._meta.label} row: add some to world()"
        return [({name: quote(row.pk)}, row) for row in rows]
    if len(params) == 1:  # a view of the site's own (the activity reports) naming a model's rows
        (name,) = params
        stem = PARAMETER_MODELS.get(re.sub(r"_(id|pk)$", "", name))
        model = next((m for m in apps.get_models() if m._meta.model_name == stem), None)
        if model is not None:
            rows = _rows(model)
            if not rows:
                return f"the fixture has no {model._meta.label} row: add some to world()"
            return [({name: quote(row.pk)}, row) for row in rows]
    if params == {"content_type_id", "object_id"}:
        return [
            (
                {
                    "content_type_id": str(ContentType.objects.get_for_model(row).pk),
                    "object_id": quote(row.pk),
                },
                row,
            )
            for model in admin.site._registry
            for row in _rows(model)
        ]
    if params == {"app_label"}:
        return [
            ({"app_label": label}, None)
            for label in sorted({m._meta.app_label for m in admin.site._registry})
        ]
    if params == {"url"}:  # the catch-all view: every admin page of every row, without its final slash
        return [
            ({"url": f"{m._meta.app_label}/{m._meta.model_name}/{quote(row.pk)}/change"}, row)
            for m in admin.site._registry
            for row in _rows(m)
        ]
    return f"parameters {sorted(params)} are unknown to the walker: teach fillings() what they mean"


def _with_object_id(values: dict[str, str], object_id: str) -> dict[str, str]:
    """The route's parameters with the object named by ``object_id`` (a version keeps its number)."""
    if "object_id" in values and len(values) > 1:
        return {**values, "object_id": object_id}
    return dict.fromkeys(values, object_id)


def _query_strings(route: Route, row) -> list[tuple[str, dict[str, str]]]:
    """``(object_id override, query)`` pairs: the page itself, as a popup through each ``_to_field`` (the
    primary key's first, which is the plain popup), searched and filtered on each scoped relation's rows."""
    model_admin = route.model_admin
    if model_admin is None or (route.parameters and not isinstance(row, model_admin.model)):
        return [("", {}), ("", {"_popup": "1"})]
    variants = [("", {})]
    model = model_admin.model
    for name in _to_fields(model):
        value = getattr(row, model._meta.get_field(name).attname) if isinstance(row, model) else None
        variants.append((quote(value) if value is not None else "", {"_popup": "1", "_to_field": name}))
    if not route.parameters:
        variants.append(("", {"q": BRAVO}))
        for relation in model._meta.get_fields():
            if relation.is_relation and relation.concrete and _is_scoped(relation.related_model):
                for target in _rows(relation.related_model):
                    variants.append(("", {f"{relation.name}__id__exact": str(target.pk)}))
    return variants


def _is_scoped(model) -> bool:
    return isinstance(admin.site._registry.get(model), PoleScopedAdmin)


def _autocomplete_queries() -> list[dict[str, str]]:
    """The autocomplete's parameters for every relation of every model (forward and reverse)."""
    queries = []
    for model in apps.get_models(include_auto_created=True):
        for relation in model._meta.get_fields(include_hidden=True):
            if relation.is_relation:
                name = relation.name
                for term in ("", BRAVO):
                    queries.append(
                        {
                            "app_label": model._meta.app_label,
                            "model_name": model._meta.model_name,
                            "field_name": name,
                            "term": term,
                        }
                    )
    return queries


# ------------------------------------------------------------------------------------ the checks


def _text_of(response) -> str:
    """What the response shows, its escapes undone (HTML entities, JSON ``\\uXXXX``), headers included."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    text = html.unescape(html.unescape(text))
    headers = " ".join(f"{k}: {url_unquote(v)}" for k, v in response.items())
    return f"{headers}\n{text}"


def database_state() -> dict[str, list[tuple]]:
    """Every row of every table (but the sessions and login records any request writes)."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in VOLATILE_MODELS or model._meta.proxy:
            continue
        names = [f.attname for f in model._meta.concrete_fields if f.name not in VOLATILE_FIELDS]
        state[model._meta.label_lower] = list(model._base_manager.order_by("pk").values_list(*names))
    return state


class FormValues(HTMLParser):
    """The values a browser would submit from a page's forms (the logout form left out)."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._select = None
        self._select_options: list[tuple[str, bool]] = []
        self._textarea = None
        self._in_logout = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_logout = a.get("id") == "logout-form"
        if self._in_logout:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((name, a.get("value", "on")))
            elif kind == "password":
                self.values.append((name, a.get("value") or STRONG_PASSWORD))
            elif kind not in ("submit", "button", "file", "reset", "image"):
                self.values.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._select_options = (name, "multiple" in a), []
        elif tag == "option" and self._select:
            self._select_options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_logout = False
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and not multiple and self._select_options:
                chosen = [self._select_options[0][0]]
            self.values += [(name, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.values.append(tuple(self._textarea))
            self._textarea = None


def form_data(client: Client, url: str) -> dict[str, list[str]]:
    """What submitting ``url``'s forms would send, as the superuser sees them (so a POST of it would
    change the row if the scoping let it through)."""
    response = client.get(url)
    data: dict[str, list[str]] = {}
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        parser = FormValues()
        parser.feed(response.content.decode())
        for name, value in parser.values:
            data.setdefault(name, []).append(value)
    data.setdefault("post", ["yes"])
    return data


@dataclass
class Walk:
    """A client walking the admin as ``user``, collecting every answer that leaks a marker or a POST
    that changed a row."""

    user: User
    markers: set[str]
    before: dict[str, list[tuple]]
    client: Client = field(default_factory=lambda: Client(raise_request_exception=False))
    failures: list[str] = field(default_factory=list)
    requests: int = 0

    def get(self, url, query=None):
        asked = f"{url}?{urlencode(query or {})}"
        self._logged_in()
        self._check(f"GET {asked}", self.client.get(url, query or {}), asked)

    def post(self, url, data):
        self._logged_in()
        with transaction.atomic():
            response = self.client.post(url, data)
            after = database_state()
            transaction.set_rollback(True)  # a POST that got through must not spoil the rest of the walk
        self._check(f"POST {url}", response, url)
        changed = sorted(label for label in self.before if self.before[label] != after[label])
        if changed:
            self.failures.append(
                f"POST {url} answered {response.status_code} and changed {', '.join(changed)}"
            )

    def _logged_in(self):
        if self.client.session.get("_auth_user_id") != str(self.user.pk):
            self.client.force_login(self.user)

    def _check(self, what, response, asked):
        self.requests += 1
        if response.status_code >= 500:
            self.failures.append(f"{what} answered {response.status_code}")
        text = _text_of(response) + "\n".join(self._pending_messages())
        asked = url_unquote(asked)
        leaked = sorted(m for m in self.markers if m in text and m not in asked)  # an echo reveals nothing
        if leaked:
            at = text.index(leaked[0])
            context = " ".join(text[max(0, at - 80) : at + 80].split())
            self.failures.append(f"{what} answered {response.status_code} showing {leaked[:4]}: …{context}…")

    def _pending_messages(self) -> list[str]:
        """The messages this request left for the next page, read and cleared now so that each one is
        checked against the request that made it."""
        request = HttpRequest()
        request.COOKIES = {name: morsel.value for name, morsel in self.client.cookies.items()}
        request.session = self.client.session
        texts = [str(message) for message in default_storage(request)]
        if texts:
            self.client.cookies.pop(CookieStorage.cookie_name, None)
            request.session.pop("_messages", None)
            request.session.save()
        return texts


def _leaks(response, markers) -> list[str]:
    text = _text_of(response)
    return sorted(marker for marker in markers if marker in text)


def _every_permission(user):
    user.user_permissions.set(Permission.objects.all())
    return User.objects.get(pk=user.pk)  # fresh: no permission cache


def _mine(row, model_admin, pole_a) -> bool:
    """Rows the coordinator of pole A may change: pole A's own (through the admin's pole path) and the
    reference data. Everything else is POSTed to, and must not change."""
    if not isinstance(model_admin, PoleScopedAdmin):
        return type(row) in REFERENCE_DATA
    value = row
    for link in model_admin.pole_path.split("__") if model_admin.pole_path else []:
        value = getattr(value, link, None)
    return getattr(value, "pk", None) == pole_a.pk


def uncovered(world) -> list[str]:
    """The model admins the walk could not exercise for want of a classification or of rows."""
    problems = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, PoleScopedAdmin) and model not in REFERENCE_DATA | ACCOUNTS:
            problems.append(
                f"{model._meta.label}: its admin is not a PoleScopedAdmin; list the model in REFERENCE_DATA "
                "or ACCOUNTS if no pole owns its rows"
            )
        elif isinstance(model_admin, PoleScopedAdmin) and not any(
            isinstance(row, model) and not _mine(row, model_admin, world.pole_a) for row in world.theirs
        ):
            problems.append(f"{model._meta.label}: the fixture has no row of pole B; add some to world()")
    return problems


def walk_admin(world, user, models_walked=None) -> tuple[Walk, list[str]]:
    """Walk every admin URL (only those of ``models_walked``' admins, and the autocomplete, if given) as
    ``user``: GET each with every filling and query string, POST the superuser's form of each row that
    is not pole A's, and every action on those rows. Returns the walk and the patterns it could not fill."""
    walk = Walk(user, world.markers, database_state())
    superuser = Client()
    superuser.force_login(world.superuser)
    routes, reverser = admin_routes()
    root = reverse("admin:index")
    unfillable = []
    for route in routes:
        walked = models_walked is None or getattr(route.model_admin, "model", None) in models_walked
        if not walked and route.pattern.name != "autocomplete":
            continue
        filled = fillings(route)
        if isinstance(filled, str):
            unfillable.append(f"{route}: {filled}")
            continue
        for values, row in filled:
            url = root + reverser.reverse(route.pattern.callback, **values)
            if route.pattern.name == "autocomplete":
                for query in _autocomplete_queries():
                    walk.get(url, query)
                continue
            mine = (
                route.model_admin is not None
                and row is not None
                and _mine(row, route.model_admin, world.pole_a)
            )
            for object_id, query in _query_strings(route, row) if not mine else [("", {})]:
                if object_id and route.parameters:
                    walk.get(
                        root + reverser.reverse(route.pattern.callback, **_with_object_id(values, object_id)),
                        query,
                    )
                elif not (query.get("_to_field") and route.parameters):  # else the row has no such value
                    walk.get(url, query)
            if row is not None and route.model_admin is not None and not mine:
                walk.post(url, form_data(superuser, url))

    request = RequestFactory().get("/")
    request.user = world.superuser
    for model, model_admin in admin.site._registry.items():
        if models_walked is not None and model not in models_walked:
            continue
        selected = [row.pk for row in _rows(model) if not _mine(row, model_admin, world.pole_a)]
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for action in model_admin.get_actions(request) if selected else []:
            walk.post(url, {"action": action, ACTION_CHECKBOX_NAME: selected, **ACTION_CONFIRMATIONS})
    return walk, unfillable


def _report(walk, unfillable):
    assert not unfillable, "The admin walker cannot cover:\n" + "\n".join(unfillable)
    assert not walk.failures, f"{len(walk.failures)} admin answers leak or change what they must not:\n" + (
        "\n".join(walk.failures[:80])
    )


def test_no_admin_url_shows_or_changes_another_poles_data(world):
    walk, unfillable = walk_admin(world, world.coordinator_a)
    _report(walk, unfillable + uncovered(world))
    assert walk.requests > 1000, walk.requests  # the walk did walk


def test_a_coordinator_holding_every_permission_still_sees_no_account(world):
    """Scoping is not a permission: even given every model permission, a coordinator reaches no user,
    group or login attempt (the regional team's), and still nothing of pole B's through the autocomplete."""
    walk, unfillable = walk_admin(world, _every_permission(world.coordinator_a), models_walked=ACCOUNTS)
    _report(walk, unfillable)
    assert walk.requests > 300


def test_the_walker_sees_pole_a_and_would_see_pole_b(world, client):
    """The checks can fail: the coordinator's own rows are shown, and the superuser's pages of B's
    rows carry B's markers."""
    client.force_login(world.coordinator_a)
    own = client.get(reverse("admin:actors_actor_changelist"))
    assert "Coopérative Alpha" in _text_of(own)
    assert not _leaks(own, world.markers)
    client.force_login(world.superuser)
    registration = Registration.objects.get(full_name="Brigitte Bravo")
    page = client.get(reverse("admin:events_registration_change", args=[registration.pk]))
    assert "Brigitte Bravo" in _leaks(page, world.markers)


def test_a_url_pattern_the_walker_cannot_fill_is_reported_not_skipped(world):
    """A page added later with a parameter of a new kind makes the walk fail with its route."""
    actor_admin = admin.site.get_model_admin(Actor)
    view = admin.site.admin_view(actor_admin.changelist_view)
    unknown = URLPattern(RoutePattern("<slug:code>/carte/"), view, name="actors_actor_map")
    known = URLPattern(RoutePattern("<int:event_id>/inscrits/"), view, name="actors_actor_people")
    reason = fillings(Route(unknown, ("code",), actor_admin, (unknown.pattern,)))
    assert isinstance(reason, str) and "code" in reason
    rows = fillings(Route(known, ("event_id",), actor_admin, (known.pattern,)))
    assert {type(row) for _values, row in rows} == {Event}
    assert len(rows) == Event.objects.count()

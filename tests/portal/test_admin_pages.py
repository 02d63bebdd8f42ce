"""Every admin page renders, change lists cost the same number of queries with 1 or 50 rows, the
dashboard counts only the user's poles, the roles command is idempotent, and the login locks out."""

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import ActorChange, ErrorReport, ErrorReportEmail, ProposalEmail
from events.models import EmailRecord, Registration
from poles.models import COORDINATOR_GROUP, REGIONAL_GROUP
from tests import factories
from tests.poles.helpers import pole_form_data, user_form_data

User = get_user_model()
PROJECT_APPS = {"poles", "actors", "events", "auth", "accounts"}


def project_model_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APPS
    ]


def _admin_id(value):
    return value.__name__ if isinstance(value, type) else ""


def _email_record(n):
    return EmailRecord.objects.create(
        registration=factories.RegistrationFactory(), kind=EmailRecord.Kind.CONFIRMED, key=str(n)
    )


ROW_FACTORIES = {
    "poles.pole": lambda n: factories.PoleFactory(),
    "poles.epci": lambda n: factories.EpciFactory(),
    "poles.commune": lambda n: factories.CommuneFactory(),
    "poles.partner": lambda n: factories.PartnerFactory(),
    "actors.sector": lambda n: factories.SectorFactory(),
    "actors.actor": lambda n: factories.ActorFactory(sectors=[factories.SectorFactory()]),
    "actors.importjob": lambda n: factories.ImportJobFactory(),
    "actors.proposalemail": lambda n: ProposalEmail.objects.create(
        actor=factories.ActorFactory(review_status="pending", proposer_email=f"p{n}@example.org"),
        kind=ProposalEmail.Kind.RECEIVED,
    ),
    "actors.actorchange": lambda n: ActorChange.objects.create(
        actor=factories.ActorFactory(), values={"phone": f"02 99 00 00 {n}"}, previous={"phone": ""}
    ),
    "actors.errorreport": lambda n: ErrorReport.objects.create(
        actor=factories.ActorFactory(), message=f"Erreur {n}", email=f"e{n}@example.org"
    ),
    "actors.errorreportemail": lambda n: ErrorReportEmail.objects.create(
        report=ErrorReport.objects.create(actor=factories.ActorFactory(), message=f"Erreur {n}"),
        kind=ErrorReportEmail.Kind.NEW,
    ),
    "events.workshop": lambda n: factories.WorkshopFactory(),
    "events.event": lambda n: factories.EventFactory(),
    "events.registration": lambda n: factories.RegistrationFactory(),
    "events.emailrecord": _email_record,
    "auth.user": lambda n: factories.UserFactory(),
    "auth.group": lambda n: Group.objects.create(name=f"Groupe {n}"),
    "accounts.invitation": lambda n: factories.InvitationFactory(),
    "accounts.accountemail": lambda n: factories.AccountEmailFactory(),
    "core.auditevent": lambda n: factories.AuditEventFactory(),
}


@pytest.mark.parametrize(("model", "model_admin"), project_model_admins(), ids=_admin_id)
def test_every_changelist_and_add_page_renders_for_the_superuser(admin_client, superuser, model, model_admin):
    opts = model._meta
    ROW_FACTORIES[opts.label_lower](0)
    changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == HTTPStatus.OK
    request = RequestFactory().get("/")
    request.user = superuser
    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    if model is User:  # adding an account is inviting someone
        assert add["Location"] == reverse("admin:accounts_invitation_add")
        return
    expected = HTTPStatus.OK if model_admin.has_add_permission(request) else HTTPStatus.FORBIDDEN
    assert add.status_code == expected


@pytest.mark.parametrize(("model", "model_admin"), project_model_admins(), ids=_admin_id)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, model, model_admin):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    make = ROW_FACTORIES[opts.label_lower]
    make(0)
    admin_client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as one:
        assert admin_client.get(url).status_code == HTTPStatus.OK
    for n in range(1, 50):
        make(n)
    with CaptureQueriesContext(connection) as fifty:
        assert admin_client.get(url).status_code == HTTPStatus.OK
    assert len(fifty) == len(one), [q["sql"] for q in fifty.captured_queries]


def test_coordinator_changelist_query_count_does_not_grow_with_rows(coordinator_client, pole_a):
    url = reverse("admin:actors_actor_changelist")
    factories.ActorFactory(pole=pole_a)
    coordinator_client.get(url)
    with CaptureQueriesContext(connection) as one:
        coordinator_client.get(url)
    factories.ActorFactory.create_batch(49, pole=pole_a)
    with CaptureQueriesContext(connection) as fifty:
        coordinator_client.get(url)
    assert len(fifty) == len(one)


def test_dashboard_counts_only_the_coordinators_poles(coordinator_client, pole_a, pole_b):
    factories.ActorFactory.create_batch(3, pole=pole_a)
    factories.ActorFactory(pole=pole_a, is_published=False, review_status="pending")
    factories.ActorFactory.create_batch(2, pole=pole_b, review_status="pending")
    event = factories.EventFactory(pole=pole_a, title="Rencontre de l’Alpha", capacity=20)
    factories.RegistrationFactory.create_batch(2, event=event, status=Registration.Status.CONFIRMED)
    factories.RegistrationFactory(event=event, status=Registration.Status.PENDING)
    factories.EventFactory(pole=pole_b, title="Rencontre du Bravo")

    response = coordinator_client.get(reverse("admin:index"))
    dashboard = response.context["dashboard"]
    assert [pole.member_count for pole in dashboard.poles] == [4]
    assert dashboard.proposals_waiting == 1
    assert dashboard.registrations_pending == 1
    assert [e.title for e in dashboard.upcoming_events] == ["Rencontre de l’Alpha"]
    content = response.content.decode()
    assert "2 / 20" in content
    assert "Rencontre du Bravo" not in content


def test_setup_roles_is_idempotent(db):
    call_command("setup_roles")
    regional = set(Group.objects.get(name=REGIONAL_GROUP).permissions.values_list("codename", flat=True))
    call_command("setup_roles")
    assert (
        set(Group.objects.get(name=REGIONAL_GROUP).permissions.values_list("codename", flat=True)) == regional
    )
    coordinators = Group.objects.get(name=COORDINATOR_GROUP).permissions.values_list("codename", flat=True)
    assert {"change_pole", "change_actor", "change_event", "view_registration"} <= set(coordinators)
    assert "add_pole" not in coordinators
    assert "change_user" not in coordinators
    assert Group.objects.filter(name__in=[REGIONAL_GROUP, COORDINATOR_GROUP]).count() == 2


def test_coordinator_does_not_see_users_or_reference_data_edition(coordinator_client):
    assert coordinator_client.get(reverse("admin:auth_user_changelist")).status_code == HTTPStatus.FORBIDDEN
    assert coordinator_client.get(reverse("admin:actors_sector_add")).status_code == HTTPStatus.FORBIDDEN


def test_regional_team_assigns_coordinators_on_the_user_page(regional_client, pole_a):
    user = factories.UserFactory(username="nouvelle")
    response = regional_client.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert response.status_code == HTTPStatus.OK
    assert "Pôles coordonnés" in response.content.decode()


def test_login_is_locked_after_repeated_failures_with_a_french_message(client, db, settings):
    user = factories.UserFactory(username="coordinatrice")
    url = reverse("admin:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": user.username, "password": "mauvais mot de passe"})
    response = client.post(url, {"username": user.username, "password": "correct horse battery staple"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_regional_team_corrects_reference_data_but_does_not_create_it(regional_client):
    commune = factories.CommuneFactory()
    assert regional_client.get(reverse("admin:poles_commune_add")).status_code == HTTPStatus.FORBIDDEN
    page = regional_client.get(reverse("admin:poles_commune_change", args=[commune.pk]))
    assert page.status_code == HTTPStatus.OK
    assert 'name="latitude"' in page.content.decode()
    assert 'name="insee_code"' not in page.content.decode()


def test_dashboard_query_count_does_not_grow_with_rows(coordinator_client, pole_a):
    url = reverse("admin:index")
    event = factories.EventFactory(pole=pole_a)
    factories.RegistrationFactory(event=event)
    factories.ActorFactory(pole=pole_a)
    coordinator_client.get(url)
    with CaptureQueriesContext(connection) as one:
        coordinator_client.get(url)
    for _n in range(10):
        factories.RegistrationFactory.create_batch(3, event=factories.EventFactory(pole=pole_a))
    factories.ActorFactory.create_batch(20, pole=pole_a)
    with CaptureQueriesContext(connection) as many:
        coordinator_client.get(url)
    assert len(many) == len(one)


def test_assigning_a_pole_makes_the_user_a_coordinator(regional_client, pole_a):
    newcomer = factories.UserFactory(username="nouvelle-coordinatrice", is_staff=False)
    url = reverse("admin:poles_pole_change", args=[pole_a.pk])
    response = regional_client.post(url, pole_form_data(pole_a, coordinators=[newcomer.pk]))
    assert response.status_code == HTTPStatus.FOUND
    newcomer.refresh_from_db()
    assert newcomer.is_staff
    assert newcomer.groups.filter(name=COORDINATOR_GROUP).exists()
    assert list(newcomer.coordinated_poles.all()) == [pole_a]

    regional_client.post(url, pole_form_data(pole_a))
    assert not newcomer.groups.filter(name=COORDINATOR_GROUP).exists()


def test_coordinated_poles_on_the_user_page_give_the_role(regional_client, pole_a):
    user = factories.UserFactory(username="camille", is_staff=False)
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = user_form_data(user, poles=[pole_a], first_name="Camille")
    response = regional_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert list(user.coordinated_poles.all()) == [pole_a]
    assert user.is_staff
    assert user.groups.filter(name=COORDINATOR_GROUP).exists()

""" "Signaler une erreur": the public form on an organisation's page, its routing to the pole, the
coordinators' email and the reporter's answer through the outbox, and the back-office that closes it."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from actors.models import ErrorReport, ErrorReportEmail
from actors.services import error_reports
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(pole_a, coordinator):
    return factories.ActorFactory(name="Ressourcerie de l’Oust", pole=pole_a)


def url(actor) -> str:
    return reverse("actors:report_error", kwargs={"slug": actor.slug})


def test_the_organisation_page_links_to_the_form(client, actor):
    page = client.get(actor.get_absolute_url()).content.decode()
    assert f'href="{url(actor)}"' in page
    assert "Signaler une erreur" in page
    form = client.get(url(actor))
    assert form.status_code == HTTPStatus.OK
    content = form.content.decode()
    assert 'name="csrfmiddlewaretoken"' in content
    assert (
        '<label for="id_message">Qu’est-ce qui est inexact ? <span aria-hidden="true">*</span></label>'
        in content
    )


def test_a_report_is_recorded_and_its_poles_coordinators_emailed(
    client, actor, coordinator, django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(actor), {"message": "Le téléphone a changé.", "email": "lea@example.org"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url(actor) + "?merci"
    report = ErrorReport.objects.get()
    assert (report.actor, report.message, report.email, report.status) == (
        actor,
        "Le téléphone a changé.",
        "lea@example.org",
        ErrorReport.Status.OPEN,
    )
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "Ressourcerie de l’Oust" in mail.outbox[0].subject
    assert "Le téléphone a changé." in mail.outbox[0].body
    assert reverse("admin:actors_errorreport_change", args=[report.pk]) in mail.outbox[0].body
    thanks = client.get(response["Location"])
    assert "Merci pour votre signalement" in thanks.content.decode()


def test_a_report_on_an_organisation_without_pole_goes_to_the_regional_team(
    client, regional, django_capture_on_commit_callbacks, eager_celery
):
    orphan = factories.ActorFactory(pole=None)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(orphan), {"message": "Fermée depuis 2024."})
    assert [m.to for m in mail.outbox] == [[regional.email]]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"message": "   "}, "message", "Dites ce qui est inexact sur cette page."),
        ({"message": "x" * 1001}, "message", "1000 caractères"),
        ({"message": "Adresse fausse", "email": "pas-une-adresse"}, "email", "adresse de courriel valide"),
    ],
)
def test_bad_input_is_a_french_form_error_and_records_nothing(client, actor, data, field, message):
    response = client.post(url(actor), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.context_data["form"].errors[field][0]
    assert not ErrorReport.objects.exists()
    assert not ErrorReportEmail.objects.exists()


def test_the_honeypot_records_nothing(client, actor):
    response = client.post(url(actor), {"message": "Achetez !", "fax": "spam"})
    assert response.status_code == HTTPStatus.FOUND
    assert not ErrorReport.objects.exists()


def test_reports_are_rate_limited_per_address(client, actor, settings):
    settings.ERROR_REPORT_RATE = "2/h"
    for n in range(2):
        assert client.post(url(actor), {"message": f"Erreur {n}"}).status_code == HTTPStatus.FOUND
    response = client.post(url(actor), {"message": "Erreur de trop"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Trop de signalements" in response.content.decode()
    assert ErrorReport.objects.count() == 2


def test_a_post_without_csrf_token_is_refused(actor):
    response = Client(enforce_csrf_checks=True).post(url(actor), {"message": "Erreur"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not ErrorReport.objects.exists()


def test_an_unpublished_organisation_has_no_report_form(client, pole_a):
    hidden = factories.ActorFactory(pole=pole_a, is_published=False)
    assert client.get(url(hidden)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(url(hidden), {"message": "Erreur"}).status_code == HTTPStatus.NOT_FOUND


def test_coordinator_sees_only_their_poles_reports(coordinator_client, actor, pole_b):
    other = factories.ActorFactory(name="Autre pôle", pole=pole_b)
    mine = error_reports.error_report_create(actor=actor, message="Mauvais site web")
    theirs = error_reports.error_report_create(actor=other, message="Secret de l’autre pôle")
    listing = coordinator_client.get(reverse("admin:actors_errorreport_changelist"))
    assert list(listing.context_data["cl"].result_list) == [mine]
    assert "Secret de l’autre pôle" not in listing.content.decode()
    for name in ("change", "delete", "history"):
        path = reverse(f"admin:actors_errorreport_{name}", args=[theirs.pk])
        assert coordinator_client.get(path).status_code == HTTPStatus.NOT_FOUND
    filtered = coordinator_client.get(
        reverse("admin:actors_errorreport_changelist"), {"actor__id__exact": other.pk}
    )
    assert list(filtered.context_data["cl"].result_list) == []


def test_open_reports_show_beside_the_listing_and_on_the_dashboard(coordinator_client, actor):
    report = error_reports.error_report_create(actor=actor, message="Horaires faux")
    change = coordinator_client.get(reverse("admin:actors_actor_change", args=[actor.pk])).content.decode()
    assert "Horaires faux" in change
    assert reverse("admin:actors_errorreport_change", args=[report.pk]) in change
    listing = coordinator_client.get(reverse("admin:actors_actor_changelist")).content.decode()
    assert f"{reverse('admin:actors_errorreport_changelist')}?actor__id__exact={actor.pk}" in listing
    dashboard = coordinator_client.get(reverse("admin:index")).content.decode()
    assert "<strong>1</strong> signalement d’erreur ouvert" in dashboard


def test_closing_tells_the_reporter_once_with_the_note(
    coordinator_client, coordinator, actor, django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks(execute=True):
        report = error_reports.error_report_create(
            actor=actor, message="Adresse fausse", email="lea@example.org"
        )
    mail.outbox.clear()
    change = reverse("admin:actors_errorreport_change", args=[report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(change, {"note": "Adresse corrigée, merci !", "close": "on"})
    assert response.status_code == HTTPStatus.FOUND
    report.refresh_from_db()
    assert report.status == ErrorReport.Status.CLOSED and report.closed_by == coordinator
    assert report.note == "Adresse corrigée, merci !"
    assert [m.to for m in mail.outbox] == [["lea@example.org"]]
    assert "Adresse corrigée, merci !" in mail.outbox[0].body
    # Closing again (a second click, a replayed POST) sends nothing more; the sweep neither.
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(change, {"note": "Encore", "close": "on"})
    assert error_reports.error_report_emails_send_due() == 0
    assert len(mail.outbox) == 1
    assert ErrorReport.objects.get().note == "Adresse corrigée, merci !"
    listing = coordinator_client.get(reverse("admin:actors_errorreport_changelist"))
    assert list(listing.context_data["cl"].result_list) == []  # open ones by default


def test_closing_a_report_without_email_writes_no_email(coordinator_client, actor):
    report = error_reports.error_report_create(actor=actor, message="Fermée")
    coordinator_client.post(reverse("admin:actors_errorreport_change", args=[report.pk]), {"close": "on"})
    assert ErrorReport.objects.get().status == ErrorReport.Status.CLOSED
    assert list(ErrorReportEmail.objects.values_list("kind", flat=True)) == [ErrorReportEmail.Kind.NEW]


def test_saving_without_closing_keeps_the_report_open(coordinator_client, actor):
    report = error_reports.error_report_create(actor=actor, message="Logo ancien")
    coordinator_client.post(
        reverse("admin:actors_errorreport_change", args=[report.pk]), {"note": "En cours"}
    )
    report.refresh_from_db()
    assert (report.status, report.note) == (ErrorReport.Status.OPEN, "En cours")


def test_the_coordinators_email_is_skipped_once_the_report_is_closed(actor, coordinator):
    report = error_reports.error_report_create(actor=actor, message="Erreur")
    error_reports.error_report_close(report=report, user=coordinator)
    assert error_reports.error_report_emails_send_due() == 0
    assert ErrorReportEmail.objects.get(kind="new").status == ErrorReportEmail.Status.SKIPPED

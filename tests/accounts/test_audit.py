"""The audit log: back-office logins (success, failure) and every export of registrations or personal
data, with who, when and what; read-only, and the regional team's only."""

from http import HTTPStatus

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import RequestFactory
from django.urls import reverse

from core.models import AuditEvent
from tests import factories

from .conftest import PASSWORD


def test_logins_and_failures_are_recorded(client, coordinator):
    client.post("/admin/login/", {"username": coordinator.username, "password": "pas le bon"})
    client.post("/admin/login/", {"username": coordinator.username, "password": PASSWORD})
    failed, success = AuditEvent.objects.order_by("at", "pk")
    assert (failed.action, failed.username, failed.user) == ("login_failed", coordinator.username, None)
    assert (success.action, success.user) == ("login", coordinator)
    assert success.ip_address == "127.0.0.1"


def test_every_csv_export_of_the_admin_is_recorded(admin_client, superuser, pole):
    factories.RegistrationFactory(event=factories.EventFactory(pole=pole))
    factories.ActorFactory(pole=pole)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    exports = 0
    for model, model_admin in admin.site._registry.items():
        pks = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)]
        if not pks:
            continue
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for name in model_admin.get_actions(request):
            before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()
            response = admin_client.post(changelist, {"action": name, ACTION_CHECKBOX_NAME: pks})
            if response.get("Content-Type", "").startswith("text/csv"):
                exports += 1
                entry = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("-pk").first()
                assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == before + 1, name
                assert entry.user == superuser and ".csv" in entry.what
    assert exports >= 2  # organisations and registrations


def test_the_personal_data_export_is_recorded_with_whose_data(admin_client):
    response = admin_client.post(
        reverse("admin:events_registration_personal_data"), {"email": "zoe@example.org", "action": "export"}
    )
    assert response.status_code == HTTPStatus.OK
    entry = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert "zoe@example.org" in entry.what


def test_the_audit_log_is_read_only_and_the_regional_teams(regional_client, client, coordinator):
    entry = factories.AuditEventFactory(username="quelquun")
    assert regional_client.get(reverse("admin:core_auditevent_changelist")).status_code == HTTPStatus.OK
    change = reverse("admin:core_auditevent_change", args=[entry.pk])
    assert regional_client.post(change, {"username": "autre"}).status_code == HTTPStatus.FORBIDDEN
    entry.refresh_from_db()
    assert entry.username == "quelquun"
    delete = reverse("admin:core_auditevent_delete", args=[entry.pk])
    assert regional_client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    client.force_login(coordinator)
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == HTTPStatus.FORBIDDEN

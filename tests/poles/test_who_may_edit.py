"""One definition of who may edit a pole's objects (``poles.models``), and every place asks it: the
querysets (``for_user``), the object check (``may_edit``) and the admin's scoping agree for a coordinator
of one pole, the regional team, a superuser, an inactive account and an anonymous visitor."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from poles.admin_scoping import PoleScopedAdmin
from poles.models import managed_pole_ids, manages_a_pole, may_edit, regional_users
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(coordinator, regional, superuser):
    inactive = factories.UserFactory(is_active=False, is_staff=True)
    return {"coordinator": coordinator, "regional": regional, "superuser": superuser, "inactive": inactive}


def objects_of(pole):
    event = factories.EventFactory(pole=pole)
    return [
        factories.ActorFactory(pole=pole),
        event,
        factories.RegistrationFactory(event=event),
        factories.WorkshopFactory(pole=pole),
    ]


@pytest.mark.parametrize("who", ["coordinator", "regional", "superuser", "inactive", "anonymous"])
def test_querysets_object_check_and_admin_scoping_agree(people, pole_a, pole_b, who):
    user = AnonymousUser() if who == "anonymous" else people[who]
    expected = {
        "coordinator": {pole_a.pk},
        "regional": {pole_a.pk, pole_b.pk},
        "superuser": {pole_a.pk, pole_b.pk},
    }
    may = expected.get(who, set())
    request = RequestFactory().get("/admin/")
    request.user = user
    for pole in (pole_a, pole_b):
        assert may_edit(user, pole.pk) == (pole.pk in may)
        for obj in objects_of(pole):
            model_admin = admin.site._registry[type(obj)]
            assert isinstance(model_admin, PoleScopedAdmin)
            in_queryset = type(obj).objects.for_user(user).filter(pk=obj.pk).exists()
            assert in_queryset == (pole.pk in may) == model_admin.in_scope(request, obj), (who, obj)
    assert manages_a_pole(user) == bool(may)
    assert may_edit(user, None) == (who in ("regional", "superuser"))  # an object of no pole


def test_the_regional_team_has_no_pole_list_and_a_coordinator_their_own(people, pole_a):
    assert managed_pole_ids(people["regional"]) is None
    assert managed_pole_ids(people["coordinator"]) == frozenset({pole_a.pk})


def test_regional_users_are_those_is_regional_is_true_for(people):
    assert set(regional_users()) == {people["regional"], people["superuser"]}


def test_no_other_module_decides_who_is_in_the_regional_team():
    """Only ``poles/models.py`` reads the regional group or the coordinators to decide rights."""
    apps = ["actors", "events", "reports", "accounts", "core", "ess_portal", "poles"]
    found = []
    for app in apps:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "migrations" in path.parts or path.name == "models.py" and app == "poles":
                continue
            text = path.read_text()
            if "groups__name=REGIONAL_GROUP" in text or "is_superuser or is_regional" in text:
                found.append(str(path))
    assert found == []

"""Django's own site-wide admin views, scoped like the model admins: "View on site", the "recent
actions" of the index and the autocomplete (the walk of every admin URL is tests/security/
test_admin_every_url.py; these name each path on its own)."""

from http import HTTPStatus

from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse

from tests import factories


def _view_on_site(obj):
    return reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


def _log(user, obj):
    return LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        action_flag=CHANGE,
        change_message="[]",
    )


def test_view_on_site_of_another_poles_registration_reveals_nothing(coordinator_client, pole_b):
    theirs = factories.RegistrationFactory(event=factories.EventFactory(pole=pole_b), full_name="Bob Bravo")
    response = coordinator_client.get(_view_on_site(theirs))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert theirs.token not in response.get("Location", "") + response.content.decode()


def test_view_on_site_of_another_poles_draft_event_or_unpublished_actor_answers_404(
    coordinator_client, pole_b
):
    draft = factories.EventFactory(pole=pole_b, status="draft", slug="brouillon-secret")
    hidden = factories.ActorFactory(pole=pole_b, is_published=False, slug="association-cachee")
    for obj in (draft, hidden, pole_b):
        response = coordinator_client.get(_view_on_site(obj))
        assert response.status_code == HTTPStatus.NOT_FOUND, obj
        assert obj.slug not in response.get("Location", "")


def test_view_on_site_leads_to_the_public_page_of_the_coordinators_own_objects(coordinator_client, pole_a):
    event = factories.EventFactory(pole=pole_a, slug="rencontre-a")
    response = coordinator_client.get(_view_on_site(event))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith(event.get_absolute_url())


def test_a_registrants_private_page_is_not_offered_as_view_on_site(coordinator_client, pole_a):
    """Its link confirms or cancels as the registrant: not a back-office page, even for their pole."""
    mine = factories.RegistrationFactory(event=factories.EventFactory(pole=pole_a))
    assert coordinator_client.get(_view_on_site(mine)).status_code == HTTPStatus.NOT_FOUND
    page = coordinator_client.get(reverse("admin:events_registration_change", args=[mine.pk]))
    assert mine.token not in page.content.decode()


def test_view_on_site_with_a_malformed_content_type_answers_404(coordinator_client):
    url = reverse("admin:view_on_site", args=["pas-un-nombre", "1"])
    assert coordinator_client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert coordinator_client.get(reverse("admin:view_on_site", args=[99999, 1])).status_code == 404


def test_recent_actions_list_only_objects_the_user_can_see(coordinator, pole_a, pole_b, superuser):
    """Whoever wrote them: a list of log entries (the index's, or any other) never names another
    pole's object, nor one that has moved to another pole since."""
    mine = factories.ActorFactory(pole=pole_a, name="Chez Alpha")
    moved = factories.ActorFactory(pole=pole_a, name="Parti chez Bravo")
    theirs = factories.EventFactory(pole=pole_b, title="Rencontre Bravo")
    own_entry = _log(coordinator, mine)
    _log(coordinator, moved)
    moved.pole = pole_b
    moved.save()
    _log(factories.make_coordinator(pole_b), theirs)
    _log(superuser, pole_b)
    _log(superuser, superuser)
    request = RequestFactory().get("/admin/")
    request.user = coordinator
    assert list(admin.site.get_log_entries(request)) == [own_entry]


def test_recent_actions_of_the_index_leave_out_an_object_moved_to_another_pole(
    coordinator_client, coordinator, pole_a, pole_b
):
    moved = factories.ActorFactory(pole=pole_a, name="Parti chez Bravo")
    _log(coordinator, moved)
    moved.pole = pole_b
    moved.save()
    assert "Parti chez Bravo" not in coordinator_client.get(reverse("admin:index")).content.decode()


def test_the_regional_team_sees_every_poles_recent_actions(regional, pole_a, pole_b):
    entries = [_log(regional, pole_a), _log(regional, factories.EventFactory(pole=pole_b))]
    request = RequestFactory().get("/admin/")
    request.user = regional
    assert set(admin.site.get_log_entries(request)) == set(entries)


def test_autocomplete_of_a_reverse_relation_is_refused_not_a_server_error(coordinator_client, pole_a):
    for model_name, field_name in [("pole", "actors"), ("event", "registrations"), ("pole", "coordinators")]:
        response = coordinator_client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "poles" if model_name == "pole" else "events",
                "model_name": model_name,
                "field_name": field_name,
            },
        )
        assert response.status_code == HTTPStatus.FORBIDDEN, (model_name, field_name)

"""Every page of the admin speaks French without mistakes, Django's own strings included.

As the superuser (who sees every page), the test walks the index, every application's index and, for
every registered model admin, its change list, its add form, the change form and the history of one row:
the rendered text must have no missing article where Django composes a title or a button from the model's
name ("Ajouter organisation", "Ajout de événement"), no missing elision ("de ADESS", "Modification de
organisation") and no "(e)"/"(s)" inflections ("Aucun(e)"), by the rules of ``test_french_spelling``.
A model admin added later is walked too (``core.admin_titles`` says how to give it its nouns).
"""

import html
import re
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.urls import reverse

from core.admin_titles import TitledAdmin
from events.models import Registration
from tests import factories
from tests.core.test_french_spelling import mistakes
from tests.portal.test_admin_pages import ROW_FACTORIES

#: What "Ajouter" may be followed by: an article, a determiner or a preposition.
AFTER_AJOUTER = (
    r"un|une|des|le|la|les|l’|l'|d’|d'|ce|cet|cette|ces|à|au|aux|mon|ma|mes|votre|vos|son|sa|ses|et|ou"
)
MISSING_ARTICLE = re.compile(
    rf"\b(Ajouter|Choisissez|Modifier|Consulter)\s+(?!(?:{AFTER_AJOUTER})\b|l’|d’)([a-zà-ÿ]\w*)"
)


def visible_text(content: bytes) -> str:
    text = content.decode()
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    title = " ".join(re.findall(r"<title>(.*?)</title>", text, flags=re.S))
    # A table cell, a list item or a heading ends a phrase: "Envoyé le" | "Envoyé" is not "le Envoyé".
    text = re.sub(r"</?(?:t[dhr]|li|p|div|h\d|option|label|button|dt|dd|caption|legend)\b[^>]*>", " | ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(" ".join(f"{title} {text}".split()))


def french_mistakes(text: str) -> list[str]:
    return mistakes(text) + [match.group(0) for match in MISSING_ARTICLE.finditer(text)]


def test_the_rule_finds_missing_articles():
    assert french_mistakes("Ajouter organisation · Ajout de événement · Statut : Aucun(e)") == [
        "de événement",
        "n(e)",
        "Ajouter organisation",
    ]
    assert french_mistakes("Ajouter une organisation · Modifier l’événement · Ajouter à la liste") == []


def admin_pages(client):
    """(url, response) for every admin page a superuser reaches from the index, one row per model."""
    urls = [reverse("admin:index")]
    urls += [
        reverse("admin:app_list", args=[label]) for label in {m._meta.app_label for m in admin.site._registry}
    ]
    for model in admin.site._registry:
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        factory = ROW_FACTORIES.get(opts.label_lower)
        row = factory(0) if factory else model._default_manager.first()
        urls += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        if row is not None:
            urls += [reverse(f"{name}_change", args=[row.pk]), reverse(f"{name}_history", args=[row.pk])]
    client.raise_request_exception = False  # an add form the superuser may not use answers 403
    for url in urls:
        response = client.get(url)
        if response.status_code == HTTPStatus.OK:
            yield url, response


@pytest.mark.django_db
def test_every_admin_page_is_written_without_french_mistakes(admin_client):
    pages = dict(admin_pages(admin_client))
    assert len(pages) > 60
    wrong = {
        url: found
        for url, response in pages.items()
        if (found := french_mistakes(visible_text(response.content)))
    }
    assert not wrong, "\n".join(f"{url}: {found}" for url, found in wrong.items())


def test_every_model_admin_names_its_model_with_articles():
    missing = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not (isinstance(model_admin, TitledAdmin) and model_admin.nouns)
    ]
    assert not missing


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        (
            "admin:actors_actor_changelist",
            ["Ajouter une organisation", "Choisissez une organisation à modifier"],
        ),
        ("admin:actors_actor_add", ["Ajouter une organisation | ESS Bretagne"]),
        ("admin:events_event_changelist", ["Ajouter un événement"]),
        ("admin:events_event_add", ["Ajouter un événement"]),
        ("admin:poles_epci_changelist", ["Choisissez une intercommunalité à modifier"]),
    ],
)
def test_titles_and_buttons_carry_the_article(admin_client, url_name, expected):
    text = visible_text(admin_client.get(reverse(url_name)).content)
    for phrase in expected:
        assert phrase in text


@pytest.mark.django_db
def test_change_form_title_uses_the_definite_article(admin_client):
    event = factories.EventFactory()
    text = visible_text(admin_client.get(reverse("admin:events_event_change", args=[event.pk])).content)
    assert "Modifier l’événement" in text


@pytest.mark.django_db
def test_a_cancelled_registration_is_annulee(admin_client):
    registration = factories.RegistrationFactory(status=Registration.Status.CANCELLED)
    assert str(Registration.Status.CANCELLED.label) == "Annulée"
    text = visible_text(
        admin_client.get(reverse("admin:events_registration_changelist") + "?status=cancelled").content
    )
    assert registration.full_name in text and "Annulée" in text

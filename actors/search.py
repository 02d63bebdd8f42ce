"""The directory's search: what people type, matched accent- and case-insensitively, identically on
SQLite and PostgreSQL.

Each word of the query (``core.text.search_words``) must be found in one of the organisation's texts:
its own (name, acronym, description, commune: the folded ``search_text`` column kept by ``save()`` and
by the bulk writes of the import and the demo) or those of the rows it points to, its sectors, its
pole (name and acronym), its commune (name and postal codes) and its legal form's label (in every
language of the site). The latter are matched in Python against a small index of those tables, read
once per public data version (``core.public_cache.per_version``), and become ``IN`` conditions: so
renaming a sector or a pole, or reloading the communes, is searchable at once, whatever wrote it (a
bulk update included), with no copy to keep in step on the organisations' rows. The directory's
per-version caches (``actors.selectors``) stay right for the same reason: every one of those tables
bumps the data version when it changes.

``name_rank`` is 0 when every word is in the name (``sort_name``, the same folded letters), 1 otherwise:
the directory lists name matches first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import translation

from core.public_cache import per_version
from core.text import compact, search_words
from poles.models import Commune, Pole


@dataclass(frozen=True)
class RelatedTexts:
    """The folded texts of the tables an organisation points to, as (key, text) pairs."""

    poles: tuple[tuple[int, str], ...]
    sectors: tuple[tuple[int, str], ...]
    communes: tuple[tuple[int, str], ...]
    legal_forms: tuple[tuple[str, str], ...]


def _legal_form_texts(choices) -> tuple[tuple[str, str], ...]:
    texts = []
    for value, label in choices:
        labels = []
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                labels.append(str(label))
        texts.append((value, compact(*labels)))
    return tuple(texts)


def related_texts(model) -> RelatedTexts:
    """Read the index for ``model`` (``Actor``; this module does not import it, which imports this one):
    three small queries (poles, sectors, communes); the legal forms are the field's choices."""
    Sector = model._meta.get_field("sectors").related_model
    return RelatedTexts(
        poles=tuple(
            (pk, compact(name, acronym))
            for pk, name, acronym in Pole.objects.values_list("pk", "name", "acronym")
        ),
        sectors=tuple((pk, compact(name)) for pk, name in Sector.objects.values_list("pk", "name")),
        communes=tuple(
            (pk, compact(name, *postal_codes.split()))
            for pk, name, postal_codes in Commune.objects.values_list("pk", "name", "postal_codes")
        ),
        legal_forms=_legal_form_texts(model._meta.get_field("legal_form").choices),
    )


def _matching(pairs, word: str) -> list:
    return [key for key, text in pairs if word in text]


def word_condition(word: str, texts: RelatedTexts, model) -> Q:
    """Where a folded word may be found for an organisation to match it."""
    condition = Q(search_text__contains=word)
    if poles := _matching(texts.poles, word):
        condition |= Q(pole_id__in=poles)
    if communes := _matching(texts.communes, word):
        condition |= Q(commune_id__in=communes)
    if forms := _matching(texts.legal_forms, word):
        condition |= Q(legal_form__in=forms)
    if sectors := _matching(texts.sectors, word):
        links = model.sectors.through.objects.filter(sector_id__in=sectors).values("actor_id")
        condition |= Q(pk__in=links)
    return condition


def search_condition(queryset, query: str):
    """``queryset`` narrowed to the organisations matching every word of ``query``, with ``name_rank``."""
    words = search_words(query)
    if not words:
        return queryset
    model = queryset.model
    texts = per_version("actors-search-texts", lambda: related_texts(model))
    condition = Q()
    in_name = Q()
    for word in words:
        condition &= word_condition(word, texts, model)
        in_name &= Q(sort_name__contains=word)
    rank = Case(When(in_name, then=Value(0)), default=Value(1), output_field=IntegerField())
    return queryset.filter(condition).annotate(name_rank=rank)

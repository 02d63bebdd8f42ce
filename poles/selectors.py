"""Reads of the public pole pages: the poles, with what the other apps tell about them.

``poles`` imports neither ``actors`` nor ``events``: the apps above it contribute, from their
``ready()``, the annotations of every public pole (``contribute_pole_annotations``: the member count,
the next event) and the sections of a pole's page (``contribute_pole_sections``: members, workshops,
events). The page and the map data stay one query each, as when the code named those models here.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from .models import Pole

#: Callables returning annotations (name -> expression) for ``public_poles()``, computed on each call.
_ANNOTATIONS: list[Callable[[], dict]] = []
#: Callables returning context (name -> value) for a pole's public page.
_SECTIONS: list[Callable[[Pole], dict]] = []


def contribute_pole_annotations(annotations: Callable[[], dict]) -> None:
    """Annotate every public pole with ``annotations()`` (an app's ``ready()`` calls it once)."""
    if annotations not in _ANNOTATIONS:
        _ANNOTATIONS.append(annotations)


def contribute_pole_sections(sections: Callable[[Pole], dict]) -> None:
    """Add ``sections(pole)`` to the context of a pole's public page (an app's ``ready()`` calls it)."""
    if sections not in _SECTIONS:
        _SECTIONS.append(sections)


def public_poles() -> QuerySet:
    """Every pole, in one query, with the annotations the other apps contribute: ``member_count``
    (published organisations, from ``actors``) and its next public event (``next_event_title``,
    ``next_event_slug``, ``next_event_starts_at``, from ``events``)."""
    annotations: dict = {}
    for contribution in _ANNOTATIONS:
        annotations.update(contribution())
    return Pole.objects.annotate(**annotations)


def pole_sections(pole: Pole) -> dict:
    """The other apps' sections of a pole's public page (lazy querysets: nothing runs before rendering)."""
    context: dict = {}
    for contribution in _SECTIONS:
        context.update(contribution(pole))
    return context

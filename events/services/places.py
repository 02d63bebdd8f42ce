"""The building blocks of ``personal_data``'s places: the :class:`Place` record and the helpers the
places share (the retention cut-off and its text, a row as exported). Apart so that the places of
every app's data can be written in modules of their own (``places_directory``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class Place:
    """One kind of row holding a person's data (see the module's docstring)."""

    key: str
    label: Promise
    holds: Promise
    basis: Promise
    kept: Callable[[], str]
    find: Callable[[str], Iterable[QuerySet]]
    export: Callable[[models.Model], dict]
    erase: Callable[[QuerySet, datetime, str | None], int]
    expired: Callable[[datetime], Iterable[QuerySet]]


def _retention_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.REGISTRATION_RETENTION_DAYS)


def _after_months(text) -> Callable[[], str]:
    """A ``kept`` text counting ``REGISTRATION_RETENTION_DAYS`` in months (``ngettext_lazy`` on "months")."""
    return lambda: text % {"months": round(settings.REGISTRATION_RETENTION_DAYS / 30.4)}


def _value(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _row(row: models.Model, *, exclude: Iterable[str] = ()) -> dict:
    """Every column of ``row`` but its keys (a column added later is exported too)."""
    return {
        field.name: _value(field.value_from_object(row))
        for field in row._meta.concrete_fields
        if not (field.primary_key or field.is_relation or field.name in exclude)
    }

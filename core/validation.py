"""Checking a would-be row with its model's own rules before anything is written.

Bulk writes (the reference data load, the CSV import of organisations) build model instances that never
pass through a form. Their values must be checked against the columns they go into *before* the write:
PostgreSQL refuses an over-long value on insert (a ``DataError``, a 500 in a web request) and, worse,
silently cuts it on ``bulk_update``, whose ``CASE … END`` is cast to the column's ``varchar(n)``.
:func:`instance_errors` runs the model's own validation — field validators, ``max_length``, choices,
``blank``, ``Model.clean()`` and, when asked, the ``Meta.constraints`` — so that no second list of
limits is kept beside the models, and returns one readable message per problem, naming the column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _


def field_label(model: type[models.Model], name: str) -> str:
    """The field's translated verbose name, capitalised ("Site web"), or ``name`` itself."""
    try:
        return str(capfirst(model._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name


def instance_errors(
    instance: models.Model,
    *,
    exclude: Iterable[str] = (),
    constraints: bool = False,
    label: Callable[[str], str] | None = None,
    memo: dict | None = None,
) -> list[str]:
    """The messages of every rule of its model that ``instance`` breaks (empty when it may be saved).

    ``exclude`` names fields not to check (foreign keys the caller resolved itself: their check is one
    query per row). ``constraints`` also validates the ``Meta.constraints`` that do not involve excluded
    fields, except unique ones. Uniqueness against other rows (``validate_unique``, unique constraints)
    is left to the caller, who checks a whole batch in a few queries. A check constraint is one small
    query (no table access); its outcome depends only on the values of the fields it names, so a batch
    passes the same ``memo`` dict to every call and asks the database once per distinct set of values.
    ``label(field_name)`` names the column in messages (the field's verbose name by default).
    """
    model = type(instance)
    label = label or (lambda name: field_label(model, name))
    exclude = set(exclude)
    errors: dict[str, list[str]] = {}

    def collect(check: Callable[[], None]) -> None:
        try:
            check()
        except ValidationError as exc:
            found = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            for name, messages in found.items():
                errors.setdefault(name, []).extend(messages)

    collect(lambda: instance.clean_fields(exclude=exclude))
    collect(instance.clean)
    if constraints:
        for model_class, model_constraints in instance.get_constraints():
            for constraint in model_constraints:
                if not isinstance(constraint, models.UniqueConstraint):
                    collect(lambda c=constraint, m=model_class: _validate(c, m, instance, exclude, memo))
    return [
        message
        if name == NON_FIELD_ERRORS
        else _("%(column)s: %(message)s") % {"column": label(name), "message": message}
        for name, messages in errors.items()
        for message in messages
    ]


def _validate(constraint, model_class, instance, exclude: set[str], memo: dict | None) -> None:
    """``constraint.validate()``, remembered in ``memo`` per values of the fields a check constraint names."""
    key = None
    if memo is not None and isinstance(constraint, models.CheckConstraint):
        names = sorted(models.Q(constraint.condition).referenced_base_fields)
        try:
            values = tuple(getattr(instance, model_class._meta.get_field(name).attname) for name in names)
            key = (model_class, constraint.name, tuple(exclude & set(names)), values)
            hash(key)
        except (FieldDoesNotExist, TypeError):
            key = None
    if key is not None and key in memo:
        if memo[key] is not None:
            raise memo[key]
        return
    try:
        constraint.validate(model_class, instance, exclude=exclude)
    except ValidationError as exc:
        if key is not None:
            memo[key] = exc
        raise
    if key is not None:
        memo[key] = None

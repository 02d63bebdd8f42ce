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
) -> list[str]:
    """The messages of every rule of its model that ``instance`` breaks (empty when it may be saved).

    ``exclude`` names fields not to check (foreign keys the caller resolved itself — their check is one
    query per row —, fields whose uniqueness the caller checks in bulk). ``constraints`` also validates
    ``Meta.constraints`` other than those on excluded fields (check constraints cost one small query
    each). Uniqueness against other rows (``validate_unique``) is left to the caller, who knows the rest
    of the batch. ``label(field_name)`` names the column in messages (the field's verbose name by default).
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
        collect(lambda: instance.validate_constraints(exclude=exclude))
    return [
        message
        if name == NON_FIELD_ERRORS
        else _("%(column)s: %(message)s") % {"column": label(name), "message": message}
        for name, messages in errors.items()
        for message in messages
    ]

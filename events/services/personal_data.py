"""Where the portal keeps a person's data: one definition for access, erasure, the purge and the notice.

A person is known by their email address. Each :class:`Place` of :data:`PLACES` is one kind of row
that holds a person's name, address or traces, and says

- what it holds, why, on which legal basis and for how long (the privacy page, ``/confidentialite/``,
  lists the places from these very texts);
- how to find a person's rows (``find``), how to export one row (``export``) and how to erase rows
  (``erase``: anonymise what counts must keep, delete the rest);
- which rows are past their retention period (``expired``).

:func:`personal_data_export` (right of access), :func:`personal_data_erase` (right to erasure) and
:func:`personal_data_purge` (the nightly beat task ``events.purge_personal_data``) go through the
places and nothing else, so a place added here is exported, erased, purged and listed at once. Rows
are found before any is erased: erasing one place (anonymising a registration) must not hide the rows
of the next (its admin history, found through it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent

from ..models import EmailRecord, Registration
from .places import Place, _after_months, _retention_cutoff, _row, _value
from .places_directory import ERROR_REPORTS, PROPOSALS
from .questions import answers_erase, answers_export
from .registrations import registration_cancel

#: What replaces a person's address in the text of an admin history entry.
REDACTED = "[…]"


# --------------------------------------------------------------------------------------------------
# Registrations


def _expired_registrations(now: datetime) -> QuerySet[Registration]:
    return Registration.objects.not_anonymised().filter(event__ends_at__lt=_retention_cutoff(now))


def _export_registration(registration: Registration) -> dict:
    event = registration.event
    return {
        "event": {
            "title": event.title,
            "url": settings.SITE_URL + event.get_absolute_url(),
            "starts_at": event.starts_at.isoformat(),
            "pole": event.pole.name,
        },
        "full_name": registration.full_name,
        "email": registration.email,
        "organisation": registration.organisation_label,
        "status": registration.status,
        "attended": registration.attended,
        "language": registration.language,
        "consent_at": registration.consent_at.isoformat(),
        "created_at": registration.created_at.isoformat(),
        "confirmed_at": _value(registration.confirmed_at),
        "waitlisted_at": _value(registration.waitlisted_at),
        "cancelled_at": _value(registration.cancelled_at),
        "answers": answers_export(registration),
    }


def _erase_registrations(rows: QuerySet[Registration], now: datetime, email: str | None) -> int:
    """Release the seats of upcoming events first (the waiting list moves on, nobody is notified),
    then keep each row as an anonymous count: name, address and free organisation name removed."""
    for registration in rows.active().filter(event__starts_at__gt=now):
        registration_cancel(registration=registration, notify=False, now=now)
    answers_erase(rows)
    return rows.update(full_name="", email="", organisation_name="", anonymised_at=now, updated_at=now)


REGISTRATIONS = Place(
    key="registrations",
    label=_("Event registrations"),
    holds=_(
        "Your name, email address and organisation, your answers to the event's registration questions, "
        "the language of the site, the dates of your registration, confirmation or cancellation, and "
        "whether you came. Used only to manage your "
        "registration: confirm your address, keep your seat or your place on the waiting list, send you "
        "a reminder, tell you about a change or a cancellation, and count attendance."
    ),
    basis=_(
        "Your consent, given by ticking the box of the registration form (article 6.1.a of the GDPR). "
        "You can withdraw it at any time by cancelling your registration."
    ),
    kept=_after_months(
        ngettext_lazy(
            "Anonymised %(months)d month after the event: only anonymous counts remain.",
            "Anonymised %(months)d months after the event: only anonymous counts remain.",
            "months",
        )
    ),
    find=lambda email: [
        Registration.objects.of_email(email)
        .not_anonymised()
        .select_related("event__pole", "organisation")
        .prefetch_related("answers__question")
        .order_by("created_at")
    ],
    export=_export_registration,
    erase=_erase_registrations,
    expired=lambda now: [_expired_registrations(now)],
)


# --------------------------------------------------------------------------------------------------
# The outbox


def _export_email(record: EmailRecord) -> dict:
    return {"event": record.registration.event.title, **_row(record)}


def _delete(rows: QuerySet, now: datetime, email: str | None) -> int:
    return rows.delete()[0]


OUTBOX = Place(
    key="outbox",
    label=_("Emails about your registrations"),
    holds=_(
        "Each email we send you about a registration (confirmation, reminder, change, cancellation): "
        "which one, when it was due and sent, and why it could not leave if it failed. Kept so that "
        "each email is sent once."
    ),
    basis=_("The same as the registration it is about."),
    kept=lambda: str(_("Deleted when the registration it is about is anonymised or erased.")),
    find=lambda email: [
        EmailRecord.objects.filter(
            registration__email__iexact=email.strip(), registration__anonymised_at__isnull=True
        )
        .select_related("registration__event")
        .order_by("created_at", "pk")
    ],
    export=_export_email,
    erase=_delete,
    expired=lambda now: [
        EmailRecord.objects.filter(
            Q(registration__in=_expired_registrations(now)) | Q(registration__anonymised_at__isnull=False)
        )
    ],
)


# --------------------------------------------------------------------------------------------------
# The admin history: an entry about a registration is named after it ("Zoé Kerhervé — Rencontre")


def _anonymised_registration() -> str:
    """How the admin history names a registration once its person is gone (in the site's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(_("anonymised registration"))


def _registration_entries() -> QuerySet[LogEntry]:
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Registration))


def _entries_about(registrations: QuerySet[Registration]) -> QuerySet[LogEntry]:
    ids = registrations.order_by().annotate(text_pk=Cast("pk", models.TextField())).values("text_pk")
    return _registration_entries().filter(object_id__in=ids)


def _export_entry(entry: LogEntry) -> dict:
    return {
        "action_time": entry.action_time.isoformat(),
        "action": {ADDITION: "addition", CHANGE: "change", DELETION: "deletion"}[entry.action_flag],
        "object": entry.object_repr,
        "change": entry.get_change_message(),
    }


def _redact(text: str, email: str | None) -> str:
    if not email:
        return text
    lowered, needle = text.lower(), email.strip().lower()
    parts, start = [], 0
    while (found := lowered.find(needle, start)) != -1:
        parts += [text[start:found], REDACTED]
        start = found + len(needle)
    return "".join(parts) + text[start:]


def _is_id(object_id: str | None) -> bool:
    return bool(object_id) and object_id.isdigit()


def _erase_entries(rows: QuerySet[LogEntry], now: datetime, email: str | None) -> int:
    """Keep who changed what and when; an entry about a registration no longer names its person, and
    the person's address is cut out of any other entry's text."""
    anonymised = _anonymised_registration()
    registration_type = ContentType.objects.get_for_model(Registration).pk
    events = dict(
        Registration.objects.filter(
            pk__in=[
                e.object_id for e in rows if e.content_type_id == registration_type and _is_id(e.object_id)
            ]
        ).values_list("pk", "event__title")
    )
    count = 0
    for entry in rows:
        if entry.content_type_id == registration_type:
            title = events.get(int(entry.object_id)) if _is_id(entry.object_id) else None
            entry.object_repr = f"{anonymised} — {title}" if title else anonymised
        entry.object_repr = _redact(entry.object_repr, email)[:200]
        entry.change_message = _redact(entry.change_message, email)
        entry.save(update_fields=["object_repr", "change_message"])
        count += 1
    return count


def _expired_entries(now: datetime) -> list[QuerySet[LogEntry]]:
    """Entries about registrations being anonymised, and old entries about deleted registrations."""
    existing = Registration.objects.order_by().annotate(text_pk=Cast("pk", models.TextField()))
    gone = (
        _registration_entries()
        .filter(action_time__lt=_retention_cutoff(now))
        .exclude(object_id__in=existing.values("text_pk"))
        .exclude(object_repr__startswith=_anonymised_registration())
    )
    return [_entries_about(_expired_registrations(now)), gone]


ADMIN_HISTORY = Place(
    key="admin_history",
    label=_("History of the back-office"),
    holds=_(
        "When a coordinator changes your registration in the back-office, its history records who did "
        "it and when, under the registration's name (your name and the event). Kept to know who changed "
        "what."
    ),
    basis=_("The portal's legitimate interest in knowing who changed what (article 6.1.f of the GDPR)."),
    kept=lambda: str(_("Your name is removed from it when the registration is anonymised or erased.")),
    find=lambda email: [
        (
            _entries_about(Registration.objects.of_email(email).not_anonymised())
            | LogEntry.objects.filter(
                Q(object_repr__icontains=email.strip()) | Q(change_message__icontains=email.strip())
            )
        ).order_by("action_time", "pk")
    ],
    export=_export_entry,
    erase=_erase_entries,
    expired=_expired_entries,
)


# --------------------------------------------------------------------------------------------------
# Back-office login records (django-axes): the user name typed, the client's address and browser


LOGIN_MODELS = (AccessAttempt, AccessFailureLog, AccessLog)


def _usernames(email: str) -> set[str]:
    """The user names a person's login records carry: the address itself, typed as a user name, and
    the user names of accounts with that address."""
    users = get_user_model().objects.filter(email__iexact=email.strip())
    return {email.strip(), *users.values_list(get_user_model().USERNAME_FIELD, flat=True)}


def _find_login_records(email: str) -> list[QuerySet]:
    query = Q()
    for username in _usernames(email):
        query |= Q(username__iexact=username)
    return [model.objects.filter(query).order_by("attempt_time", "pk") for model in LOGIN_MODELS]


def _export_login_record(row) -> dict:
    return {"record": row._meta.model_name, **_row(row, exclude=("session_hash",))}


def _expired_login_records(now: datetime) -> list[QuerySet]:
    cool_off = get_cool_off()
    logs_cutoff = now - timedelta(days=settings.LOGIN_RECORDS_RETENTION_DAYS)
    attempts = AccessAttempt.objects.filter(attempt_time__lt=now - cool_off) if cool_off else None
    return [
        attempts if attempts is not None else AccessAttempt.objects.none(),
        AccessFailureLog.objects.filter(attempt_time__lt=logs_cutoff),
        AccessLog.objects.filter(attempt_time__lt=logs_cutoff),
    ]


def _login_records_kept() -> str:
    cool_off = get_cool_off()
    minutes = round(cool_off.total_seconds() / 60) if cool_off else 0
    days = settings.LOGIN_RECORDS_RETENTION_DAYS
    return _(
        "Failed attempts are deleted once the lockout they count towards is over (%(minutes)d minutes); "
        "the log of logins and failures after %(days)d days."
    ) % {"minutes": minutes, "days": days}


LOGIN_RECORDS = Place(
    key="login_records",
    label=_("Back-office login records"),
    holds=_(
        "The user name typed on the back-office login page (often an email address), the address of "
        "the computer and its browser, and the time: to lock out whoever tries passwords, and to know "
        "who logged in."
    ),
    basis=_("The security of the back-office, a legitimate interest (article 6.1.f of the GDPR)."),
    kept=_login_records_kept,
    find=_find_login_records,
    export=_export_login_record,
    erase=_delete,
    expired=_expired_login_records,
)


# --------------------------------------------------------------------------------------------------
# The audit log (core.AuditEvent): back-office logins and exports of personal data


def _find_audit_events(email: str) -> list[QuerySet]:
    query = Q(what__icontains=email.strip())
    for username in _usernames(email):
        query |= Q(username__iexact=username)
    return [AuditEvent.objects.filter(query).order_by("at", "pk")]


def _export_audit_event(row: AuditEvent) -> dict:
    return _row(row)


def _expired_audit_events(now: datetime) -> list[QuerySet]:
    return [AuditEvent.objects.filter(at__lt=now - timedelta(days=settings.AUDIT_RETENTION_DAYS))]


AUDIT_LOG = Place(
    key="audit_log",
    label=_("Audit log of the back-office"),
    holds=_(
        "Who logged in to the back-office or failed to (the user name typed, the address of the "
        "computer, the time), and who exported registrations or personal data, when, and which (the "
        "address of the person whose data was exported): to know who looked at personal data."
    ),
    basis=_("The security of personal data (article 32 of the GDPR), a legal obligation (article 6.1.c)."),
    kept=lambda: (
        ngettext_lazy("Deleted after %(days)d day.", "Deleted after %(days)d days.", "days")
        % {"days": settings.AUDIT_RETENTION_DAYS}
    ),
    find=_find_audit_events,
    export=_export_audit_event,
    erase=_delete,
    expired=_expired_audit_events,
)


#: Every place a person's data is kept, in the order the privacy page lists them and erasure runs.
PLACES: tuple[Place, ...] = (
    REGISTRATIONS,
    OUTBOX,
    ADMIN_HISTORY,
    PROPOSALS,
    ERROR_REPORTS,
    LOGIN_RECORDS,
    AUDIT_LOG,
)


# --------------------------------------------------------------------------------------------------
# Access, erasure, purge


def _frozen(querysets: Iterable[QuerySet]) -> list[QuerySet]:
    """The rows found now, whatever erasing another place changes afterwards."""
    return [
        queryset.model._default_manager.filter(pk__in=list(queryset.values_list("pk", flat=True)))
        for queryset in querysets
    ]


def personal_data_export(*, email: str) -> dict:
    """Everything the portal holds about one email address, place by place, as JSON-ready data."""
    data = {
        "email": email.strip(),
        "exported_at": timezone.now().isoformat(),
        "controller": settings.DEFAULT_FROM_EMAIL,
    }
    for place in PLACES:
        data[place.key] = [place.export(row) for queryset in place.find(email) for row in queryset]
    return data


def personal_data_erase(*, email: str, now: datetime | None = None) -> dict[str, int]:
    """Erase everything held about one email address (right to erasure), in every place; returns the
    number of rows erased per place. All or nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        found = [(place, _frozen(place.find(email))) for place in PLACES]
        return {
            place.key: sum(place.erase(rows, now, email.strip()) for rows in querysets)
            for place, querysets in found
        }


def personal_data_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Erase, in every place, the rows past their retention period; returns the count per place.
    Running it again changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        found = [(place, _frozen(place.expired(now))) for place in PLACES]
        return {
            place.key: sum(place.erase(rows, now, None) for rows in querysets) for place, querysets in found
        }


def erased_summary(counts: dict[str, int]) -> str:
    """The counts of :func:`personal_data_erase` as one line ("Event registrations: 2; …")."""
    labels = {place.key: place.label for place in PLACES}
    return "; ".join(
        gettext("%(place)s: %(count)d") % {"place": labels[key], "count": count}
        for key, count in counts.items()
    )

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.admin_titles import Nouns
from core.models import Located, TimeStamped
from core.outbox import EmailStatus
from core.public_cache import PublicDataQuerySet
from poles.models import Pole, PoleScopedQuerySet

from .cycle_models import CycleBooking  # noqa: F401  (a model of this app, kept in its own module)
from .models_meeting import AccessFeature, Answer, EventDetails, EventDocument, EventFormat, Question  # noqa: F401


def new_token() -> str:
    return secrets.token_urlsafe(32)


class WorkshopQuerySet(PublicDataQuerySet, PoleScopedQuerySet):
    pass


class Workshop(TimeStamped):
    admin_nouns = Nouns(_("a co-production workshop"), _("the co-production workshop"))
    pole = models.ForeignKey(Pole, verbose_name=_("pole"), on_delete=models.PROTECT, related_name="workshops")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    participants = models.ManyToManyField(
        "actors.Actor", verbose_name=_("participant organisations"), blank=True, related_name="workshops"
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick for a planned workshop that has not started yet.")
    )

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-production workshop")
        verbose_name_plural = _("co-production workshops")
        ordering = ["pole__name", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:workshop", kwargs={"slug": self.slug})


class EventQuerySet(PublicDataQuerySet, PoleScopedQuerySet):
    def published(self):
        """Visible to the public: published or cancelled (a cancelled event stays visible, marked as such)."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")

    def open_for_registration(self, now=None):
        now = now or timezone.now()
        return self.filter(status=Event.Status.PUBLISHED, starts_at__gt=now).filter(
            Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now),
            Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=now),
        )

    def with_seat_counts(self):
        """Annotate ``confirmed_count``, ``waitlisted_count`` and ``pending_count`` in the same query.

        Correlated subqueries rather than a join and GROUP BY: the database counts the registrations of
        the rows it returns only (a page of 20 events), through the (event, status) index.
        """
        status = Registration.Status

        def count(value):
            registrations = (
                Registration.objects.filter(event=models.OuterRef("pk"), status=value)
                .order_by()
                .values("event")
                .annotate(n=models.Count("pk"))
                .values("n")
            )
            return Coalesce(models.Subquery(registrations, output_field=models.IntegerField()), 0)

        return self.annotate(
            confirmed_count=count(status.CONFIRMED),
            waitlisted_count=count(status.WAITLISTED),
            pending_count=count(status.PENDING),
        )


class RegistrationState(models.TextChoices):
    """Whether a visitor can register for an event right now, as the event page shows it."""

    OPEN = "open", _("Registration open")
    NOT_YET_OPEN = "not_yet_open", _("Registration not open yet")
    CLOSED = "closed", _("Registration closed")
    FULL = "full", _("Full: registration puts you on the waiting list")
    CANCELLED = "cancelled", _("Event cancelled")
    PAST = "past", _("Event over")


#: Slugs that would hide a page of the site under /evenements/<slug>/.
RESERVED_EVENT_SLUGS = frozenset({"archives"})


class Event(Located, TimeStamped, EventDetails):
    admin_nouns = Nouns(_("an event"), _("the event"))

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Thematic meeting")
        WORKSHOP_SESSION = "workshop_session", _("Workshop session")
        OTHER = "other", _("Other")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Open to all")
        MEMBERS = "members", _("Members only")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    pole = models.ForeignKey(Pole, verbose_name=_("pole"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("workshop"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    commune = models.ForeignKey(
        "poles.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Number of seats. Leave empty for no limit.")
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens at"), null=True, blank=True, help_text=_("Empty: open as soon as published.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes at"), null=True, blank=True, help_text=_("Empty: open until the event starts.")
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    sequence = models.PositiveIntegerField(
        _("revision"), default=0, editable=False, help_text=_("iCalendar SEQUENCE, raised on each change.")
    )

    objects = EventQuerySet.as_manager()

    class Meta(Located.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            *Located.Meta.constraints,
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="events_event_ends_after_starts"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0),
                name="events_event_capacity_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="events_event_registration_window",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def is_members_only(self) -> bool:
        return self.audience == self.Audience.MEMBERS

    def confirmed_seats(self) -> int:
        """Seats taken: the ``confirmed_count`` annotation when present, else one query."""
        if hasattr(self, "confirmed_count"):
            return self.confirmed_count
        return self.registrations.filter(status=Registration.Status.CONFIRMED).count()

    def seats_left(self, *, confirmed: int | None = None) -> int | None:
        """Free seats, or None when the capacity is unlimited.

        ``confirmed``: the seats taken, counted by the caller (the services count them under the event's
        row lock); by default ``confirmed_seats()``.
        """
        if self.capacity is None:
            return None
        taken = self.confirmed_seats() if confirmed is None else confirmed
        return max(self.capacity - taken, 0)

    def seats_can_change(self, now=None) -> bool:
        """Whether seats may still be taken or given: the event is published and has not started."""
        return self.status == self.Status.PUBLISHED and self.starts_at > (now or timezone.now())

    def registration_state(self, now=None) -> RegistrationState:
        """Open, not yet open, closed, full (waiting list), cancelled or over, at ``now``."""
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED:
            return RegistrationState.CANCELLED
        if self.ends_at <= now:
            return RegistrationState.PAST
        if not self.seats_can_change(now):
            return RegistrationState.CLOSED
        if self.registration_opens_at and now < self.registration_opens_at:
            return RegistrationState.NOT_YET_OPEN
        if self.registration_closes_at and now >= self.registration_closes_at:
            return RegistrationState.CLOSED
        if self.seats_left() == 0:
            return RegistrationState.FULL
        return RegistrationState.OPEN

    def accepts_registrations(self, now=None) -> bool:
        return self.registration_state(now) in (RegistrationState.OPEN, RegistrationState.FULL)

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if self.workshop_id and self.pole_id and self.workshop.pole_id != self.pole_id:
            errors["workshop"] = _("This workshop belongs to another pole.")
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = _("Describe the image for people who cannot see it.")
        if self.slug in RESERVED_EVENT_SLUGS:
            errors["slug"] = _("This address is reserved by the site: choose another slug.")
        if errors:
            raise ValidationError(errors)


class RegistrationQuerySet(PoleScopedQuerySet):
    pole_path = "event__pole"

    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self):
        """The waiting list, oldest first: the order in which seats are offered."""
        return self.filter(status=Registration.Status.WAITLISTED).order_by("waitlisted_at", "pk")

    def of_email(self, email: str):
        """Every registration of one address, whatever its case."""
        return self.filter(email__iexact=email.strip())

    def not_anonymised(self):
        return self.filter(anonymised_at__isnull=True)


class Registration(TimeStamped):
    admin_nouns = Nouns(_("a registration"), _("the registration"))

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for email confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"), blank=True, help_text=_("Empty only for a walk-in who gave none."))
    organisation = models.ForeignKey(
        "actors.Actor",
        verbose_name=_("member organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    organisation_name = models.CharField(_("organisation (free text)"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token, editable=False)
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    consent_at = models.DateTimeField(_("consent given at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    walk_in = models.BooleanField(
        _("walk-in"),
        default=False,
        help_text=_("Registered at the door by a coordinator, not by themselves."),
    )
    cycle = models.ForeignKey(
        "events.CycleBooking",
        verbose_name=_("workshop cycle registration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "event",
                condition=~Q(status="cancelled") & Q(anonymised_at__isnull=True) & ~Q(email=""),
                name="events_registration_one_active_per_email",
                violation_error_message=_("This email address is already registered for this event."),
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "waitlisted_at"], name="events_reg_waitlist")]

    def __str__(self):
        if self.anonymised_at:
            return f"{_('anonymised registration')} — {self.event}"
        return f"{self.full_name} — {self.event}"

    def get_absolute_url(self):
        return reverse("events:registration", kwargs={"token": self.token})

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    def get_absolute_site_url(self) -> str:
        """The registrant's own page as an absolute URL, for emails."""
        return settings.SITE_URL + self.get_absolute_url()


class EmailRecordQuerySet(PoleScopedQuerySet):
    pole_path = "registration__event__pole"

    def due(self, now=None):
        """Unsent rows whose time has come (including rows whose claim has lapsed)."""
        return self.filter(status=EmailRecord.Status.PENDING, due_at__lte=now or timezone.now())


class EmailRecord(models.Model):
    """One email that matters, written before it is sent (outbox): what makes mail exactly-once in effect.

    The sending rules (claims, retries, failures) are in :mod:`core.outbox`.
    """

    admin_nouns = Nouns(_("an email"), _("the email"))

    class Kind(models.TextChoices):
        CONFIRMATION_REQUEST = "confirmation_request", _("Confirmation request")
        CONFIRMED = "confirmed", _("Registration confirmed")
        WAITLISTED = "waitlisted", _("Put on the waiting list")
        PROMOTED = "promoted", _("Promoted from the waiting list")
        REMINDER = "reminder", _("Reminder")
        EVENT_CHANGED = "event_changed", _("Event changed")
        EVENT_CANCELLED = "event_cancelled", _("Event cancelled")
        CANCELLED = "cancelled", _("Registration cancelled")
        LINK = "link", _("Link to an existing registration")
        MESSAGE = "message", _("Message from the pole")

    Status = EmailStatus

    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="emails"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    key = models.CharField(
        _("key"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("Tells repeated emails of one kind apart: reminder offset and start, event revision."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField(_("due at"), default=timezone.now, db_index=True)
    send_before = models.DateTimeField(_("send before"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(
        _("last error"),
        blank=True,
        help_text=_("The mail server's answer to the last attempt; for a failed email, why it was not sent."),
    )
    claim_token = models.CharField(
        _("claimed by"),
        max_length=16,
        blank=True,
        default="",
        editable=False,
        help_text=_("Which sending run holds this email until its due time (the claim's lease)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = EmailRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "key"], name="events_email_once_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="events_email_sent_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="events_email_due")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.registration.email}"


class EventMessage(models.Model):
    """A message a coordinator wrote to an event's registrants; each recipient gets one outbox row
    (``EmailRecord`` of kind ``message`` whose key is this message's id)."""

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed registrants")
        PRESENT = "present", _("People marked present")
        WAITLISTED = "waitlisted", _("Waiting list")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Being written to the outbox")
        WRITTEN = "written", _("In the outbox")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="messages"
    )
    audience = models.CharField(_("recipients"), max_length=12, choices=Audience.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    draft_key = models.CharField(
        _("draft key"),
        max_length=40,
        unique=True,
        editable=False,
        help_text=_("Given by the preview: sending the same draft twice (a double click) sends it once."),
    )
    recipients = models.PositiveIntegerField(_("number of recipients"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("message to registrants")
        verbose_name_plural = _("messages to registrants")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

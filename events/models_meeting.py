"""What an event offers beyond its date and place: its format (online link kept for confirmed
registrants), access information, image and members' code (:class:`EventDetails`, mixed into
``Event``); the coordinator's registration questions and the registrants' answers; the documents
attached after the meeting. Imported by :mod:`events.models`; the foreign keys name their models by
string so that this module imports no other of the app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .uploads import event_document_path, event_image_path


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid (in person and online)")


class AccessFeature(models.TextChoices):
    STEP_FREE = "step_free", _("Step-free access")
    ACCESSIBLE_TOILETS = "toilets", _("Accessible toilets")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    LSF = "lsf", _("French Sign Language (LSF) interpretation")
    CAPTIONS = "captions", _("Live captions")
    EASY_READ = "easy_read", _("Easy-to-read documents (FALC)")
    QUIET_ROOM = "quiet_room", _("Quiet room")


class EventDetails(models.Model):
    """Format, access, image and members' code of an event (abstract: the columns live on ``Event``)."""

    Format = EventFormat

    format = models.CharField(
        _("format"), max_length=10, choices=EventFormat.choices, default=EventFormat.IN_PERSON
    )
    online_url = models.URLField(
        _("online meeting link"),
        max_length=500,
        blank=True,
        help_text=_(
            "Sent only to confirmed registrants (confirmation, reminder, their own page); never shown "
            "on the public site."
        ),
    )
    access_features = models.JSONField(_("access"), default=list, blank=True)
    access_notes = models.TextField(
        _("access information"), blank=True, help_text=_("Anything else people need to know to come.")
    )
    image = models.ImageField(_("image"), upload_to=event_image_path, blank=True)
    image_alt = models.CharField(
        _("image description"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    members_code = models.CharField(
        _("members' code"),
        max_length=40,
        blank=True,
        help_text=_(
            "For a members-only event: the code the pole gives its member organisations; registrants "
            "must type it. Leave empty to check only that the organisation is a member of the pole."
        ),
    )

    class Meta:
        abstract = True

    @property
    def is_online(self) -> bool:
        return self.format in (EventFormat.ONLINE, EventFormat.HYBRID)

    @property
    def is_in_person(self) -> bool:
        return self.format in (EventFormat.IN_PERSON, EventFormat.HYBRID)

    def access_labels(self) -> list[str]:
        labels = dict(AccessFeature.choices)
        return [labels[code] for code in self.access_features or [] if code in labels]


class Question(models.Model):
    """A question the registration form asks for one event (dietary needs, access needs, role…)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        CHOICE = "choice", _("Single choice")
        CHECKBOXES = "checkboxes", _("Checkboxes (several choices)")

    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="questions"
    )
    label = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.TEXT)
    options = models.TextField(
        _("choices"), blank=True, help_text=_("For a single choice or checkboxes: one choice per line.")
    )
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label

    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind != self.Kind.TEXT and len(self.option_list()) < 2:
            raise ValidationError({"options": _("Give at least two choices, one per line.")})


class Answer(models.Model):
    """A registrant's answer to one question: personal data, exported and erased with the person."""

    registration = models.ForeignKey(
        "events.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    value = models.TextField(_("answer"), blank=True, help_text=_("Several choices are one per line."))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question__position", "question__pk"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "question"], name="events_answer_once")
        ]

    def __str__(self):
        return f"{self.question}: {self.display}"

    @property
    def display(self) -> str:
        return ", ".join(line for line in self.value.splitlines() if line)


class EventDocument(models.Model):
    """A document attached to an event after the meeting (slides, minutes), shown on its page."""

    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=event_document_path,
        max_length=200,
        help_text=_("PDF or office document (ODT, ODP, ODS, DOCX, PPTX, XLSX), at most 20 MB."),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.title

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].upper() if "." in self.file.name else ""

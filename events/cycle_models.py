"""A workshop cycle registration: one person registering at once for several sessions of a
co-production workshop.

Under the hood there is one :class:`~events.models.Registration` per session (seats, waiting lists,
reminders and attendance stay per session, with the rules of ``events.services.registrations``); the
``CycleBooking`` only ties them together, so that the person confirms them with one link and gets one
email for the cycle. It holds no personal data of its own (name and address are in the registrations,
where export, erasure and the retention purge already find them).
"""

from __future__ import annotations

import secrets

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

#: The outbox key prefix of the cycle's own emails (``cycle-<booking id>``), written on one registration.
CYCLE_KEY_PREFIX = "cycle-"


def new_cycle_token() -> str:
    return secrets.token_urlsafe(32)


class CycleBooking(models.Model):
    workshop = models.ForeignKey(
        "events.Workshop", verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="cycle_bookings"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_cycle_token, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("workshop cycle registration")
        verbose_name_plural = _("workshop cycle registrations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.workshop} — {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("events:cycle", kwargs={"token": self.token})

    @property
    def email_key(self) -> str:
        return f"{CYCLE_KEY_PREFIX}{self.pk}"

    def registrations_in_order(self):
        """Its registrations (one per session), in the order of the sessions."""
        return self.registrations.select_related("event__pole", "event__commune").order_by(
            "event__starts_at", "pk"
        )

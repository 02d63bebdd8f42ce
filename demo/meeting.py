"""Demo data of what events offer beyond date and place: a hybrid meeting with its access information
and registration questions, a members-only meeting with the pole's code, a full workshop session with a
waiting list, and the minutes of a past session sent to the people present. Called by the loader for
the events it has just created, so loading twice adds nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.files.base import ContentFile

from demo.data.events import FIRST_NAMES, LAST_NAMES
from events.models import AccessFeature, Event, EventDocument, Question, Registration

#: A one-page PDF ("Compte rendu de la séance"), small enough to live here.
MINUTES_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>"
    b"endobj\n4 0 obj<</Length 58>>stream\nBT /F1 18 Tf 72 770 Td (Compte rendu de la seance) Tj ET\nendstream\n"
    b"endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def meeting_details_load(events: dict[str, Event], now: datetime) -> None:
    hybrid = events.get("l-ess-une-alternative-a-la-crise")
    if hybrid:
        hybrid.format = Event.Format.HYBRID
        hybrid.online_url = "https://visio.example.org/cades-ess-alternative-crise"
        hybrid.access_features = [AccessFeature.STEP_FREE, AccessFeature.HEARING_LOOP, AccessFeature.LSF]
        hybrid.access_notes = (
            "Places de stationnement réservées devant l’entrée ; ascenseur jusqu’à la salle."
        )
        hybrid.save()
        Question.objects.bulk_create(
            [
                Question(
                    event=hybrid,
                    position=1,
                    label="Vous venez en tant que",
                    kind=Question.Kind.CHOICE,
                    options="Salarié·e\nBénévole\nÉlu·e\nAutre",
                    required=True,
                ),
                Question(
                    event=hybrid,
                    position=2,
                    label="Régime alimentaire (pour le pot)",
                    kind=Question.Kind.TEXT,
                ),
                Question(
                    event=hybrid,
                    position=3,
                    label="Besoins d’accessibilité",
                    kind=Question.Kind.CHECKBOXES,
                    options="Interprétation LSF\nBoucle magnétique\nPlace assise près de la scène",
                ),
            ]
        )
    members = events.get("cades-assemblee-generale")
    if members:
        members.members_code = "CADES-AG"
        members.save(update_fields=["members_code"])
    full = events.get("adess-seance-circuits-courts-restauration-collective")
    if full:
        seats, waiting = full.capacity or 0, 3
        Registration.objects.bulk_create(
            Registration(
                event=full,
                full_name=f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[(index * 3) % len(LAST_NAMES)]}",
                email=f"demo.circuits-courts.{index}@example.org",
                status=Registration.Status.CONFIRMED if index < seats else Registration.Status.WAITLISTED,
                consent_at=now - timedelta(days=3),
                confirmed_at=now - timedelta(days=3) if index < seats else None,
                waitlisted_at=now - timedelta(days=2, minutes=-index) if index >= seats else None,
            )
            for index in range(seats + waiting)
        )
    past = events.get("cades-seance-hebergement-de-groupe-reservation-commune")
    if past:
        EventDocument.objects.create(
            event=past,
            title="Compte rendu de la séance",
            file=ContentFile(MINUTES_PDF, name="compte-rendu.pdf"),
        )

"""Demo data of the listings' upkeep: a few logos (drawn by Pillow at load time: the organisation's
initials on a colour of its own, nothing personal and no binary committed), listings left unconfirmed
for two years (flagged on the coordinators' dashboard), opening hours, and one update sent by an
organisation, waiting for its pole, so that the review and the history have something to show.

Idempotent: each part is done only while nothing of it exists."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont
from simple_history.utils import bulk_update_with_history

from actors.models import Actor, ActorChange
from actors.services.logos import logo_process
from actors.services.selfservice import actor_change_submit, edit_link_request, listing_values
from actors.services.selfservice_tokens import edit_token

LOGOS = 12
STALE = 20
PALETTE = ["#1b5e20", "#0d47a1", "#4a148c", "#b71c1c", "#e65100", "#006064", "#3e2723", "#263238"]


def _initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha() and len(w) > 2]
    return "".join(w[0].upper() for w in words[:2]) or name[:2].upper()


def demo_logo(name: str) -> SimpleUploadedFile:
    """A 400 × 400 PNG: the initials of ``name`` in white on a colour chosen from the name."""
    colour = PALETTE[int(hashlib.sha256(name.encode()).hexdigest(), 16) % len(PALETTE)]
    image = Image.new("RGB", (400, 400), colour)
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.load_default(size=160)
    except TypeError:  # Pillow < 10.1 has no scalable default font
        font = ImageFont.load_default()
    draw.text((200, 200), _initials(name), fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def demo_listings_load(*, now: datetime) -> dict[str, int]:
    """Logos, old listings and a pending update, once (one query when they are there)."""
    if ActorChange.objects.exists():
        return {}
    created = {}
    published = Actor.objects.published().filter(is_fictitious=True).order_by("pk")
    if not Actor.objects.exclude(logo="").exists():
        actors = list(published.exclude(pole=None)[:LOGOS])
        for actor in actors:
            page, thumbnail = logo_process(demo_logo(actor.name), name=actor.name)
            actor.logo.save(page.name, page, save=False)
            actor.logo_thumbnail.save(thumbnail.name, thumbnail, save=False)
            actor.logo_alt = f"Logo de {actor.name}"
            actor.opening_hours = "Du lundi au vendredi, de 9 h à 12 h 30 et de 14 h à 17 h 30."
        # In bulk, with their history, like the rest of the demo's organisations (no per-row signals).
        bulk_update_with_history(
            actors,
            Actor,
            ["logo", "logo_thumbnail", "logo_alt", "opening_hours"],
            default_change_reason="Demo data: logo",
        )
        created["logos"] = len(actors)
    if not published.filter(updated_at__lt=now - timedelta(days=600)).exists():
        stale = list(published.order_by("-pk")[:STALE])
        for actor in stale:
            actor.updated_at = now - timedelta(days=730)
        bulk_update_with_history(stale, Actor, ["updated_at"], default_change_reason="Demo data: old listing")
        created["stale listings"] = len(stale)
    if not ActorChange.objects.exists():
        actor = published.exclude(pole=None).exclude(email="").first()
        if actor is not None:
            link = edit_link_request(actor=actor)
            values = listing_values(actor)
            data = {**values, "commune": actor.commune, "sectors": list(actor.sectors.all())}
            data["phone"] = "02 99 71 00 00"
            data["opening_hours"] = "Le mardi et le jeudi, de 14 h à 18 h."
            actor_change_submit(token=edit_token(link), data=data)
            created["listing updates"] = 1
    return created

"""Demo error reports ("Signaler une erreur"): a few open ones on the constituted poles' organisations,
so that the coordinators' dashboard, the organisations' admin pages and the reports' list show them."""

from __future__ import annotations

from actors.models import Actor, ErrorReport

MESSAGES = (
    ("Le numéro de téléphone ne répond plus : il a changé en début d’année.", "lecteur@example.org"),
    ("L’adresse est l’ancienne : l’association a déménagé près de la gare.", ""),
)


def demo_error_reports() -> int:
    """Create the demo reports when there is none yet; return how many were created. Written directly,
    without emailing anyone (the demo's coordinators would otherwise be told on every load)."""
    if ErrorReport.objects.exists():
        return 0
    actors = list(
        Actor.objects.published()
        .filter(is_fictitious=True, pole__isnull=False)
        .order_by("pole_id", "sort_name", "pk")
    )
    seen, chosen = set(), []
    for actor in actors:
        if actor.pole_id not in seen:
            seen.add(actor.pole_id)
            chosen.append(actor)
    reports = [
        ErrorReport(actor=actor, message=message, email=email)
        for actor in chosen[:3]
        for message, email in MESSAGES
    ]
    ErrorReport.objects.bulk_create(reports)
    return len(reports)

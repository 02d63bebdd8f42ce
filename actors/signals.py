"""Cache invalidation of the public site: any change to what it shows renews the data version.

Connected in ``ActorsConfig.ready``. Signals are used here for cache invalidation only, never for
business rules (see ``ess_portal.public_cache``).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from ess_portal.public_cache import bump_data_version


def connect() -> None:
    """Renew the public data version whenever an object shown on the public site changes."""
    from django.apps import apps

    for label in (
        "actors.Actor",
        "actors.Sector",
        "poles.Pole",
        "poles.Support",
        "poles.Partner",
        "poles.Commune",
        "poles.Epci",
        "events.Event",
        "events.Workshop",
    ):
        model = apps.get_model(label)
        post_save.connect(bump_data_version, sender=model, dispatch_uid=f"public-cache-save-{label}")
        post_delete.connect(bump_data_version, sender=model, dispatch_uid=f"public-cache-delete-{label}")
    for through in (
        apps.get_model("actors.Actor").sectors.through,
        apps.get_model("poles.Pole").epcis.through,
        apps.get_model("poles.Pole").communes.through,
        apps.get_model("events.Workshop").participants.through,
    ):
        m2m_changed.connect(
            bump_data_version, sender=through, dispatch_uid=f"public-cache-m2m-{through._meta.label}"
        )

"""Cache invalidation of the public site: any change to what it shows renews the data version when it
commits.

Connected in ``ActorsConfig.ready``. Signals are used here for cache invalidation only, never for
business rules (see ``ess_portal.public_cache``). Bulk writes, which send no signal, are covered by the
public models' QuerySets (``ess_portal.public_cache.PublicDataQuerySet``).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from ess_portal.public_cache import bump_data_version_on_commit

#: The models whose rows the public site shows; each one's QuerySet is a ``PublicDataQuerySet``.
PUBLIC_MODELS = (
    "actors.Actor",
    "actors.Sector",
    "poles.Pole",
    "poles.Support",
    "poles.Partner",
    "poles.Commune",
    "poles.Epci",
    "events.Event",
    "events.Workshop",
)


def public_data_changed(sender, using=None, action=None, **kwargs) -> None:
    """Signal handler: renew the data version once the change commits, never before."""
    if action is None or action.startswith("post_"):  # m2m_changed also announces changes to come
        bump_data_version_on_commit(using)


def connect() -> None:
    """Renew the public data version whenever an object shown on the public site changes."""
    from django.apps import apps

    for label in PUBLIC_MODELS:
        model = apps.get_model(label)
        post_save.connect(public_data_changed, sender=model, dispatch_uid=f"public-cache-save-{label}")
        post_delete.connect(public_data_changed, sender=model, dispatch_uid=f"public-cache-delete-{label}")
    for through in (
        apps.get_model("actors.Actor").sectors.through,
        apps.get_model("poles.Pole").epcis.through,
        apps.get_model("poles.Pole").communes.through,
        apps.get_model("events.Workshop").participants.through,
    ):
        m2m_changed.connect(
            public_data_changed, sender=through, dispatch_uid=f"public-cache-m2m-{through._meta.label}"
        )

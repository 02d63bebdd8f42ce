"""Abstract building blocks shared by the apps' models."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Located(models.Model):
    """A WGS84 point as two indexed float columns (no GeoDjango), range-checked by the database."""

    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        db_index=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("WGS84, decimal degrees. Place the point on the map rather than typing it."),
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        db_index=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="%(app_label)s_%(class)s_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="%(app_label)s_%(class)s_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="%(app_label)s_%(class)s_position_complete",
            ),
        ]

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

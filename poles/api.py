"""Map data of the poles: their territory outlines as GeoJSON."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from core.geojson import GEOJSON_CONTENT_TYPE, dumps
from core.public_cache import cached_data_response
from core.queries import filtered

from .filters import PoleFilter
from .selectors import public_poles


def poles_feature_collection(params) -> dict:
    """Every pole matching the filters as a Feature (null geometry while its outline is not drawn)."""
    filterset = PoleFilter(params, queryset=public_poles().order_by("name"))
    poles = filtered(filterset)
    features = [
        {
            "type": "Feature",
            "geometry": pole.outline or None,
            "properties": {
                "name": pole.name,
                "acronym": pole.acronym,
                "slug": pole.slug,
                "url": pole.get_absolute_url(),
                "status": pole.status,
                "territory": pole.territory_name,
                "members": pole.member_count,
            },
        }
        for pole in poles
        if filterset.keep(pole.outline)
    ]
    return {"type": "FeatureCollection", "features": features}


@require_GET
def poles_geojson(request):
    """The poles and their territory outlines, with the same caching and revalidation as the actors."""
    return cached_data_response(
        request,
        name="poles.geojson",
        params=PoleFilter.base_filters,
        build=lambda: dumps(poles_feature_collection(request.GET)),
        content_type=GEOJSON_CONTENT_TYPE,
        filename="poles.geojson",
        rate_limit_group="api.poles.geojson",
    )

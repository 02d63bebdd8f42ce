"""Machine-readable views of the directory: the map data (GeoJSON) and the open-data CSV.

Both go through ``actor_filter``, like the HTML list, so the three agree for any query string.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from core import csv_export
from core.geojson import GEOJSON_CONTENT_TYPE, dumps
from core.public_cache import cached_data_response
from core.queries import InvalidQuery, bad_request, filtered
from core.ratelimit import api_rate_limited

from .filters import ActorFilter, actor_filter
from .map_clusters import map_collection
from .models import FAMILY_OF_FORM, Actor, LegalForm

COORDINATE_DECIMALS = 5
#: What the map data depends on: the directory's filters, and the map's zoom.
MAP_PARAMETERS = frozenset(ActorFilter.base_filters) | {"zoom"}


def filtered_actors(params) -> QuerySet:
    """The published organisations matching a query string; raises ``InvalidQuery`` on bad input."""
    return filtered(actor_filter(params)).with_map_position()


def _detail_url_template() -> str:
    return reverse("actors:detail", kwargs={"slug": "slug-placeholder"}).replace("slug-placeholder", "{}")


def actors_feature_collection(queryset: QuerySet) -> dict:
    """An RFC 7946 FeatureCollection; an organisation with no known position has a null geometry."""
    return {"type": "FeatureCollection", "features": actor_features(queryset)}


def actor_features(queryset: QuerySet) -> list[dict]:
    """One Point feature per organisation (name, link, commune, pole, whether the point is approximate)."""
    url = _detail_url_template()
    features = []
    rows = queryset.values_list(
        "name",
        "slug",
        "latitude",
        "map_latitude",
        "map_longitude",
        "commune__name",
        "pole__name",
        "logo_thumbnail",
        "logo_alt",
    )
    storage = Actor._meta.get_field("logo_thumbnail").storage
    for name, slug, own_latitude, latitude, longitude, commune, pole, logo, logo_alt in rows:
        geometry = None
        if latitude is not None and longitude is not None:
            geometry = {
                "type": "Point",
                "coordinates": [round(longitude, COORDINATE_DECIMALS), round(latitude, COORDINATE_DECIMALS)],
            }
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "name": name,
                    "url": url.format(slug),
                    "commune": commune,
                    "pole": pole,
                    "approximate": own_latitude is None,
                    # The popup's thumbnail and its text alternative (null without a logo).
                    "logo": storage.url(logo) if logo else None,
                    "logo_alt": (logo_alt or name) if logo else None,
                },
            }
        )
    return features


@require_GET
def actors_geojson(request):
    """Published organisations matching the directory's filters (plus ``bbox``), cached and revalidable.

    With ``zoom`` (and ``bbox``, the visible area), what a map draws at that zoom: clusters computed by
    the server and individual points (``actors.map_clusters``); without it, the full file."""

    def build() -> bytes:
        queryset = filtered_actors(request.GET)
        if "zoom" in request.GET:
            return dumps(map_collection(queryset, request.GET, point_features=actor_features))
        return dumps(actors_feature_collection(queryset))

    return cached_data_response(
        request,
        name="actors.geojson",
        params=MAP_PARAMETERS,
        build=build,
        content_type=GEOJSON_CONTENT_TYPE,
        filename="acteurs.geojson",
        rate_limit_group="api.actors.geojson",
    )


CSV_COLUMNS = [
    "name",
    "acronym",
    "legal_form",
    "legal_family",
    "sectors",
    "pole",
    "address",
    "commune",
    "insee_code",
    "department",
    "latitude",
    "longitude",
    "approximate_position",
    "website",
    "email",
    "phone",
    "siret",
    "employees",
    "member_since",
    "url",
    "updated_at",
]


class _Echo:
    """A file-like object whose ``write`` returns the line, for streaming the CSV writer's output."""

    def write(self, value: str) -> str:
        return value


def _csv_rows(queryset: QuerySet) -> Iterator[list]:
    url = settings.SITE_URL + _detail_url_template()
    yield CSV_COLUMNS
    rows = queryset.select_related("commune", "pole").prefetch_related("sectors")
    for actor in rows.iterator(chunk_size=1000):
        form = LegalForm(actor.legal_form)
        yield [
            actor.name,
            actor.acronym,
            form.value,
            FAMILY_OF_FORM[form].value,
            " | ".join(sector.name for sector in actor.sectors.all()),
            actor.pole.name if actor.pole else "",
            actor.address,
            actor.commune.name,
            actor.commune.insee_code,
            actor.commune.department_code,
            "" if actor.map_latitude is None else round(actor.map_latitude, COORDINATE_DECIMALS),
            "" if actor.map_longitude is None else round(actor.map_longitude, COORDINATE_DECIMALS),
            "" if actor.map_latitude is None else str(actor.latitude is None).lower(),
            actor.website,
            actor.email,
            actor.phone,
            actor.siret,
            actor.employees,
            actor.member_since.isoformat() if actor.member_since else "",
            url.format(actor.slug),
            actor.updated_at.isoformat(timespec="seconds"),
        ]


@require_GET
@api_rate_limited("api.actors.csv")
def actors_csv(request):
    """The open-data CSV: UTF-8, a header row, one row per published organisation matching the filters
    (written by :func:`core.csv_export.writer`: no cell runs as a formula)."""
    try:
        queryset = filtered_actors(request.GET)
    except InvalidQuery as exc:
        return bad_request(exc.errors)
    writer = csv_export.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _csv_rows(queryset)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="acteurs-ess-bretagne.csv"'
    return response

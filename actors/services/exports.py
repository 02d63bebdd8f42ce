"""The CSV export of organisations: a file the import accepts back."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from itertools import islice

from django.db.models import QuerySet

from ..models import Actor

logger = logging.getLogger(__name__)

EXPORT_CHUNK = 2000


def actors_export_rows(actors: QuerySet[Actor]) -> Iterable[list]:
    """Rows for ``EXPORT_COLUMNS`` (a file the import accepts back), in a constant number of queries
    per ``EXPORT_CHUNK`` organisations. Plain values, not model instances: an export of the whole
    directory stays within a request."""
    columns = (
        "pk",
        "name",
        "acronym",
        "legal_form",
        "siret",
        "address",
        "commune__insee_code",
        "commune__postal_codes",
        "commune__name",
        "latitude",
        "longitude",
        "website",
        "email",
        "phone",
        "description",
        "member_since",
        "is_published",
    )
    rows = actors.order_by("sort_name", "pk").values_list(*columns).iterator(chunk_size=EXPORT_CHUNK)
    links = Actor.sectors.through.objects.order_by("sector__order", "sector__name")
    while chunk := list(islice(rows, EXPORT_CHUNK)):
        sectors: dict[int, list[str]] = {}
        for actor_id, sector in links.filter(actor_id__in=[row[0] for row in chunk]).values_list(
            "actor_id", "sector__name"
        ):
            sectors.setdefault(actor_id, []).append(sector)
        for pk, name, acronym, legal_form, siret, address, insee, postal_codes, commune, *rest in chunk:
            latitude, longitude, website, email, phone, description, since, published = rest
            yield [
                name,
                acronym,
                legal_form,
                ", ".join(sectors.get(pk, ())),
                siret,
                address,
                insee,
                postal_codes.split()[0] if postal_codes.split() else "",
                commune,
                "" if latitude is None else latitude,
                "" if longitude is None else longitude,
                website,
                email,
                phone,
                description,
                since.strftime("%d/%m/%Y") if since else "",
                "oui" if published else "non",
            ]

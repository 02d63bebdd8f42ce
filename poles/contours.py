"""The outlines of the communes (IGN ADMIN EXPRESS, ``data/communes-contours.geojson``), and a territory's
outline derived from them.

The file is 2.2 MB; a territory needs a few dozen of its 1,222 features, and only when the regional team
changes a territory (public pages serve the stored outline). So it is never loaded whole: it is a GeoJSON
FeatureCollection laid out one feature per line, each line is matched on its INSEE code, and only the
wanted lines are parsed. ``tests/poles/test_territory.py`` checks that layout.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path

from core.geo import union_outline

logger = logging.getLogger(__name__)

CONTOURS_GEOJSON = Path(__file__).resolve().parent / "data" / "communes-contours.geojson"

_INSEE_CODE = re.compile(r'"insee_code"\s*:\s*"([0-9AB]{5})"')


def commune_contours(insee_codes: Iterable[str], *, path: Path | None = None) -> dict[str, dict]:
    """The outline (a GeoJSON geometry) of each of these communes that the file has, by INSEE code."""
    wanted = set(insee_codes)
    found: dict[str, dict] = {}
    if not wanted:
        return found
    with open(path or CONTOURS_GEOJSON, encoding="utf-8") as lines:
        for line in lines:
            match = _INSEE_CODE.search(line)
            if match is None or match.group(1) not in wanted:
                continue
            feature = json.loads(line.strip().rstrip(","))
            found[feature["properties"]["insee_code"]] = feature["geometry"]
            if len(found) == len(wanted):
                break
    return found


def communes_outline(insee_codes: Iterable[str]) -> dict | None:
    """The outline of the area these communes make up (``core.geo.union_outline``), or None.

    A commune the file does not know (one created after a merger, before the data is refreshed) is left
    out of the outline and logged.
    """
    codes = set(insee_codes)
    found = commune_contours(codes)
    missing = codes - set(found)
    if missing:
        logger.warning("No outline for the communes %s in %s", ", ".join(sorted(missing)), CONTOURS_GEOJSON)
    return union_outline(found.values())

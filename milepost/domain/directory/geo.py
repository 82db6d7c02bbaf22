"""ZIP codes to places and distances, offline.

The US ZIP table is the `zipcodes` package's bundled data (decision 1202): no geocoding
service, nothing fetched at run time. Distances are great-circle (haversine) miles between
ZIP centroids: good to a mile or two, which is all "within 10 miles" asks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import zipcodes

from milepost.domain.directory.rules import rules

_ZIP = re.compile(r"(\d{5})(?:-\d{4})?")


@dataclass(frozen=True)
class Place:
    zip_code: str
    state: str
    city: str
    lat: float
    lon: float


@cache
def _table() -> dict[str, Place]:
    table: dict[str, Place] = {}
    for row in zipcodes.list_all():
        try:
            lat, lon = float(row["lat"]), float(row["long"])
        except (KeyError, TypeError, ValueError):
            continue
        code = str(row["zip_code"])
        table[code] = Place(code, str(row["state"]), str(row["city"]), lat, lon)
    return table


def zip_problem(text: str) -> str | None:
    """Why ``text`` is not a usable US ZIP code, or None."""
    match = _ZIP.fullmatch(text.strip())
    if not match:
        return "Enter a 5-digit US ZIP code, e.g. 10025."
    if match.group(1) not in _table():
        return f"There is no US ZIP code {match.group(1)}."
    return None


def place(text: str) -> Place | None:
    match = _ZIP.fullmatch(text.strip())
    return _table().get(match.group(1)) if match else None


def miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in statute miles."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * rules().earth_radius_miles * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) enclosing every point within ``radius`` miles:
    a cheap indexed pre-filter before the exact distance."""
    angle = radius / rules().earth_radius_miles
    dlat = math.degrees(angle)
    # The widest longitude a circle of this radius reaches (not radius / cos(lat), which
    # runs along the parallel and falls a little short of the great circle).
    ratio = math.sin(angle) / max(math.cos(math.radians(lat)), 1e-9)
    dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon

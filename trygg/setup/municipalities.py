"""The boundaries of Sweden's 290 municipalities, shipped as package data.

``data/municipalities.geojson.gz`` is made by ``scripts/make_municipalities.py`` (source and licence
in docs/dependencies.md): one MultiPolygon per municipality in WGS 84 with its SCB code, name and
county code.

    >>> m = find_municipality("Vänersborg")
    >>> m.code, m.name, default_org_name(m.name)
    ('1487', 'Vänersborg', 'Vänersborgs kommun')
    >>> find_municipality("1487").name
    'Vänersborg'
"""

from __future__ import annotations

import gzip
import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from shapely.geometry import MultiPolygon, shape

from trygg.errors import NotFound

DATA = Path(__file__).parent / "data" / "municipalities.geojson.gz"

# Organisation names that do not follow "<name>s kommun".
_ORG_NAMES = {"Falun": "Falu kommun", "Gotland": "Region Gotland", "Stockholm": "Stockholms stad",
              "Göteborg": "Göteborgs Stad", "Malmö": "Malmö stad", "Trollhättan": "Trollhättans Stad"}
_VOWELS = "aeiouyåäö"


@dataclass(frozen=True)
class Municipality:
    code: str  # SCB kommunkod, four digits
    name: str
    county: str  # SCB länskod, two digits
    geom: MultiPolygon  # WGS 84


@lru_cache(maxsize=1)
def all_municipalities() -> tuple[Municipality, ...]:
    """Every municipality, by code."""
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        doc = json.load(fh)
    found = []
    for f in doc["features"]:
        p = f["properties"]
        geom = shape(f["geometry"])
        if not isinstance(geom, MultiPolygon):
            geom = MultiPolygon([geom])
        found.append(Municipality(code=p["code"], name=p["name"], county=p["county"], geom=geom))
    return tuple(sorted(found, key=lambda m: m.code))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def find_municipality(ref: str) -> Municipality:
    """The municipality with SCB code `ref` ("1487") or name ("Vänersborg", any case, "kommun" allowed)."""
    wanted = _fold(ref)
    for suffix in (" kommun", " stad"):
        wanted = wanted.removesuffix(suffix)
    for m in all_municipalities():
        if m.code == wanted.zfill(4) or _fold(m.name) == wanted:
            return m
    close = [m for m in all_municipalities() if wanted and _fold(m.name).startswith(wanted[:3])]
    hint = ("Did you mean " + ", ".join(f"{m.name} ({m.code})" for m in close[:5]) + "?") if close else \
        "Give the four-digit SCB code (e.g. 1487) or the name (e.g. Vänersborg)."
    raise NotFound(f"No Swedish municipality {ref!r}.", hint=hint)


def default_org_name(name: str) -> str:
    """The usual Swedish name of the municipality as an organisation: "Vänersborgs kommun", "Borås kommun"."""
    if name in _ORG_NAMES:
        return _ORG_NAMES[name]
    last = name[-1].lower()
    if last in "sxz" or last in _VOWELS:
        return f"{name} kommun"
    return f"{name}s kommun"

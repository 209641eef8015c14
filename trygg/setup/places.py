"""Known places (the gazetteer reporters type instead of tapping the map) from a CSV or Excel table.

Columns (any case): ``namn``/``name``, a point as ``lon``/``lat`` (WGS 84) or ``x``/``y`` (SWEREF 99
TM) and ``typ``/``kind`` (place, address or premises; Swedish plats, adress, lokal). A place must lie
in the municipality; it is placed in its district. A name already stored moves that place. Every
problem names its row; nothing is stored while there is one.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.domain.geo import to_wgs84, valid_wgs84
from trygg.setup.tables import NamedTable, TableImportResult
from trygg.storage import audit
from trygg.storage.areas import build_area_index
from trygg.storage.schema import Place

COLUMNS = {
    "name": ("namn", "name", "plats"),
    "lon": ("lon", "long", "longitud", "longitude", "lng"),
    "lat": ("lat", "latitud", "latitude"),
    "x": ("x", "e", "easting", "östlig"),
    "y": ("y", "n", "northing", "nordlig"),
    "kind": ("typ", "kind", "slag"),
}
KINDS = {"place": "place", "plats": "place", "": "place", "address": "address", "adress": "address",
         "premises": "premises", "lokal": "premises", "verksamhet": "premises"}


def _float(text: str) -> float | None:
    try:
        return float(text.replace(",", ".").replace(" ", "")) if text else None
    except ValueError:
        return None


def import_places(session: Session, path: Path, *, dry_run: bool = False,
                  user_id: int | None = None) -> TableImportResult:
    def point_columns(cols: dict[str, str]) -> str | None:
        if ("lon" in cols and "lat" in cols) or ("x" in cols and "y" in cols):
            return None
        return "no columns for the point: lon and lat, or x and y (SWEREF 99 TM)"

    table = NamedTable(path, COLUMNS, ("name",), dry_run=dry_run, columns_problem=point_columns)
    result = table.result
    if result.errors:
        return result
    has_lonlat, has_xy = "lon" in table.cols and "lat" in table.cols, "x" in table.cols and "y" in table.cols
    index = build_area_index(session)
    existing = {p.name: p for p in session.scalars(select(Place))}
    planned: list[tuple[str, str, float, float]] = []
    for row in table.rows():
        get, name, problems = row.get, row.name, row.problems
        kind = KINDS.get(get("kind").casefold())
        if kind is None:
            problems.append(f"kind {get('kind')!r} is not place, address or premises")
        lon = lat = None
        if has_lonlat and (get("lon") or get("lat")):
            lon, lat = _float(get("lon")), _float(get("lat"))
            if lon is None or lat is None or not valid_wgs84(lon, lat):
                problems.append(f"({get('lon')}, {get('lat')}) is not a longitude and latitude")
                lon = lat = None
        elif has_xy:
            x, y = _float(get("x")), _float(get("y"))
            if x is None or y is None:
                problems.append(f"({get('x')}, {get('y')}) is not an x and y in SWEREF 99 TM")
            else:
                lon, lat = to_wgs84(x, y)
        else:
            problems.append("no point given")
        if lon is not None and lat is not None and not index.inside_municipality(lon, lat):
            problems.append(f"the point ({lat:.5f}, {lon:.5f}) lies outside the municipality")
        if table.reject(row):
            continue
        assert kind is not None and lon is not None and lat is not None
        planned.append((name, kind, lon, lat))
    if not table.complete():
        return result
    for name, kind, lon, lat in planned:
        place = existing.get(name)
        if place is None:
            result.created += 1
            if not dry_run:
                session.add(Place(name=name, kind=kind, lon=round(lon, 6), lat=round(lat, 6),
                                  area_id=index.locate(lon, lat)))
        else:
            result.updated += 1
            if not dry_run:
                place.kind, place.lon, place.lat = kind, round(lon, 6), round(lat, 6)
                place.area_id = index.locate(lon, lat)
    if not dry_run:
        session.flush()
        audit.record(session, user_id, "import", "places", "", {"created": result.created, "updated": result.updated})
    return result

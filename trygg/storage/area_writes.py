"""Writing areas: the municipality itself and imported districts (RegSO) and DeSO."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPolygon
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg.storage.areas import current
from trygg.storage.schema import Area


@dataclass(frozen=True)
class NewArea:
    """One area to store (WGS 84); `parent_code` names an area stored before it or in the same call."""

    code: str
    name: str
    level: str
    geom: MultiPolygon
    parent_code: str | None = None
    population: int | None = None
    area_type: int | None = None
    police_class: str | None = None  # the police's "utsatt område", "riskområde", "särskilt utsatt område"


def inside_point(geom: shapely.Geometry) -> tuple[float, float]:
    """The centroid when it lies inside `geom`, else a point on its surface (lon, lat)."""
    c = geom.centroid
    if not geom.contains(c):
        c = geom.point_on_surface()
    return round(float(c.x), 6), round(float(c.y), 6)


def count_level(session: Session, level: str) -> int:
    """The areas of `level`, of every edition."""
    return int(session.scalar(select(func.count(Area.id)).where(Area.level == level)) or 0)


def existing_codes(session: Session, codes: Sequence[str], *, other_than: str | None = None) -> set[str]:
    """Which of `codes` current areas have (of levels other than `other_than`): a code names one current area."""
    q = select(Area.code).where(Area.code.in_(list(codes)), current())
    if other_than is not None:
        q = q.where(Area.level != other_than)
    return set(session.scalars(q))


def add_areas(session: Session, areas: Sequence[NewArea], edition_id: int | None = None) -> list[Area]:
    """Store `areas` in order, in the edition `edition_id` (flushed, not committed); a parent code
    names a current area or one of `areas`."""
    by_code = {a.code: a for a in session.scalars(
        select(Area).where(Area.code.in_([x.parent_code for x in areas if x.parent_code]), current()))}
    rows: list[Area] = []
    for a in areas:
        lon, lat = inside_point(a.geom)
        row = Area(code=a.code, name=a.name, level=a.level, geom=a.geom, population=a.population,
                   area_type=a.area_type, centroid_lon=lon, centroid_lat=lat,
                   police_class=a.police_class, vulnerable=a.police_class is not None, edition_id=edition_id)
        if a.parent_code is not None:
            row.parent = by_code[a.parent_code]
        session.add(row)
        by_code[a.code] = row
        rows.append(row)
    session.flush()
    return rows


def set_attributes(session: Session, values: dict[str, tuple[int | None, int | None]]) -> int:
    """Set (area_type, population) of the current areas with these codes; None leaves a value as it is."""
    changed = 0
    for area in session.scalars(select(Area).where(Area.code.in_(list(values)), current())):
        area_type, population = values[area.code]
        if area_type is not None:
            area.area_type = area_type
        if population is not None:
            area.population = population
        changed += 1
    session.flush()
    return changed

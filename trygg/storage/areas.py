"""Areas and known places; point-in-polygon placement done with shapely on both backends.

Areas of an inactive edition (`AreaEdition`) stay readable by id and by edition, but lists,
lookups by code and placement use the current areas: those of an active edition or of none.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from trygg.domain.enums import AreaLevel
from trygg.storage import versions
from trygg.storage.schema import Area, AreaEdition, DataVersion, Place


def current() -> ColumnElement[bool]:
    """The condition of a current area: of an active edition, or of none (the municipality)."""
    return or_(Area.edition_id.is_(None), Area.edition_id.in_(select(AreaEdition.id).where(AreaEdition.active)))


@dataclass(frozen=True)
class AreaIndex:
    """The RegSO-level areas of the municipality with a spatial index, for placing points."""

    ids: tuple[int, ...]
    geoms: tuple[shapely.Geometry, ...]
    tree: shapely.STRtree
    municipality: shapely.Geometry | None

    def locate(self, lon: float, lat: float) -> int | None:
        """The id of the area containing (lon, lat), or None outside every area."""
        point = shapely.Point(lon, lat)
        for i in self.tree.query(point, predicate="intersects"):
            return self.ids[int(i)]
        return None

    def locate_many(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Area ids (-1 outside) for many points at once."""
        points = shapely.points(np.asarray(lon), np.asarray(lat))
        out = np.full(len(points), -1, dtype=np.int64)
        pi, gi = self.tree.query(points, predicate="intersects")
        ids = np.asarray(self.ids, dtype=np.int64)
        out[pi[::-1]] = ids[gi[::-1]]  # first match wins
        return out

    def inside_municipality(self, lon: float, lat: float) -> bool:
        if self.municipality is None:
            return self.locate(lon, lat) is not None
        return bool(self.municipality.intersects(shapely.Point(lon, lat)))


def build_area_index(session: Session, level: str = AreaLevel.REGSO, *, edition_id: int | None = None) -> AreaIndex:
    """The current areas of `level`, or those of the edition `edition_id`."""
    which = Area.edition_id == edition_id if edition_id is not None else current()
    areas = list(session.scalars(select(Area).where(Area.level == level, which).order_by(Area.id)))
    muni = session.scalar(select(Area).where(Area.level == AreaLevel.MUNICIPALITY))
    geoms = tuple(a.geom for a in areas)
    return AreaIndex(ids=tuple(a.id for a in areas), geoms=geoms, tree=shapely.STRtree(list(geoms)),
                     municipality=muni.geom if muni is not None else None)


_INDEXES: dict[tuple[str, tuple[Any, ...]], AreaIndex] = {}
_INDEXES_LOCK = threading.Lock()


#: What the area index is kept by, in one statement built once.
_FINGERPRINT = versions.Probe(
    select(DataVersion.version).where(DataVersion.name == versions.AREAS).scalar_subquery(),
    select(func.count(Area.id)).scalar_subquery(),
    select(func.max(Area.id)).scalar_subquery())


def area_index(session: Session) -> AreaIndex:
    """`build_area_index` of the RegSO level, kept per database until an area is added, changed or
    removed (the ``areas`` data version, and the number and newest id of the areas for writes
    outside the ORM): placing a report does not rebuild the spatial index every time."""
    fingerprint = _FINGERPRINT.read(session)
    key = (versions.database_key(session), fingerprint)
    with _INDEXES_LOCK:
        hit = _INDEXES.get(key)
    if hit is not None:
        return hit
    index = build_area_index(session)
    with _INDEXES_LOCK:
        for old in [k for k in _INDEXES if k[0] == key[0]]:
            del _INDEXES[old]
        _INDEXES[key] = index
    return index


def list_areas(session: Session, level: str | None = None, *, edition_id: int | None = None) -> list[Area]:
    """The current areas (of `level`), or every area of the edition `edition_id`."""
    q = select(Area).order_by(Area.level, Area.name)
    q = q.where(Area.edition_id == edition_id) if edition_id is not None else q.where(current())
    if level:
        q = q.where(Area.level == level)
    return list(session.scalars(q))


def get_area(session: Session, ref: int | str) -> Area | None:
    """An area by id (of any edition), or a current area by code or name."""
    if isinstance(ref, int) or str(ref).isdigit():
        return session.get(Area, int(ref))
    return session.scalar(select(Area).where((Area.code == ref) | (Area.name == ref), current())
                          .order_by(Area.id).limit(1))


def is_current(area: Area) -> bool:
    """Whether `area` is of an active edition (or of none): reports and places go only there."""
    return area.edition is None or bool(area.edition.active)


def municipality(session: Session) -> Area | None:
    return session.scalar(select(Area).where(Area.level == AreaLevel.MUNICIPALITY))


def search_places(session: Session, text: str, limit: int = 10) -> list[Place]:
    """Known places whose name contains `text` (case-insensitive), best matches first."""
    text = text.strip()
    if not text:
        return []
    rows = list(session.scalars(select(Place).where(Place.name.ilike(f"%{text}%")).limit(50)))
    rows.sort(key=lambda p: (not p.name.lower().startswith(text.lower()), len(p.name)))
    return rows[:limit]


def nearest_place(session: Session, lon: float, lat: float, *,
                  max_metres: float = 1500.0) -> tuple[Place, float] | None:
    """The known place nearest (lon, lat) and its distance in metres; None when none is within `max_metres`."""
    from trygg.domain.geo import to_sweref

    x, y = to_sweref(lon, lat)
    best: tuple[Place, float] | None = None
    for p in session.scalars(select(Place)):
        px, py = to_sweref(p.lon, p.lat)
        d = float(np.hypot(px - x, py - y))
        if d <= max_metres and (best is None or d < best[1]):
            best = (p, d)
    return best

"""A new edition of a level (DeSO 2018 → DeSO 2025): everything placed by its point moves to the new areas.

`place_in_edition` works out, with shapely (as every placement in Trygg, on both backends), where
each report with a point of its own, each known place, premises, gym and watch area of the old
areas lies among the new areas; with ``apply`` it writes that (the caller's transaction: all or
nothing with the import of the areas). What has no point of its own keeps its old area:

* reports placed at an area's or the municipality's centroid (no point of their own), unless the new
  edition left their area as it was (its one successor has no other predecessor): then they follow it;
* what happened at a time and stays a record of that time: safety walks, night shifts, information
  meetings, activities, indicators, focus areas and short-term actions of plans. Their old area
  still exists (the old edition stays readable) and a report filter on an old area also matches
  the reports in its successors (`trygg.storage.schema.AreaSuccessor`), so an indicator of an old
  district keeps counting the same ground;
* survey figures: they stay with the edition they were imported for;
* published public tables: a published version is not changed; the next one uses the new areas.

What belongs to an area rather than a point is carried over: a new area joins the EST group (and
police classification) of the old area holding its inside point, routing rules of an old area
apply to each of its successors, and DeSO are placed under the new district holding them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from sqlalchemy.orm import Session

from trygg.domain.enums import AreaLevel
from trygg.storage import area_editions as store
from trygg.storage.schema import Area

Progress = Callable[[str, int, int], None]


@dataclass
class EditionChange:
    """What a new edition moves (or, in a dry run, would move)."""

    previous: str  # the name of the edition that was active
    reports_checked: int = 0  # reports with a point of their own, placed again
    reports_moved: int = 0  # … now in an area with another code than before (every one gets the new id)
    reports_outside: int = 0  # … that lie in no new area (their area is emptied)
    reports_without_point: int = 0  # reports placed at a centroid of a split or redrawn area: keep it
    reports_following: int = 0  # … of an area the new edition left as it was: follow it to the new area
    per_area: dict[str, int] = field(default_factory=dict)  # new area code → its reports
    moved: dict[str, int] = field(default_factory=dict)  # places, premises, gyms, watch_areas
    carried: dict[str, int] = field(default_factory=dict)  # est_groups, parents, routing_rules
    successors: int = 0


@dataclass(frozen=True)
class _Index:
    ids: list[int]
    tree: shapely.STRtree

    def locate_many(self, lon: np.ndarray, lat: np.ndarray) -> list[int | None]:
        """The id of the area holding each point (the first one), None outside every area."""
        points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        at = np.full(len(points), -1, dtype=np.int64)
        if len(points):
            pi, gi = self.tree.query(points, predicate="intersects")
            at[pi[::-1]] = gi[::-1]  # first match wins
        return [None if i < 0 else self.ids[i] for i in at.tolist()]


def _index(ids: Sequence[int], geoms: Sequence[shapely.Geometry]) -> _Index:
    return _Index(list(ids), shapely.STRtree(list(geoms)))


def place_in_edition(session: Session, level: str, new_ids: Sequence[int], new_codes: Sequence[str],
                     new_geoms: Sequence[shapely.Geometry], *, new_edition_id: int | None, apply: bool,
                     progress: Progress | None = None) -> EditionChange:
    """Place what lies in the current areas of `level` in the new areas (WGS 84 geometries, ids as stored,
    or stand-ins for a dry run); with `apply`, write it. `new_edition_id` is None in a dry run."""
    active = store.active_edition(session, level)
    olds = store.older_areas(session, level, new_edition_id)
    # areas without an edition (made before editions) become the edition "first import" when stored
    change = EditionChange(previous=active.name if active is not None else store.FIRST if olds else "")
    old_ids = [a.id for a in olds]
    current_old = [a for a in olds if active is None or a.edition_id in (None, active.id)]
    index = _index(new_ids, new_geoms)
    code_of = dict(zip(new_ids, new_codes, strict=True))
    old_code = {a.id: a.code for a in olds}
    unplaced = level == AreaLevel.REGSO

    total = store.count_reports_to_move(session, old_ids, unplaced)
    per_area: Counter[int] = Counter()
    done = 0
    if progress is not None:
        progress("reports", 0, total)
    for batch in store.iter_report_points(session, old_ids, unplaced):
        found = index.locate_many(np.array([b[1] for b in batch]), np.array([b[2] for b in batch]))
        changes: list[tuple[int, int | None]] = []
        for (rid, _x, _y, was), new in zip(batch, found, strict=True):
            if new is None:
                change.reports_outside += 1
            else:
                per_area[new] += 1
            if new != was:
                changes.append((rid, new))
            if (code_of[new] if new is not None else None) != (old_code.get(was) if was is not None else None):
                change.reports_moved += 1
        change.reports_checked += len(batch)
        if apply:
            store.set_report_areas(session, changes)
        done += len(batch)
        if progress is not None:
            progress("reports", done, total)

    for kind, rows in store.point_rows(session, old_ids).items():
        found = index.locate_many(np.array([r[1] for r in rows]), np.array([r[2] for r in rows]))
        moves = [(r[0], f) for r, f in zip(rows, found, strict=True)]
        change.moved[kind] = len(moves)
        if apply:
            store.set_point_areas(session, kind, moves)

    # successors: a new area follows each older area that holds its inside point
    inside = [_inside(g) for g in new_geoms]
    old_index = _index(old_ids, [a.geom for a in olds]) if olds else None
    links: list[tuple[int, int]] = []
    predecessor: dict[int, int] = {}
    current_ids = {a.id for a in current_old}
    if old_index is not None and inside:
        points = shapely.points(np.array([p[0] for p in inside]), np.array([p[1] for p in inside]))
        pi, gi = old_index.tree.query(points, predicate="intersects")
        for p, g in zip(pi.tolist(), gi.tolist(), strict=True):
            old_id, new_id = old_index.ids[g], new_ids[p]
            links.append((old_id, new_id))
            if old_id in current_ids:
                predecessor.setdefault(new_id, old_id)
    change.successors = len(links)
    successors: dict[int, list[int]] = {}
    predecessors: dict[int, list[int]] = {}
    for o, n in links:
        if o in current_ids:
            successors.setdefault(o, []).append(n)
            predecessors.setdefault(n, []).append(o)
    # reports without a point of their own follow an area the new edition left as it was (one successor
    # that has no other predecessor); those of a split or redrawn area keep it
    same = {o: ns[0] for o, ns in successors.items() if len(ns) == 1 and predecessors[ns[0]] == [o]}
    for old_id, n in store.reports_without_point(session, old_ids).items():
        if old_id in same:
            change.reports_following += n
            per_area[same[old_id]] += n
        else:
            change.reports_without_point += n
    change.per_area = {code_of[i]: per_area.get(i, 0) for i in new_ids}
    parents: dict[int, int | None] = {}
    if level == AreaLevel.REGSO:
        from trygg.storage.areas import list_areas

        deso = list_areas(session, AreaLevel.DESO)
        if deso:
            found = index.locate_many(np.array([d.centroid_lon for d in deso]),
                                      np.array([d.centroid_lat for d in deso]))
            # a DeSO that lies in no new district keeps its parent
            parents = {d.id: f for d, f in zip(deso, found, strict=True) if f is not None}
    if apply:
        store.move_reports_without_point(session, same)
        store.add_successors(session, links)
        change.carried = store.carry_over(session, predecessor, parents, successors)
    else:
        rules = store.routing_rule_counts(session, list(successors))
        change.carried = {"est_groups": sum(1 for o in predecessor.values() if _group(olds, o) is not None),
                          "parents": len(parents),
                          "routing_rules": sum(n * len(successors[o]) for o, n in rules.items())}
    return change


def _inside(geom: shapely.Geometry) -> tuple[float, float]:
    c = geom.centroid
    if not geom.contains(c):
        c = geom.point_on_surface()
    return float(c.x), float(c.y)


def _group(olds: list[Area], area_id: int) -> int | None:
    for a in olds:
        if a.id == area_id:
            return a.est_group_id
    return None

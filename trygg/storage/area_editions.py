"""Editions of a level's boundaries (DeSO 2018 → DeSO 2025): listing them, adding one, making it active,
and moving what is placed in the old edition's areas to the new edition's areas.

The placement itself (which new area holds a point) is done by the caller with shapely
(`trygg.setup.area_editions`); this module reads the points and writes the ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.orm import Session

from trygg.domain.enums import Precision
from trygg.storage import versions
from trygg.storage.schema import Area, AreaEdition, AreaSuccessor, Place, Report
from trygg.storage.schema.fieldwork import Gym, Premises, WatchArea
from trygg.storage.schema.intake import RoutingRule

SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])

#: The name of the edition every level's areas got when editions came (migration 0009).
FIRST = "first import"
#: Precisions whose point is a real place; an area or municipality centroid is no point of the report's own.
POINT_PRECISIONS = (Precision.EXACT.value, Precision.ADDRESS.value)


def list_editions(session: Session, level: str | None = None) -> list[AreaEdition]:
    q = select(AreaEdition).order_by(AreaEdition.level, AreaEdition.imported_at, AreaEdition.id)
    if level:
        q = q.where(AreaEdition.level == level)
    return list(session.scalars(q))


def area_counts(session: Session) -> dict[int, int]:
    """Edition id → number of its areas."""
    rows = session.execute(select(Area.edition_id, func.count(Area.id)).where(Area.edition_id.is_not(None))
                           .group_by(Area.edition_id))
    return {int(e): int(n) for e, n in rows if e is not None}


def active_edition(session: Session, level: str) -> AreaEdition | None:
    return session.scalar(select(AreaEdition).where(AreaEdition.level == level, AreaEdition.active))


def get_edition(session: Session, ref: int | str, level: str | None = None) -> AreaEdition | None:
    """An edition by id, or by name (within `level` when given)."""
    if isinstance(ref, int) or str(ref).isdigit():
        return session.get(AreaEdition, int(ref))
    q = select(AreaEdition).where(AreaEdition.name == str(ref))
    if level:
        q = q.where(AreaEdition.level == level)
    return session.scalar(q.order_by(AreaEdition.id).limit(1))


def add_edition(session: Session, level: str, name: str, *, year: int | None = None, source_file: str = "",
                user_id: int | None = None, active: bool = False, at: datetime | None = None) -> AreaEdition:
    edition = AreaEdition(level=level, name=name, year=year, source_file=source_file[:300],
                          imported_by_id=user_id, active=active)
    if at is not None:
        edition.imported_at = at
    session.add(edition)
    session.flush()
    return edition


def adopt_unedited(session: Session, level: str) -> AreaEdition | None:
    """Put the areas of `level` that have no edition (made before editions, or by the demo builder)
    into an edition of their own, active when the level has no active edition; None when there are none."""
    ids = list(session.scalars(select(Area.id).where(Area.level == level, Area.edition_id.is_(None))))
    if not ids:
        return None
    name = FIRST
    taken = {e.name for e in list_editions(session, level)}
    n = 1
    while name in taken:
        n += 1
        name = f"{FIRST} ({n})"
    edition = add_edition(session, level, name, active=active_edition(session, level) is None)
    session.execute(update(Area).where(Area.id.in_(ids)).values(edition_id=edition.id))
    session.flush()
    return edition


def activate(session: Session, edition: AreaEdition) -> None:
    """Make `edition` its level's one active edition."""
    session.execute(update(AreaEdition).where(AreaEdition.level == edition.level, AreaEdition.id != edition.id)
                    .values(active=False))
    edition.active = True
    session.flush()


def edition_area_ids(session: Session, edition_id: int) -> list[int]:
    return list(session.scalars(select(Area.id).where(Area.edition_id == edition_id).order_by(Area.id)))


def older_areas(session: Session, level: str, edition_id: int | None) -> list[Area]:
    """The areas of `level` of every edition but `edition_id` (and of none); all of them when None."""
    q = select(Area).where(Area.level == level)
    if edition_id is not None:
        q = q.where((Area.edition_id != edition_id) | Area.edition_id.is_(None))
    return list(session.scalars(q.order_by(Area.id)))


def add_successors(session: Session, links: Sequence[tuple[int, int]]) -> int:
    """Store (old area id, new area id) links (`AreaSuccessor`)."""
    session.add_all([AreaSuccessor(old_area_id=o, new_area_id=n) for o, n in links])
    session.flush()
    return len(links)


# --------------------------------------------------------------------------- reports


def count_reports_to_move(session: Session, old_ids: Sequence[int], unplaced: bool) -> int:
    """The reports with a point of their own to place again; `unplaced`: also those with a point that
    lie in no area now (district level only)."""
    return int(session.scalar(_movable(select(func.count(Report.id)), old_ids, unplaced)) or 0)


def reports_without_point(session: Session, old_ids: Sequence[int]) -> dict[int, int]:
    """Old area id → its reports without a point of their own (placed at a centroid)."""
    rows = session.execute(select(Report.area_id, func.count(Report.id))
                           .where(Report.area_id.in_(list(old_ids)), Report.precision.not_in(POINT_PRECISIONS))
                           .group_by(Report.area_id))
    return {int(a): int(n) for a, n in rows if a is not None}


def move_reports_without_point(session: Session, same: dict[int, int]) -> int:
    """Give the reports without a point of an old area to the one new area that is the same ground
    (`same`: old id → new id); bulk, `updated_at` left as it is."""
    moved = 0
    for old, new in same.items():
        result = session.execute(update(Report).execution_options(synchronize_session=False)
                                 .where(Report.area_id == old, Report.precision.not_in(POINT_PRECISIONS))
                                 .values(area_id=new))
        moved += int(getattr(result, "rowcount", 0) or 0)
    if moved:
        versions.mark_reports_changed(session)
    return moved


def _movable(q: SelectT, old_ids: Sequence[int], unplaced: bool) -> SelectT:
    where: ColumnElement[bool] = Report.area_id.in_(list(old_ids))
    if unplaced:
        where = or_(where, and_(Report.area_id.is_(None), Report.outside.is_(False)))
    return q.where(where, Report.precision.in_(POINT_PRECISIONS))


def iter_report_points(session: Session, old_ids: Sequence[int], unplaced: bool,
                       batch: int = 5000) -> Iterator[list[tuple[int, float, float, int | None]]]:
    """(id, lon, lat, area id) of the reports to place again, in batches by id. Read all before writing:
    writing the new ids changes which reports match."""
    last = 0
    while True:
        rows = session.execute(_movable(select(Report.id, Report.lon, Report.lat, Report.area_id), old_ids, unplaced)
                               .where(Report.id > last).order_by(Report.id).limit(batch)).all()
        if not rows:
            return
        yield [(int(r[0]), float(r[1]), float(r[2]), r[3]) for r in rows]
        last = int(rows[-1][0])


def set_report_areas(session: Session, changes: Sequence[tuple[int, int | None]]) -> int:
    """Set report id → area id (bulk, by primary key; `updated_at` is left: a new edition is no edit).
    The reports' data version is bumped after the commit (the lägesbild caches go stale)."""
    if not changes:
        return 0
    session.execute(update(Report).execution_options(synchronize_session=False),
                    [{"id": rid, "area_id": aid} for rid, aid in changes])
    versions.mark_reports_changed(session)
    return len(changes)


def report_area_counts(session: Session, area_ids: Sequence[int]) -> dict[int, int]:
    rows = session.execute(select(Report.area_id, func.count(Report.id)).where(Report.area_id.in_(list(area_ids)))
                           .group_by(Report.area_id))
    return {int(a): int(n) for a, n in rows if a is not None}


# --------------------------------------------------------------------------- other things with a place


def point_rows(session: Session, old_ids: Sequence[int]) -> dict[str, list[tuple[int, float, float]]]:
    """(id, lon, lat) of the places, premises and gyms in the old areas (a watch area by its inside point)."""
    ids = list(old_ids)
    out: dict[str, list[tuple[int, float, float]]] = {}
    for name, model in (("places", Place), ("premises", Premises), ("gyms", Gym)):
        rows = session.execute(select(model.id, model.lon, model.lat).where(
            model.area_id.in_(ids), model.lon.is_not(None), model.lat.is_not(None)))
        out[name] = [(int(i), float(x), float(y)) for i, x, y in rows if x is not None and y is not None]
    watch = []
    for wid, geom in session.execute(select(WatchArea.id, WatchArea.geom).where(WatchArea.area_id.in_(ids))):
        p = geom.representative_point()
        watch.append((int(wid), float(p.x), float(p.y)))
    out["watch_areas"] = watch
    return out


_POINT_MODELS: dict[str, type] = {"places": Place, "premises": Premises, "gyms": Gym, "watch_areas": WatchArea}


def set_point_areas(session: Session, kind: str, changes: Sequence[tuple[int, int | None]]) -> int:
    if changes:
        model = _POINT_MODELS[kind]
        session.execute(update(model).execution_options(synchronize_session=False),
                        [{"id": i, "area_id": a} for i, a in changes])
    return len(changes)


def carry_over(session: Session, predecessor: dict[int, int], parents: dict[int, int | None],
               successors: dict[int, list[int]]) -> dict[str, int]:
    """What belongs to an area and not to a point, carried from the old areas to the new ones:
    a new area joins its predecessor's EST group and police classification (`predecessor`: new id → old
    id); DeSO get the district holding them (`parents`: area id → new parent id); a routing rule of
    an old area is given to each of its successors (`successors`: old id → new ids)."""
    counts = {"est_groups": 0, "parents": 0, "routing_rules": 0}
    olds = {a.id: a for a in session.scalars(select(Area).where(Area.id.in_(set(predecessor.values()))))}
    for new in session.scalars(select(Area).where(Area.id.in_(list(predecessor)))):
        old = olds[predecessor[new.id]]
        new.est_group_id = old.est_group_id
        new.vulnerable, new.police_class = old.vulnerable, old.police_class
        counts["est_groups"] += old.est_group_id is not None
    for area in session.scalars(select(Area).where(Area.id.in_(list(parents)))):
        if area.parent_id != parents[area.id]:
            area.parent_id = parents[area.id]
            counts["parents"] += 1
    if successors:
        for rule in list(session.scalars(select(RoutingRule).where(RoutingRule.area_id.in_(list(successors))))):
            for new_id in successors[rule.area_id or 0]:
                exists = session.scalar(select(RoutingRule.id).where(
                    RoutingRule.area_id == new_id, RoutingRule.category.is_(None) if rule.category is None
                    else RoutingRule.category == rule.category))
                if exists is None:
                    session.add(RoutingRule(area_id=new_id, category=rule.category,
                                            organisation_id=rule.organisation_id, note=rule.note))
                    counts["routing_rules"] += 1
    session.flush()
    return counts


# --------------------------------------------------------------------------- reading across editions


def predecessor_ids(session: Session, area_ids: Sequence[int]) -> list[int]:
    """The areas of older editions that the given areas succeed (see `AreaSuccessor`)."""
    if not area_ids:
        return []
    return sorted(set(session.scalars(select(AreaSuccessor.old_area_id)
                                      .where(AreaSuccessor.new_area_id.in_(list(area_ids))))))


def old_edition_of(session: Session, area_ids: Sequence[int]) -> dict[int, str]:
    """Area id → the name of its edition, for the areas of an edition that is not active."""
    if not area_ids:
        return {}
    rows = session.execute(select(Area.id, AreaEdition.name).join(AreaEdition, AreaEdition.id == Area.edition_id)
                           .where(Area.id.in_(list(area_ids)), AreaEdition.active.is_(False)))
    return {int(i): str(n) for i, n in rows}


def one_to_one(session: Session, old_ids: Sequence[int], current_ids: Sequence[int]) -> dict[int, int]:
    """Old area id → current area id, where the current area is the old one's only successor and the
    old one the current one's only predecessor in its edition (an area the new edition did not change)."""
    if not old_ids or not current_ids:
        return {}
    rows = session.execute(select(AreaSuccessor.old_area_id, AreaSuccessor.new_area_id, Area.edition_id)
                           .join(Area, Area.id == AreaSuccessor.old_area_id)
                           .where(AreaSuccessor.new_area_id.in_(list(current_ids)))).all()
    successors: dict[int, set[int]] = {}
    predecessors: dict[tuple[int, int | None], set[int]] = {}
    for old, new, edition in rows:
        successors.setdefault(old, set()).add(new)
        predecessors.setdefault((new, edition), set()).add(old)
    editions = dict(session.execute(select(Area.id, Area.edition_id).where(Area.id.in_(list(old_ids)))).all())
    out: dict[int, int] = {}
    for old in old_ids:
        news = successors.get(old, set())
        if len(news) == 1:
            (new,) = news
            if predecessors.get((new, editions.get(old)), set()) == {old}:
                out[old] = new
    return out


def successor_ids(session: Session, area_ids: Sequence[int]) -> list[int]:
    """The areas that took the place of the given ones (in any newer edition)."""
    if not area_ids:
        return []
    return sorted(set(session.scalars(select(AreaSuccessor.new_area_id)
                                      .where(AreaSuccessor.old_area_id.in_(list(area_ids))))))


def routing_rule_counts(session: Session, area_ids: Sequence[int]) -> dict[int, int]:
    """Area id → its routing rules."""
    rows = session.execute(select(RoutingRule.area_id, func.count(RoutingRule.id))
                           .where(RoutingRule.area_id.in_(list(area_ids))).group_by(RoutingRule.area_id))
    return {int(a): int(n) for a, n in rows if a is not None}

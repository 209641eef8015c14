"""Reads the lägesbild needs besides the report arrays: a data version, area profiles, activities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from trygg.domain.enums import AreaLevel
from trygg.storage import versions
from trygg.storage.areas import current as current_area
from trygg.storage.schema import ActionPlan, Activity, Area, DataVersion, FocusArea, Report, activity_focus_areas


@dataclass(frozen=True)
class AreaProfile:
    """What analysis needs of a RegSO area (plain values, no ORM object)."""

    id: int
    code: str
    name: str
    area_type: int | None
    population: int | None
    vulnerable: bool
    police_class: str | None
    est_group_id: int | None
    wkt: str  # WGS 84 (multi)polygon


def data_version(session: Session) -> tuple[int, int, str]:
    """Changes whenever a report is added, removed or edited: (write counter, max id, latest update).

    Three index lookups (`trygg.storage.versions`), not a count of every row, in one statement: each
    max() a scalar subquery of its own, which SQLite answers from an index (two max() in one select
    it would answer by a scan).
    """
    row = _DATA_VERSION.read(session)
    return int(row[0] or 0), int(row[1] or 0), str(row[2] or "")


#: The statement of `data_version`, built once (building costs more than running it).
_DATA_VERSION = versions.Probe(
    select(DataVersion.version).where(DataVersion.name == versions.REPORTS).scalar_subquery(),
    select(func.max(Report.id)).scalar_subquery(),
    select(func.max(Report.updated_at)).scalar_subquery())


def area_profiles(session: Session) -> tuple[AreaProfile, ...]:
    """Every current RegSO-level area (of the active edition), ordered by id."""
    rows = session.scalars(select(Area).where(Area.level == AreaLevel.REGSO, current_area()).order_by(Area.id))
    return tuple(AreaProfile(a.id, a.code, a.name, a.area_type, a.population, bool(a.vulnerable),
                             a.police_class, a.est_group_id, a.geom.wkt) for a in rows)


def activities_for_area(session: Session, area: Area, on: date | None = None) -> list[Activity]:
    """Activities placed in the area, or serving a focus area that targets it (by id or area type).

    With `on`, only activities whose period covers that day (an open end counts as running).
    """
    placed = select(Activity.id).where(Activity.area_id == area.id)
    focus_q = select(FocusArea)
    targeted: list[int] = []
    for fa in session.scalars(focus_q):
        ids = fa.target_area_ids or []
        types = fa.target_area_types or []
        if area.id in ids or (area.area_type is not None and area.area_type in types):
            targeted.append(fa.id)
    via_focus = select(activity_focus_areas.c.activity_id).where(activity_focus_areas.c.focus_area_id.in_(targeted))
    q = (select(Activity).join(ActionPlan, ActionPlan.id == Activity.plan_id)
         .where(or_(Activity.id.in_(placed), Activity.id.in_(via_focus))))
    if on is not None:
        q = q.where(or_(Activity.period_start.is_(None), Activity.period_start <= on),
                    or_(Activity.period_end.is_(None), Activity.period_end >= on))
    q = q.order_by(ActionPlan.year.desc(), Activity.area_id.is_(None), Activity.title)
    return list(session.scalars(q))

"""Warnings that cannot be missed: the gaps between a plan and the problems it should answer.

* a focus area with no activity;
* an activity with no focus area (a measure not linked to a problem — Brå's main criticism);
* an indicator with no baseline (nothing to follow up against);
* a problem in the current lägesbild that no activity addresses: a category × area-type group
  with a significant increase, or a hot spot, that no activity's focus areas (categories and
  targeted areas), place or indicators cover.

Each warning carries an English message id with named parameters, translated where shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trygg.domain.msgid import _
from trygg.storage.schema import ActionPlan, Activity, FocusArea

MAX_PROBLEM_WARNINGS = 10




@dataclass(frozen=True)
class Problem:
    """Something the lägesbild shows: a significant increase or a hot spot."""

    kind: str  # "increase" | "hotspot"
    category: str
    area_types: tuple[int, ...] = ()
    area_id: int | None = None
    area_name: str = ""
    place: str = ""
    current: int = 0
    previous: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "category": self.category, "area_types": list(self.area_types),
                "area_id": self.area_id, "area_name": self.area_name, "place": self.place,
                "current": self.current, "previous": self.previous}


@dataclass(frozen=True)
class PlanWarning:
    #: focus_area_without_activity | activity_without_focus_area | indicator_without_baseline
    #: | unaddressed_problem
    code: str
    message: str  # English msgid with {named} parameters
    params: dict[str, Any] = field(default_factory=dict)
    object_type: str = ""
    object_id: int | None = None

    def as_dict(self, translate: Any = None) -> dict[str, Any]:
        text = translate(self.message, **self.params) if translate else self.message.format(**self.params)
        return {"code": self.code, "message": text, "params": self.params, "object_type": self.object_type,
                "object_id": self.object_id}


def problems_from_evidence(evidence: dict[str, Any] | None) -> list[Problem]:
    """The increases and hot spots of a lägesbild snapshot (`trygg.plans.evidence.snapshot`)."""
    if not evidence:
        return []
    out = [Problem("increase", g["category"], tuple(g["area_types"]), current=g["current"],
                   previous=g["previous"])
           for g in evidence.get("groups", [])
           if g.get("significant") and g.get("direction") == "up" and g["current"] >= 10]
    out += [Problem("hotspot", h["category"], (h["area_type"],) if h.get("area_type") else (),
                    area_id=h.get("area_id"), area_name=h.get("area_name", ""), place=h.get("place", ""),
                    current=h["count"])
            for h in evidence.get("hotspots", [])]
    return out


def _fa_covers(fa: FocusArea, p: Problem) -> bool:
    if p.category not in (fa.categories or []):
        return False
    types, ids = fa.target_area_types or [], fa.target_area_ids or []
    if not types and not ids:
        return True  # the whole municipality
    if p.area_id is not None and p.area_id in ids:
        return True
    return bool(set(types) & set(p.area_types))


def activity_covers(activity: Activity, p: Problem) -> bool:
    """Does `activity` answer problem `p` (through its focus areas, its place or its indicators)?"""
    if not activity.focus_areas:
        return False  # an unlinked activity answers nothing in the plan's logic
    fa_cats = {c for fa in activity.focus_areas for c in (fa.categories or [])}
    if any(_fa_covers(fa, p) for fa in activity.focus_areas):
        return True
    if activity.area_id is not None and activity.area_id == p.area_id and p.category in fa_cats:
        return True
    for ind in activity.indicators:
        if ind.source_kind == "report_category" and ind.category == p.category:
            if ind.area_id is None and not ind.area_types:
                return True
            if p.area_id is not None and ind.area_id == p.area_id:
                return True
            if set(ind.area_types or []) & set(p.area_types):
                return True
    return False


def unaddressed(plan: ActionPlan, problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not any(activity_covers(a, p) for a in plan.activities)]


def plan_warnings(plan: ActionPlan, problems: list[Problem] | None = None,
                  category_name: Any = None) -> list[PlanWarning]:
    """Every warning for `plan`; `problems` are those of the current lägesbild."""
    name = category_name or (lambda c: c)
    out: list[PlanWarning] = []
    used = {fa.id for a in plan.activities for fa in a.focus_areas}
    for fa in plan.focus_areas:
        if fa.id not in used:
            out.append(PlanWarning("focus_area_without_activity",
                                   _("Focus area {number} “{title}” has no activity."),
                                   {"number": fa.number, "title": fa.title}, "focus_area", fa.id))
    for a in plan.activities:
        if not a.focus_areas:
            out.append(PlanWarning("activity_without_focus_area",
                                   _("Activity “{title}” is not linked to any focus area (problem)."),
                                   {"title": a.title}, "activity", a.id))
        for ind in a.indicators:
            if ind.baseline is None:
                out.append(PlanWarning("indicator_without_baseline",
                                       _("Indicator “{name}” of activity “{title}” has no baseline."),
                                       {"name": ind.name, "title": a.title}, "indicator", ind.id))
    missing = unaddressed(plan, problems or [])
    for p in missing[:MAX_PROBLEM_WARNINGS]:
        if p.kind == "hotspot":
            where = p.place or p.area_name
            out.append(PlanWarning("unaddressed_problem",
                                   _("Hot spot of {category} at {place} ({count} reports in 12 months) "
                                     "is not addressed by any activity."),
                                   {"category": name(p.category), "place": where, "count": p.current},
                                   "problem", None))
        else:
            types = "–".join(str(t) for t in sorted({p.area_types[0], p.area_types[-1]})) if p.area_types else ""
            out.append(PlanWarning("unaddressed_problem",
                                   _("{category} increased significantly in areas of type {types} "
                                     "({previous} → {current}) and no activity addresses it."),
                                   {"category": name(p.category), "types": types, "previous": p.previous,
                                    "current": p.current}, "problem", None))
    if len(missing) > MAX_PROBLEM_WARNINGS:
        out.append(PlanWarning("unaddressed_problem", _("…and {n} more problems no activity addresses."),
                               {"n": len(missing) - MAX_PROBLEM_WARNINGS}, "problem", None))
    return out

"""What changed between two versions of a plan: fields, focus areas, activities and indicators.

Focus areas are matched by number, activities by title and indicators by name within their
activity; a renamed activity shows as one removed and one added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trygg.storage.schema import ActionPlan, Activity, FocusArea, Indicator


@dataclass(frozen=True)
class Change:
    kind: str  # "added" | "removed" | "changed"
    item: str  # "plan" | "focus_area" | "activity" | "indicator"
    label: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (old, new)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "item": self.item, "label": self.label,
                "fields": {k: {"old": _plain(o), "new": _plain(n)} for k, (o, n) in self.fields.items()}}


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _fields(old: Any, new: Any, names: tuple[str, ...]) -> dict[str, tuple[Any, Any]]:
    out = {}
    for n in names:
        a = old[n] if isinstance(old, dict) else getattr(old, n)
        b = new[n] if isinstance(new, dict) else getattr(new, n)
        if (a or None) != (b or None):
            out[n] = (a, b)
    return out


def _fa_view(fa: FocusArea) -> dict[str, Any]:
    return {"title": fa.title, "problem": fa.problem, "target_area_types": sorted(fa.target_area_types or []),
            "target_area_ids": sorted(fa.target_area_ids or []), "categories": sorted(fa.categories or [])}


def _act_view(a: Activity) -> dict[str, Any]:
    return {"description": a.description, "kind": a.kind, "responsible_role": a.responsible_role,
            "period_start": a.period_start, "period_end": a.period_end, "status": a.status,
            "area_id": a.area_id, "owners": sorted(o.name for o in a.owners),
            "focus_areas": sorted(fa.number for fa in a.focus_areas)}


def _ind_view(i: Indicator) -> dict[str, Any]:
    return {"source_kind": i.source_kind, "category": i.category, "area_id": i.area_id,
            "area_types": sorted(i.area_types or []), "survey_indicator": i.survey_indicator,
            "baseline": i.baseline, "target": i.target, "unit": i.unit}


def plan_diff(old: ActionPlan, new: ActionPlan) -> list[Change]:
    """Every difference from `old` to `new`."""
    out: list[Change] = []
    plan_fields = _fields(old, new, ("title", "summary"))
    if plan_fields:
        out.append(Change("changed", "plan", new.title, plan_fields))
    old_fa = {fa.number: fa for fa in old.focus_areas}
    new_fa = {fa.number: fa for fa in new.focus_areas}
    for n in sorted(set(old_fa) | set(new_fa)):
        if n not in new_fa:
            out.append(Change("removed", "focus_area", f"{n}. {old_fa[n].title}"))
        elif n not in old_fa:
            out.append(Change("added", "focus_area", f"{n}. {new_fa[n].title}"))
        else:
            f = _fields(_fa_view(old_fa[n]), _fa_view(new_fa[n]), tuple(_fa_view(new_fa[n])))
            if f:
                out.append(Change("changed", "focus_area", f"{n}. {new_fa[n].title}", f))
    old_act = {a.title: a for a in old.activities}
    new_act = {a.title: a for a in new.activities}
    for title in list(old_act) + [t for t in new_act if t not in old_act]:
        if title not in new_act:
            out.append(Change("removed", "activity", title))
            continue
        if title not in old_act:
            out.append(Change("added", "activity", title))
            continue
        a, b = old_act[title], new_act[title]
        f = _fields(_act_view(a), _act_view(b), tuple(_act_view(b)))
        if f:
            out.append(Change("changed", "activity", title, f))
        old_ind = {i.name: i for i in a.indicators}
        new_ind = {i.name: i for i in b.indicators}
        for name in list(old_ind) + [n for n in new_ind if n not in old_ind]:
            label = f"{title}: {name}"
            if name not in new_ind:
                out.append(Change("removed", "indicator", label))
            elif name not in old_ind:
                out.append(Change("added", "indicator", label))
            else:
                f = _fields(_ind_view(old_ind[name]), _ind_view(new_ind[name]), tuple(_ind_view(new_ind[name])))
                if f:
                    out.append(Change("changed", "indicator", label, f))
    return out

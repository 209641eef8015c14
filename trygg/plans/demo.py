"""Demo addition: a draft plan for the next year, built from the lägesbild by the plan services.

`add_draft_plan(session, year=2023)` takes the lägesbild snapshot as of 1 January of `year`,
turns its largest problems into focus areas (one per category, with the problem statement
written from the figures), and carries over the activities of the previous year's plan that
still serve one of them. Focus areas no activity serves yet stay without one, so the draft
shows its warnings — as a real draft would.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from trygg.domain.categories import BY_CODE
from trygg.plans import lifecycle
from trygg.plans.inputs import ActivityInput, FocusAreaInput, IndicatorInput
from trygg.storage import plans as store
from trygg.storage.schema import ActionPlan

MAX_FOCUS_AREAS = 4


def suggested_focus_areas(evidence: dict[str, Any], limit: int = MAX_FOCUS_AREAS) -> list[FocusAreaInput]:
    """Focus areas for the largest hot spots (and significant increases) of a snapshot, in Swedish."""
    seen: set[str] = set()
    out: list[FocusAreaInput] = []
    increases = [g for g in evidence.get("groups", []) if g.get("significant") and g.get("direction") == "up"]
    for g in sorted(increases, key=lambda g: -g["current"]):
        if g["category"] in seen or len(out) >= limit:
            continue
        seen.add(g["category"])
        name = BY_CODE[g["category"]].name_sv if g["category"] in BY_CODE else g["category"]
        out.append(FocusAreaInput(
            title=f"Vänd ökningen av {name.lower()} i områden av typ {g['group'].replace('-', '–')}",
            problem=f"{name} ökade från {g['previous']} till {g['current']} rapporter på ett år i områden av "
                    f"typ {g['group'].replace('-', '–')} (signifikant ökning).",
            target_area_types=list(g["area_types"]), target_area_ids=[], categories=[g["category"]]))
    for h in evidence.get("hotspots", []):
        if h["category"] in seen or len(out) >= limit:
            continue
        seen.add(h["category"])
        name = BY_CODE[h["category"]].name_sv if h["category"] in BY_CODE else h["category"]
        where = h.get("place") or h.get("area_name") or "en hot spot"
        out.append(FocusAreaInput(
            title=f"{name} vid {where}",
            problem=f"{h['count']} rapporter om {name.lower()} på ett år samlas kring {where} "
                    f"({h.get('area_name', '')}); hot spot enligt Gi*.",
            target_area_types=[], target_area_ids=[h["area_id"]] if h.get("area_id") else [],
            categories=[h["category"]]))
    return out


def add_draft_plan(session: Session, year: int = 2023) -> ActionPlan:
    """Create the draft plan for `year` (see the module docstring); returns it."""
    plan = lifecycle.create_draft(session, year, None, as_of=date(year, 1, 1),
                                  title=f"Åtgärdsplan {year} – samverkan för ökad trygghet i Trollhättan (utkast)",
                                  summary="Utkast byggt från den gemensamma lägesbilden per 1 januari "
                                          f"{year}. Fokusområdena följer de största problemen i lägesbilden.")
    assert plan.evidence is not None
    focus = [lifecycle.add_focus_area(session, plan, None, fa) for fa in suggested_focus_areas(plan.evidence)]
    previous = store.latest_plan(session, year - 1)
    if previous is None:
        return plan
    for act in previous.activities:
        cats = {c for fa in act.focus_areas for c in (fa.categories or [])}
        cats |= {i.category for i in act.indicators if i.category}
        serves = [fa.id for fa in focus if set(fa.categories or []) & cats]
        if not serves:
            continue
        new = lifecycle.add_activity(session, plan, None, ActivityInput(
            title=act.title, description=act.description, kind=act.kind, responsible_role=act.responsible_role,
            period_start=date(year, 1, 1), period_end=date(year, 12, 31), owner_ids=[o.id for o in act.owners],
            focus_area_ids=serves, area_id=act.area_id, status="planned"))
        for ind in act.indicators:
            if ind.source_kind == "manual":
                continue
            lifecycle.add_indicator(session, plan, new, None, IndicatorInput(
                name=ind.name, source_kind=ind.source_kind, category=ind.category, area_id=ind.area_id,
                area_types=list(ind.area_types or []), survey_indicator=ind.survey_indicator,
                baseline=ind.baseline, target=ind.target, unit=ind.unit))
    return plan

"""Demo addition: a draft plan for the next year, built from the lägesbild by the plan services.

`add_draft_plan(session, year=2023)` takes the lägesbild snapshot as of 1 January of `year`,
turns its largest problems into focus areas (one per category, with the problem statement
written from the figures), and carries over the activities of the previous year's plan that
still serve one of them. Focus areas no activity serves yet stay without one, so the draft
shows its warnings — as a real draft would.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from trygg.plans import lifecycle
from trygg.plans.inputs import ActivityInput, IndicatorInput
from trygg.plans.suggestions import suggested_focus_areas
from trygg.storage import plans as store
from trygg.storage.categories import taxonomy
from trygg.storage.schema import ActionPlan


def add_draft_plan(session: Session, year: int = 2023) -> ActionPlan:
    """Create the draft plan for `year` (see the module docstring); returns it."""
    plan = lifecycle.create_draft(session, year, None, as_of=date(year, 1, 1),
                                  title=f"Åtgärdsplan {year} – samverkan för ökad trygghet i Trollhättan (utkast)",
                                  summary="Utkast byggt från den gemensamma lägesbilden per 1 januari "
                                          f"{year}. Fokusområdena följer de största problemen i lägesbilden.")
    assert plan.evidence is not None
    suggested = suggested_focus_areas(plan.evidence, taxonomy(session))
    focus = [lifecycle.add_focus_area(session, plan, None, fa) for fa in suggested]
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

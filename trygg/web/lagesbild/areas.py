"""Area pages: the profile of a district, its trends and hot spots, survey indicators against the
normal value (Wilson intervals), and the activities and short-term actions running there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from trygg.analysis.survey import wilson_interval
from trygg.domain.clock import today
from trygg.domain.enums import AreaLevel
from trygg.errors import NotFound
from trygg.lagesbild.periods import last_complete_week
from trygg.lagesbild.service import build_lagesbild
from trygg.storage import area_editions as edition_store
from trygg.storage import areas as area_store
from trygg.storage import meetings as meeting_store
from trygg.storage.lagesbild import activities_for_area
from trygg.storage.schema import SurveyResult, User
from trygg.storage.surveys import survey_results
from trygg.web.access import check_role, taxonomy_of
from trygg.web.deps import current_user, db_session, language
from trygg.web.errors import login_redirect
from trygg.web.lagesbild.filters import VIEW_ROLES, dashboard_filter
from trygg.web.lagesbild.serialize import summary_texts
from trygg.web.nav import register_nav
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
register_nav("/areas", "Districts", roles=VIEW_ROLES, order=22)

#: The area page looks at the last 13 complete weeks.
AREA_WEEKS = 13


@dataclass(frozen=True)
class SurveyRow:
    indicator: str
    year: int
    value: float
    scale: str
    n: int
    normal: float | None
    lower: float | None
    upper: float | None
    verdict: str  # "worse" | "better" | "same" | "unknown"
    edition: str = ""  # the figure's district is of this edition, not the active one
    district: str = ""  # … and is called so


# Indicators where a higher value is better (the rest: higher = more problems or more worry).
HIGHER_IS_BETTER = {"confidence_police"}


def survey_rows(rows: list[SurveyResult], old_editions: dict[int, tuple[str, str]] | None = None) -> list[SurveyRow]:
    """Each survey figure with its interval — as published, else the 95 % Wilson interval (percent
    scale) — and a verdict against the normal value.

    The Wilson interval uses the figure's effective sample size (Kish) when it was weighted, else its answers.
    `old_editions`: area id → (edition, district name) of figures of districts of an edition that is not active.
    """
    old_editions = old_editions or {}
    out: list[SurveyRow] = []
    for r in rows:
        lower = upper = None
        verdict = "unknown"
        # Weighted figures: the interval is as wide as Kish's effective sample size, not the answer count.
        n = r.n if r.n_effective is None else r.n_effective
        if r.lower is not None and r.upper is not None:  # the interval as the survey published it
            lower, upper = r.lower, r.upper
        elif r.scale == "percent" and n > 0:
            lo, hi = wilson_interval(r.value / 100.0, n)
            lower, upper = float(lo) * 100.0, float(hi) * 100.0
        if lower is not None and upper is not None:
            if r.normal_value is not None:
                if lower > r.normal_value:
                    verdict = "better" if r.indicator in HIGHER_IS_BETTER else "worse"
                elif upper < r.normal_value:
                    verdict = "worse" if r.indicator in HIGHER_IS_BETTER else "better"
                else:
                    verdict = "same"
        elif r.normal_value is not None:
            verdict = "worse" if r.value > r.normal_value else "better" if r.value < r.normal_value else "same"
        edition, district = old_editions.get(r.area_id, ("", ""))
        out.append(SurveyRow(r.indicator, r.year, r.value, r.scale, r.n, r.normal_value, lower, upper, verdict,
                             edition, district))
    return out


@router.get("/areas")
def area_index(request: Request, user: User | None = Depends(current_user),
               session: Session = Depends(db_session)) -> Response:
    if user is None:
        return login_redirect(request)
    check_role(user, VIEW_ROLES)
    groups = {g.id: g for g in meeting_store.list_groups(session)}
    editions = edition_store.list_editions(session, AreaLevel.REGSO)
    chosen = None
    ref = request.query_params.get("edition", "")
    if ref:
        chosen = next((e for e in editions if str(e.id) == ref), None)
        if chosen is None:
            raise NotFound(f"No edition {ref!r} of the districts.", hint="See the editions at /areas.")
    return render(request, "areas/index.html", {
        "areas": area_store.list_areas(session, AreaLevel.REGSO, edition_id=chosen.id if chosen else None),
        "groups": groups, "editions": editions if len(editions) > 1 else [], "edition": chosen})


@router.get("/areas/{area_id}")
def area_page(area_id: int, request: Request, user: User | None = Depends(current_user),
              session: Session = Depends(db_session)) -> Response:
    if user is None:
        return login_redirect(request)
    check_role(user, VIEW_ROLES)
    area = area_store.get_area(session, area_id)
    if area is None or area.level != AreaLevel.REGSO:
        raise NotFound(f"No district with id {area_id}.", hint="See the list of districts at /areas.")
    day = today()
    last = last_complete_week(day)
    params = request.query_params
    flt = dashboard_filter(params, user)
    from dataclasses import replace

    flt = replace(flt, area_ids=(area.id,), area_types=(), start=last.end - timedelta(weeks=AREA_WEEKS), end=last.end)
    lb = build_lagesbild(session, flt, today=day)
    # survey figures stay with their edition: a district of a newer one shows those of the districts it succeeds
    related = [area.id, *edition_store.predecessor_ids(session, [area.id])]
    olds = edition_store.old_edition_of(session, related)
    names = {a.id: a.name for a in (area_store.get_area(session, i) for i in olds) if a is not None}
    surveys = survey_rows([r for i in related for r in survey_results(session, area_id=i)],
                          {i: (olds[i], names.get(i, "")) for i in olds})
    latest_year = max((s.year for s in surveys), default=None)
    group = meeting_store.get_group(session, area.est_group_id) if area.est_group_id else None
    activities = activities_for_area(session, area)
    running = {a.id for a in activities_for_area(session, area, on=day)}
    return render(request, "areas/area.html", {
        "area": area, "old_edition": olds.get(area.id, ""), "lb": lb,
        "summary": summary_texts(lb, language(request), taxonomy_of(user)),
        "weeks": AREA_WEEKS,
        "surveys": surveys, "latest_year": latest_year, "group": group, "activities": activities,
        "running": running, "actions": meeting_store.actions_in_areas(session, [area.id], limit=10),
        "hot": [c for c in lb.hot_cells if c.cls == "hot" and c.count > 0][:10],
        "map_data": {"area_id": area.id,
                     "hotspots": [{"ring": c.ring, "cls": c.cls, "count": c.count, "z": c.z} for c in lb.hot_cells],
                     "density": [{"level": b.level, "geometry": b.geometry} for b in lb.density]},
    })

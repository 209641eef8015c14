"""Follow-up: progress per activity and the yearly follow-up report.

The yearly report answers the question of the steering group a year later: *which measures went
with which changes?* For each focus area it sets the reports of its categories in its targeted
areas in the plan year against the year before (rate ratio with an exact 95 % interval), next to
the activities that served it, their status and indicator values, and the saved effect
evaluations of place-based measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from trygg.analysis.effect import rate_ratio_ci
from trygg.domain import clock
from trygg.domain.permissions import Permission, check
from trygg.errors import ValidationError
from trygg.plans.evidence import local_midnight
from trygg.plans.indicators import Reading, reading
from trygg.plans.inputs import ACTIVITY_STATUSES
from trygg.storage import audit
from trygg.storage import plans as store
from trygg.storage.reports import ReportFilter, count_reports
from trygg.storage.schema import ActionPlan, Activity, ActivityUpdate, FocusArea, Indicator, IndicatorValue, User
from trygg.storage.schema.plans_extra import EffectEvaluation


@dataclass(frozen=True)
class ActivityProgress:
    activity: Activity
    status: str
    updates: list[ActivityUpdate]
    readings: list[tuple[Indicator, Reading]]

    @property
    def last_note(self) -> str:
        return self.updates[-1].note if self.updates else ""


@dataclass(frozen=True)
class CountChange:
    category: str
    before: int
    after: int
    rate_ratio: float
    lower: float
    upper: float

    @property
    def significant(self) -> bool:
        return self.upper < 1 or self.lower > 1

    def as_dict(self) -> dict[str, Any]:
        return {"category": self.category, "before": self.before, "after": self.after,
                "rate_ratio": _r(self.rate_ratio), "lower": _r(self.lower), "upper": _r(self.upper),
                "significant": self.significant}


@dataclass(frozen=True)
class FocusFollowup:
    focus_area: FocusArea
    changes: list[CountChange]
    activities: list[ActivityProgress]


@dataclass(frozen=True)
class FollowupReport:
    plan: ActionPlan
    on: date
    year: int
    focus: list[FocusFollowup]
    unlinked: list[ActivityProgress]
    evaluations: list[EffectEvaluation]
    status_counts: dict[str, int]


def _r(v: float) -> float | None:
    return None if v != v else round(v, 3)


def record_update(session: Session, activity: Activity, user: User, status: str, note: str,
                  on: date | None = None) -> ActivityUpdate:
    """A status update with a note; also sets the activity's current status (allowed in any plan status)."""
    check(user, Permission.PLAN_EDIT)
    errors = {}
    if status not in ACTIVITY_STATUSES:
        errors["status"] = f"must be one of {', '.join(ACTIVITY_STATUSES)}"
    if len(note) > 5000:
        errors["note"] = "is longer than 5000 characters"
    if errors:
        raise ValidationError("The status update is not valid.", fields=errors)
    upd = store.add(session, ActivityUpdate(activity_id=activity.id, on_date=on or clock.today(),
                                            status=status, note=note.strip(), user_id=user.id))
    activity.status = status
    audit.record(session, user.id, "update", "activity_status", activity.id, {"status": status})
    session.flush()
    return upd


def record_value(session: Session, ind: Indicator, user: User, on: date, value: float,
                 note: str = "") -> IndicatorValue:
    check(user, Permission.PLAN_EDIT)
    if ind.source_kind != "manual":
        raise ValidationError("Only manual indicators take entered figures.",
                              fields={"value": f"this indicator is computed from {ind.source_kind} data"})
    row = store.add(session, IndicatorValue(indicator_id=ind.id, on_date=on, value=value, note=note.strip()))
    audit.record(session, user.id, "create", "indicator_value", row.id, {"indicator_id": ind.id})
    return row


def activity_progress(session: Session, plan: ActionPlan, on: date) -> list[ActivityProgress]:
    updates = store.activity_updates(session, [a.id for a in plan.activities])
    by_act: dict[int, list[ActivityUpdate]] = {}
    for u in updates:
        if u.on_date <= on:
            by_act.setdefault(u.activity_id, []).append(u)
    out = []
    for a in plan.activities:
        ups = by_act.get(a.id, [])
        out.append(ActivityProgress(a, ups[-1].status if ups else a.status, ups,
                                    [(ind, reading(session, ind, on)) for ind in a.indicators]))
    return out


def _same_day_year_before(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def focus_changes(session: Session, fa: FocusArea, year: int, on: date | None = None) -> list[CountChange]:
    """Reports of each category of the focus area: the plan year (up to `on`) against the year before."""
    start = date(year, 1, 1)
    end = min(on, date(year + 1, 1, 1)) if on else date(year + 1, 1, 1)
    if end <= start:
        return []
    ids = tuple(fa.target_area_ids or ())
    types = tuple(fa.target_area_types or ()) if not ids else ()
    out = []
    for c in fa.categories or []:
        counts = [count_reports(session, ReportFilter(start=local_midnight(lo), end=local_midnight(hi),
                                                      categories=(c,), area_ids=ids, area_types=types))
                  for lo, hi in ((start, end), (_same_day_year_before(start), _same_day_year_before(end)))]
        rr, lo_ci, hi_ci = rate_ratio_ci(counts[0], counts[1])
        out.append(CountChange(c, counts[1], counts[0], rr, lo_ci, hi_ci))
    return out


def yearly_report(session: Session, plan: ActionPlan, on: date | None = None) -> FollowupReport:
    """The follow-up report of `plan` as of `on` (default: the end of the plan year or today)."""
    today = clock.today()
    on = on or min(today, date(plan.year, 12, 31))
    progress = activity_progress(session, plan, on)
    by_id = {p.activity.id: p for p in progress}
    focus = [FocusFollowup(fa, focus_changes(session, fa, plan.year, on),
                           [by_id[a.id] for a in plan.activities if fa in a.focus_areas])
             for fa in plan.focus_areas]
    counts: dict[str, int] = {}
    for p in progress:
        counts[p.status] = counts.get(p.status, 0) + 1
    return FollowupReport(plan=plan, on=on, year=plan.year, focus=focus,
                          unlinked=[p for p in progress if not p.activity.focus_areas],
                          evaluations=store.list_evaluations(session, plan.id), status_counts=counts)


def report_json(r: FollowupReport) -> dict[str, Any]:
    def act(p: ActivityProgress) -> dict[str, Any]:
        return {"id": p.activity.id, "title": p.activity.title, "status": p.status, "last_note": p.last_note,
                "indicators": [{"id": i.id, "name": i.name, "baseline": i.baseline, "target": i.target,
                                "unit": i.unit, **rd.as_dict()} for i, rd in p.readings]}

    return {"plan_id": r.plan.id, "year": r.year, "on": r.on.isoformat(), "status_counts": r.status_counts,
            "focus_areas": [{"number": f.focus_area.number, "title": f.focus_area.title,
                             "changes": [c.as_dict() for c in f.changes],
                             "activities": [act(p) for p in f.activities]} for f in r.focus],
            "unlinked_activities": [act(p) for p in r.unlinked],
            "evaluations": [{"id": e.id, "title": e.title, **e.result.get("estimate", {})} for e in r.evaluations]}

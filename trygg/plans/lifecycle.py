"""The life of an action plan: draft → consultation → approved → signed → active → evaluated.

* A plan is edited only as a draft or under consultation. An approved plan is locked for
  signing (move it back to consultation to change it: the signatures made so far are removed).
* It becomes *signed* only through `trygg.plans.signing` when every signatory role has signed.
* A signed, active or evaluated plan is never edited (409): `amend` copies it into a new
  draft version (``previous_version_id``) that goes through the whole cycle again.
* Moving to *approved* while there are warnings needs ``acknowledge_warnings=True``.

Every change is written to the audit trail and every status step to the plan's status history.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from trygg.domain.enums import PlanStatus
from trygg.domain.personal_data import guard
from trygg.errors import Conflict, NotFound, ValidationError
from trygg.plans import evidence as ev
from trygg.plans.inputs import ActivityInput, FocusAreaInput, IndicatorInput, check_categories
from trygg.plans.warnings import plan_warnings, problems_from_evidence
from trygg.storage import audit
from trygg.storage import plans as store
from trygg.storage.categories import taxonomy
from trygg.storage.schema import ActionPlan, Activity, FocusArea, Indicator, User, utcnow

EDITABLE = frozenset({PlanStatus.DRAFT, PlanStatus.CONSULTATION})
FROZEN = frozenset({PlanStatus.SIGNED, PlanStatus.ACTIVE, PlanStatus.EVALUATED})
TRANSITIONS: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.CONSULTATION}),
    PlanStatus.CONSULTATION: frozenset({PlanStatus.DRAFT, PlanStatus.APPROVED}),
    PlanStatus.APPROVED: frozenset({PlanStatus.CONSULTATION}),
    PlanStatus.SIGNED: frozenset({PlanStatus.ACTIVE}),
    PlanStatus.ACTIVE: frozenset({PlanStatus.EVALUATED}),
    PlanStatus.EVALUATED: frozenset(),
}


def uid(user: User | None) -> int | None:
    return user.id if user is not None else None


def get_plan(session: Session, plan_id: int) -> ActionPlan:
    plan = store.get_plan(session, plan_id)
    if plan is None:
        raise NotFound(f"No action plan with id {plan_id}.", hint="List the plans at /plans.")
    return plan


def ensure_editable(plan: ActionPlan) -> None:
    if plan.status in EDITABLE:
        return
    if plan.status == PlanStatus.APPROVED:
        raise Conflict("The plan is approved and waiting for signatures; it cannot be edited.",
                       hint="Move it back to consultation to change it (signatures made so far are removed).")
    raise Conflict(f"The plan is {plan.status} and cannot be edited.",
                   hint="Make an amendment: it copies the plan into a new version that is signed again.")


def _touch(session: Session, plan: ActionPlan, user: User | None, action: str, what: str, obj_id: Any,
           detail: dict[str, Any] | None = None) -> None:
    audit.record(session, uid(user), action, what, obj_id, {"plan_id": plan.id, **(detail or {})})
    plan.updated_at = utcnow()
    session.flush()


def create_draft(session: Session, year: int, user: User | None, *, title: str = "", summary: str = "",
                 as_of: date | None = None, with_evidence: bool = True) -> ActionPlan:
    """A new draft plan for `year` with the lägesbild snapshot as of `as_of` (default: now)."""
    existing = store.latest_plan(session, year)
    if existing is not None:
        raise Conflict(f"There is already a plan for {year} (version {existing.version}, {existing.status}).",
                       hint="Edit that plan, or amend it if it is signed.")
    guard({"title": title, "summary": summary})
    snapshot = ev.snapshot(session, as_of or ev.data_as_of(session)) if with_evidence else None
    plan = ActionPlan(year=year, version=1, status=PlanStatus.DRAFT, evidence=snapshot,
                      title=title or f"Åtgärdsplan {year}", summary=summary)
    store.add(session, plan)
    store.add_status_change(session, plan.id, "", PlanStatus.DRAFT, uid(user), "created")
    audit.record(session, uid(user), "create", "action_plan", plan.id, {"year": year})
    return plan


def refresh_evidence(session: Session, plan: ActionPlan, user: User | None, as_of: date | None = None) -> None:
    """Take a new lägesbild snapshot (only while the plan may be edited)."""
    ensure_editable(plan)
    plan.evidence = ev.snapshot(session, as_of or ev.data_as_of(session))
    for fa in plan.focus_areas:
        fa.evidence = ev.focus_evidence(plan.evidence, fa.categories, fa.target_area_types)
    _touch(session, plan, user, "update", "action_plan", plan.id, {"evidence": plan.evidence["as_of"]})


def update_plan(session: Session, plan: ActionPlan, user: User | None, fields: dict[str, str]) -> None:
    ensure_editable(plan)
    guard(dict(fields))
    for key, value in fields.items():
        setattr(plan, key, value)
    _touch(session, plan, user, "update", "action_plan", plan.id, {"fields": sorted(fields)})


def _apply_focus(fa: FocusArea, data: FocusAreaInput, plan: ActionPlan) -> None:
    fa.title, fa.problem = data.title, data.problem
    fa.target_area_types = data.target_area_types or None
    fa.target_area_ids = data.target_area_ids or None
    fa.categories = data.categories or None
    fa.evidence = ev.focus_evidence(plan.evidence, data.categories, data.target_area_types)


def add_focus_area(session: Session, plan: ActionPlan, user: User | None, data: FocusAreaInput) -> FocusArea:
    ensure_editable(plan)
    check_categories(taxonomy(session), data)
    fa = FocusArea(number=max((f.number for f in plan.focus_areas), default=0) + 1, title=data.title)
    _apply_focus(fa, data, plan)
    plan.focus_areas.append(fa)
    session.flush()
    _touch(session, plan, user, "create", "focus_area", fa.id)
    return fa


def update_focus_area(session: Session, plan: ActionPlan, fa: FocusArea, user: User | None,
                      data: FocusAreaInput) -> None:
    ensure_editable(plan)
    check_categories(taxonomy(session), data)
    _apply_focus(fa, data, plan)
    _touch(session, plan, user, "update", "focus_area", fa.id)


def delete_focus_area(session: Session, plan: ActionPlan, fa: FocusArea, user: User | None) -> None:
    ensure_editable(plan)
    for a in plan.activities:
        if fa in a.focus_areas:
            a.focus_areas.remove(fa)
    plan.focus_areas.remove(fa)
    session.flush()
    _touch(session, plan, user, "delete", "focus_area", fa.id)


def find_focus_area(plan: ActionPlan, focus_area_id: int) -> FocusArea:
    for fa in plan.focus_areas:
        if fa.id == focus_area_id:
            return fa
    raise NotFound(f"Focus area {focus_area_id} is not part of plan {plan.id}.")


def find_activity(plan: ActionPlan, activity_id: int) -> Activity:
    for a in plan.activities:
        if a.id == activity_id:
            return a
    raise NotFound(f"Activity {activity_id} is not part of plan {plan.id}.")


def find_indicator(plan: ActionPlan, indicator_id: int) -> Indicator:
    for a in plan.activities:
        for ind in a.indicators:
            if ind.id == indicator_id:
                return ind
    raise NotFound(f"Indicator {indicator_id} is not part of plan {plan.id}.")


def _apply_activity(session: Session, plan: ActionPlan, a: Activity, data: ActivityInput) -> None:
    owners = store.organisations(session, data.owner_ids)
    errors: dict[str, str] = {}
    if len(owners) != len(data.owner_ids):
        errors["owner_ids"] = "unknown organisation"
    focus = [fa for fa in plan.focus_areas if fa.id in set(data.focus_area_ids)]
    if len(focus) != len(data.focus_area_ids):
        errors["focus_area_ids"] = "a focus area that is not part of this plan"
    if data.area_id is not None and data.area_id not in store.areas_by_id(session):
        errors["area_id"] = "unknown area"
    if errors:
        raise ValidationError("The activity is not valid.", fields=errors)
    a.title, a.description, a.kind = data.title, data.description, data.kind
    a.responsible_role, a.period_start, a.period_end = data.responsible_role, data.period_start, data.period_end
    a.area_id, a.status = data.area_id, data.status
    a.owners = owners
    a.focus_areas = focus


def add_activity(session: Session, plan: ActionPlan, user: User | None, data: ActivityInput) -> Activity:
    ensure_editable(plan)
    a = Activity(title=data.title, kind=data.kind)
    _apply_activity(session, plan, a, data)
    plan.activities.append(a)
    session.flush()
    _touch(session, plan, user, "create", "activity", a.id)
    return a


def update_activity(session: Session, plan: ActionPlan, a: Activity, user: User | None,
                    data: ActivityInput) -> None:
    ensure_editable(plan)
    _apply_activity(session, plan, a, data)
    _touch(session, plan, user, "update", "activity", a.id)


def delete_activity(session: Session, plan: ActionPlan, a: Activity, user: User | None) -> None:
    ensure_editable(plan)
    plan.activities.remove(a)
    session.flush()
    _touch(session, plan, user, "delete", "activity", a.id)


def _apply_indicator(ind: Indicator, data: IndicatorInput) -> None:
    for key in ("name", "source_kind", "category", "area_id", "survey_indicator", "baseline", "target", "unit"):
        setattr(ind, key, getattr(data, key))
    ind.area_types = data.area_types or None


def add_indicator(session: Session, plan: ActionPlan, a: Activity, user: User | None,
                  data: IndicatorInput) -> Indicator:
    ensure_editable(plan)
    check_categories(taxonomy(session), data)
    ind = Indicator(name=data.name, source_kind=data.source_kind)
    _apply_indicator(ind, data)
    a.indicators.append(ind)
    session.flush()
    _touch(session, plan, user, "create", "indicator", ind.id)
    return ind


def update_indicator(session: Session, plan: ActionPlan, ind: Indicator, user: User | None,
                     data: IndicatorInput) -> None:
    ensure_editable(plan)
    check_categories(taxonomy(session), data)
    _apply_indicator(ind, data)
    _touch(session, plan, user, "update", "indicator", ind.id)


def delete_indicator(session: Session, plan: ActionPlan, ind: Indicator, user: User | None) -> None:
    ensure_editable(plan)
    activity = ind.activity
    if activity is not None:
        activity.indicators.remove(ind)
    session.flush()
    _touch(session, plan, user, "delete", "indicator", ind.id)


def current_problems(session: Session) -> list[Any]:
    """The problems (increases, hot spots) of the lägesbild as of now."""
    return problems_from_evidence(ev.snapshot(session, ev.data_as_of(session)))


def transition(session: Session, plan: ActionPlan, to_status: str, user: User | None, *, note: str = "",
               acknowledge_warnings: bool = False, problems: list[Any] | None = None) -> None:
    """Move the plan one step in its lifecycle; refuse (409) what the lifecycle does not allow."""
    guard({"note": note})
    allowed = TRANSITIONS.get(plan.status, frozenset())
    if to_status == PlanStatus.SIGNED:
        raise Conflict("A plan becomes signed when every signatory role has signed it.",
                       hint="Ask the signatories to sign the approved plan.")
    if to_status not in allowed:
        nexts = ", ".join(sorted(allowed)) or "none"
        raise Conflict(f"A plan cannot go from {plan.status} to {to_status}.",
                       hint=f"From {plan.status} it can go to: {nexts}.")
    if to_status == PlanStatus.APPROVED and not acknowledge_warnings:
        found = plan_warnings(plan, problems if problems is not None else current_problems(session))
        if found:
            raise Conflict(f"The plan has {len(found)} warnings.",
                           hint="Resolve them or confirm that you have read them (acknowledge_warnings).",
                           details={"warnings": [w.as_dict() for w in found]})
    if plan.status == PlanStatus.APPROVED and to_status == PlanStatus.CONSULTATION:
        store.delete_signatures(session, plan.id)
    old = plan.status
    plan.status = to_status
    store.add_status_change(session, plan.id, old, to_status, uid(user), note)
    _touch(session, plan, user, "status", "action_plan", plan.id, {"from": old, "to": to_status})


def amend(session: Session, plan: ActionPlan, user: User | None, *, note: str = "") -> ActionPlan:
    """Copy a signed (or active/evaluated) plan into a new draft version."""
    guard({"note": note})
    if plan.status not in FROZEN:
        raise Conflict(f"Only a signed plan is amended; this one is {plan.status}.",
                       hint="Edit it directly.")
    if store.next_version(session, plan.id) is not None:
        raise Conflict("This version has already been amended.", hint="Open the newest version of the plan.")
    new = ActionPlan(year=plan.year, version=plan.version + 1, status=PlanStatus.DRAFT, title=plan.title,
                     summary=plan.summary, previous_version_id=plan.id, evidence=plan.evidence)
    copies: dict[int, FocusArea] = {}
    for fa in plan.focus_areas:
        copy = FocusArea(number=fa.number, title=fa.title, problem=fa.problem,
                         target_area_types=fa.target_area_types, target_area_ids=fa.target_area_ids,
                         categories=fa.categories, evidence=fa.evidence)
        new.focus_areas.append(copy)
        copies[fa.id] = copy
    for a in plan.activities:
        act = Activity(title=a.title, description=a.description, kind=a.kind, responsible_role=a.responsible_role,
                       period_start=a.period_start, period_end=a.period_end, status=a.status, area_id=a.area_id)
        act.owners = list(a.owners)
        act.focus_areas = [copies[fa.id] for fa in a.focus_areas if fa.id in copies]
        for ind in a.indicators:
            act.indicators.append(Indicator(
                name=ind.name, source_kind=ind.source_kind, category=ind.category, area_id=ind.area_id,
                area_types=ind.area_types, survey_indicator=ind.survey_indicator, baseline=ind.baseline,
                target=ind.target, unit=ind.unit))
        new.activities.append(act)
    store.add(session, new)
    store.add_status_change(session, new.id, "", PlanStatus.DRAFT, uid(user),
                            note or f"amendment of version {plan.version}")
    audit.record(session, uid(user), "amend", "action_plan", new.id, {"previous_version_id": plan.id})
    return new

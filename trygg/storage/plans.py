"""Reading and writing action plans, focus areas, activities, indicators, signatures and follow-up.

The only module that builds SQL for plans; the rules (what may change when) live in `trygg.plans`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from trygg.storage.schema import (
    ActionPlan,
    Activity,
    ActivityUpdate,
    Area,
    CitizenPromise,
    Indicator,
    IndicatorValue,
    Organisation,
    Place,
    PromiseCommitment,
    Report,
    SignatoryRole,
    Signature,
    SurveyResult,
    User,
)
from trygg.storage.schema.plans_extra import EffectEvaluation, PlanStatusChange

_PLAN_LOAD = (
    selectinload(ActionPlan.focus_areas),
    selectinload(ActionPlan.activities).selectinload(Activity.owners),
    selectinload(ActionPlan.activities).selectinload(Activity.focus_areas),
    selectinload(ActionPlan.activities).selectinload(Activity.indicators),
)


# --------------------------------------------------------------------------- plans

def list_plans(session: Session, year: int | None = None) -> list[ActionPlan]:
    q = select(ActionPlan).order_by(ActionPlan.year.desc(), ActionPlan.version.desc())
    if year is not None:
        q = q.where(ActionPlan.year == year)
    return list(session.scalars(q))


def get_plan(session: Session, plan_id: int) -> ActionPlan | None:
    return session.scalar(select(ActionPlan).where(ActionPlan.id == plan_id).options(*_PLAN_LOAD))


def latest_plan(session: Session, year: int) -> ActionPlan | None:
    """The newest version of the plan for `year`."""
    plan_id = session.scalar(select(ActionPlan.id).where(ActionPlan.year == year)
                             .order_by(ActionPlan.version.desc()).limit(1))
    return get_plan(session, plan_id) if plan_id is not None else None


def next_version(session: Session, plan_id: int) -> ActionPlan | None:
    """The amendment made from `plan_id`, if any."""
    return session.scalar(select(ActionPlan).where(ActionPlan.previous_version_id == plan_id))


def add(session: Session, obj: Any) -> Any:
    session.add(obj)
    session.flush()
    return obj


def delete(session: Session, obj: Any) -> None:
    session.delete(obj)
    session.flush()


def get_activity(session: Session, activity_id: int) -> Activity | None:
    return session.scalar(select(Activity).where(Activity.id == activity_id).options(
        selectinload(Activity.owners), selectinload(Activity.focus_areas), selectinload(Activity.indicators)))


def get_indicator(session: Session, indicator_id: int) -> Indicator | None:
    return session.get(Indicator, indicator_id)


def organisations(session: Session, ids: Sequence[int] | None = None) -> list[Organisation]:
    q = select(Organisation).order_by(Organisation.name)
    if ids is not None:
        q = q.where(Organisation.id.in_(list(ids)))
    return list(session.scalars(q))


def areas_by_id(session: Session) -> dict[int, Area]:
    return {a.id: a for a in session.scalars(select(Area))}


def users_by_id(session: Session, ids: Sequence[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(list(ids))))}


def list_places(session: Session) -> list[Place]:
    return list(session.scalars(select(Place).order_by(Place.name)))


def get_place(session: Session, ref: int | str) -> Place | None:
    if isinstance(ref, int) or str(ref).isdigit():
        return session.get(Place, int(ref))
    return session.scalar(select(Place).where(Place.name == ref))


def add_status_change(session: Session, plan_id: int, from_status: str, to_status: str,
                      user_id: int | None, note: str = "") -> PlanStatusChange:
    return add(session, PlanStatusChange(plan_id=plan_id, from_status=from_status, to_status=to_status,
                                         user_id=user_id, note=note))


def status_changes(session: Session, plan_id: int) -> list[PlanStatusChange]:
    return list(session.scalars(select(PlanStatusChange).where(PlanStatusChange.plan_id == plan_id)
                                .order_by(PlanStatusChange.id)))


# --------------------------------------------------------------------------- signing

def signatory_roles(session: Session) -> list[SignatoryRole]:
    return list(session.scalars(select(SignatoryRole).order_by(SignatoryRole.order, SignatoryRole.id)))


def get_signatory_role(session: Session, role_id: int) -> SignatoryRole | None:
    return session.get(SignatoryRole, role_id)


def signatory_role_by_title(session: Session, title: str) -> SignatoryRole | None:
    return session.scalar(select(SignatoryRole).where(SignatoryRole.title == title))


def role_has_signatures(session: Session, role_id: int) -> bool:
    return bool(session.scalar(select(func.count(Signature.id)).where(Signature.signatory_role_id == role_id)))


def signatures(session: Session, plan_id: int) -> list[Signature]:
    return list(session.scalars(select(Signature).where(Signature.plan_id == plan_id).order_by(Signature.id)))


def delete_signatures(session: Session, plan_id: int) -> int:
    rows = signatures(session, plan_id)
    for s in rows:
        session.delete(s)
    session.flush()
    return len(rows)


def signatory_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.signatory_title.is_not(None), User.active.is_(True))
                                .order_by(User.username)))


# --------------------------------------------------------------------------- follow-up

def activity_updates(session: Session, activity_ids: Sequence[int]) -> list[ActivityUpdate]:
    if not activity_ids:
        return []
    return list(session.scalars(select(ActivityUpdate).where(ActivityUpdate.activity_id.in_(list(activity_ids)))
                                .order_by(ActivityUpdate.on_date, ActivityUpdate.id)))


def indicator_values(session: Session, indicator_id: int, until: date | None = None) -> list[IndicatorValue]:
    q = select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id)
    if until is not None:
        q = q.where(IndicatorValue.on_date <= until)
    return list(session.scalars(q.order_by(IndicatorValue.on_date, IndicatorValue.id)))


def survey_years(session: Session, indicator: str, area_ids: Sequence[int] = (),
                 area_types: Sequence[int] = ()) -> list[tuple[int, float, int, str]]:
    """(year, answer-weighted mean, answers, scale) of a survey indicator over the chosen areas."""
    q = select(SurveyResult.year, func.sum(SurveyResult.value * SurveyResult.n), func.sum(SurveyResult.n),
               func.min(SurveyResult.scale)).where(SurveyResult.indicator == indicator)
    if area_ids:
        q = q.where(SurveyResult.area_id.in_(list(area_ids)))
    if area_types:
        q = q.where(SurveyResult.area_id.in_(select(Area.id).where(Area.area_type.in_(list(area_types)))))
    rows = session.execute(q.group_by(SurveyResult.year).order_by(SurveyResult.year)).all()
    return [(int(y), float(s) / float(n), int(n), str(sc)) for y, s, n, sc in rows if n]


def survey_indicator_names(session: Session) -> list[str]:
    return list(session.scalars(select(SurveyResult.indicator).distinct().order_by(SurveyResult.indicator)))


def report_time_range(session: Session) -> tuple[datetime | None, datetime | None]:
    lo, hi = session.execute(select(func.min(Report.occurred_from), func.max(Report.occurred_from))).one()
    return lo, hi


# --------------------------------------------------------------------------- promises

def list_promises(session: Session) -> list[CitizenPromise]:
    return list(session.scalars(select(CitizenPromise).order_by(CitizenPromise.year.desc(), CitizenPromise.id)))


def get_promise(session: Session, promise_id: int) -> CitizenPromise | None:
    return session.scalar(select(CitizenPromise).where(CitizenPromise.id == promise_id).options(
        selectinload(CitizenPromise.commitments).selectinload(PromiseCommitment.indicators)))


# --------------------------------------------------------------------------- effect evaluations

def get_evaluation(session: Session, evaluation_id: int) -> EffectEvaluation | None:
    return session.get(EffectEvaluation, evaluation_id)


def list_evaluations(session: Session, plan_id: int | None = None) -> list[EffectEvaluation]:
    q = select(EffectEvaluation).order_by(EffectEvaluation.created_at.desc(), EffectEvaluation.id.desc())
    if plan_id is not None:
        q = q.where(EffectEvaluation.plan_id == plan_id)
    return list(session.scalars(q))


def evidence_version(session: Session) -> tuple[Any, ...]:
    """What a plan's evidence (`trygg.plans.evidence.snapshot`) is computed from, as versions: the
    database, the reports' data version and the versions of the areas, categories, places and survey
    figures (`trygg.storage.versions`). Equal versions, equal evidence."""
    from trygg.storage import versions
    from trygg.storage.lagesbild import data_version

    return (versions.database_key(session), data_version(session),
            versions.current_many(session, versions.AREAS, versions.CATEGORIES, versions.PLACES, versions.SURVEYS))

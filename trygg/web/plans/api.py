"""The action plan API: the whole lifecycle — create, edit, link, move, sign, amend, compare, export.

Every write answers the plan (or the object) as JSON; a plan that may no longer be edited answers
409 with a hint; invalid fields answer 422 with field details.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from trygg.domain.permissions import Permission
from trygg.errors import NotFound
from trygg.notify import events
from trygg.plans import lifecycle, signing
from trygg.plans.diff import plan_diff
from trygg.plans.inputs import ActivityInput, FocusAreaInput, IndicatorInput, PlanCreate, PlanTransition, PlanUpdate
from trygg.plans.serialize import activity_json, focus_area_json, indicator_json, plan_json
from trygg.plans.suggestions import suggested_focus_areas
from trygg.plans.warnings import plan_warnings
from trygg.storage import plans as store
from trygg.storage.categories import taxonomy
from trygg.storage.schema import ActionPlan, User
from trygg.web.access import require_permission
from trygg.web.deps import db_session
from trygg.web.notify import mail_texts

view_user = require_permission(Permission.PLAN_VIEW)
edit_user = require_permission(Permission.PLAN_EDIT)
router = APIRouter(prefix="/api/v1", tags=["action plans"])
JSON = Body(...)  # a missing body is a 422 like any invalid one


def _plan(session: Session, plan_id: int) -> ActionPlan:
    return lifecycle.get_plan(session, plan_id)


def full(session: Session, plan: ActionPlan, *, with_evidence: bool = False) -> dict[str, Any]:
    nxt = store.next_version(session, plan.id)
    return plan_json(plan, signing.signature_lines(session, plan),
                     plan_warnings(plan, lifecycle.current_problems(session)),
                     next_version_id=nxt.id if nxt else None, with_evidence=with_evidence)


@router.get("/plans", summary="List action plans (every version)")
def list_plans(year: int | None = Query(None), user: User = Depends(view_user),
               session: Session = Depends(db_session)) -> dict[str, Any]:
    return {"plans": [{"id": p.id, "year": p.year, "version": p.version, "title": p.title, "status": p.status,
                       "previous_version_id": p.previous_version_id} for p in store.list_plans(session, year)]}


@router.post("/plans", status_code=201, summary="Create a draft plan from the current lägesbild",
)
def create_plan(body: PlanCreate = JSON, user: User = Depends(edit_user),
                session: Session = Depends(db_session)) -> dict[str, Any]:
    plan = lifecycle.create_draft(session, body.year, user, title=body.title, summary=body.summary, as_of=body.as_of)
    if body.suggest_focus_areas and plan.evidence:
        for fa in suggested_focus_areas(plan.evidence, taxonomy(session)):
            lifecycle.add_focus_area(session, plan, user, fa)
    session.commit()
    return full(session, _plan(session, plan.id))


@router.get("/plans/{plan_id}", summary="One plan with focus areas, activities, signatures and warnings")
def get_plan(plan_id: int, evidence: bool = Query(False, description="include the evidence snapshot"),
             user: User = Depends(view_user), session: Session = Depends(db_session)) -> dict[str, Any]:
    return full(session, _plan(session, plan_id), with_evidence=evidence)


@router.patch("/plans/{plan_id}", summary="Change title or summary (draft or consultation only)")
def patch_plan(plan_id: int, body: PlanUpdate = JSON, user: User = Depends(edit_user),
               session: Session = Depends(db_session)) -> dict[str, Any]:
    plan = _plan(session, plan_id)
    lifecycle.update_plan(session, plan, user, body.changes())
    session.commit()
    return full(session, plan)


@router.get("/plans/{plan_id}/warnings", summary="The plan's warnings")
def warnings(plan_id: int, user: User = Depends(view_user), session: Session = Depends(db_session)) -> dict[str, Any]:
    plan = _plan(session, plan_id)
    return {"warnings": [w.as_dict() for w in plan_warnings(plan, lifecycle.current_problems(session))]}


@router.post("/plans/{plan_id}/evidence", summary="Take a new lägesbild snapshot (draft or consultation)")
def refresh(plan_id: int, user: User = Depends(edit_user), session: Session = Depends(db_session)) -> dict[str, Any]:
    plan = _plan(session, plan_id)
    lifecycle.refresh_evidence(session, plan, user)
    session.commit()
    return full(session, plan, with_evidence=True)


@router.post("/plans/{plan_id}/focus-areas", status_code=201, summary="Add a focus area")
def add_focus_area(plan_id: int, body: FocusAreaInput = JSON, user: User = Depends(edit_user),
                   session: Session = Depends(db_session)) -> dict[str, Any]:
    plan = _plan(session, plan_id)
    fa = lifecycle.add_focus_area(session, plan, user, body)
    session.commit()
    return focus_area_json(fa)


@router.put("/plans/{plan_id}/focus-areas/{fa_id}", summary="Replace a focus area")
def put_focus_area(plan_id: int, fa_id: int, body: FocusAreaInput = JSON, user: User = Depends(edit_user),
                   session: Session = Depends(db_session)) -> dict[str, Any]:
    plan = _plan(session, plan_id)
    fa = lifecycle.find_focus_area(plan, fa_id)
    lifecycle.update_focus_area(session, plan, fa, user, body)
    session.commit()
    return focus_area_json(fa)


@router.delete("/plans/{plan_id}/focus-areas/{fa_id}", status_code=204, summary="Delete a focus area")
def delete_focus_area(plan_id: int, fa_id: int, user: User = Depends(edit_user),
                      session: Session = Depends(db_session)) -> Response:
    plan = _plan(session, plan_id)
    lifecycle.delete_focus_area(session, plan, lifecycle.find_focus_area(plan, fa_id), user)
    session.commit()
    return Response(status_code=204)


@router.post("/plans/{plan_id}/activities", status_code=201, summary="Add an activity linked to focus areas")
def add_activity(plan_id: int, body: ActivityInput = JSON, user: User = Depends(edit_user),
                 session: Session = Depends(db_session)) -> dict[str, Any]:
    plan = _plan(session, plan_id)
    act = lifecycle.add_activity(session, plan, user, body)
    session.commit()
    return activity_json(act)


@router.put("/plans/{plan_id}/activities/{activity_id}", summary="Replace an activity")
def put_activity(plan_id: int, activity_id: int, body: ActivityInput = JSON, user: User = Depends(edit_user),
                 session: Session = Depends(db_session)) -> dict[str, Any]:
    plan = _plan(session, plan_id)
    act = lifecycle.find_activity(plan, activity_id)
    lifecycle.update_activity(session, plan, act, user, body)
    session.commit()
    return activity_json(act)


@router.delete("/plans/{plan_id}/activities/{activity_id}", status_code=204, summary="Delete an activity")
def delete_activity(plan_id: int, activity_id: int, user: User = Depends(edit_user),
                    session: Session = Depends(db_session)) -> Response:
    plan = _plan(session, plan_id)
    lifecycle.delete_activity(session, plan, lifecycle.find_activity(plan, activity_id), user)
    session.commit()
    return Response(status_code=204)


@router.post("/plans/{plan_id}/activities/{activity_id}/indicators", status_code=201, summary="Add an indicator")
def add_indicator(plan_id: int, activity_id: int, body: IndicatorInput = JSON, user: User = Depends(edit_user),
                  session: Session = Depends(db_session)) -> dict[str, Any]:
    plan = _plan(session, plan_id)
    ind = lifecycle.add_indicator(session, plan, lifecycle.find_activity(plan, activity_id), user,
                                  body)
    session.commit()
    return indicator_json(ind)


@router.put("/plans/{plan_id}/indicators/{indicator_id}", summary="Replace an indicator")
def put_indicator(plan_id: int, indicator_id: int, body: IndicatorInput = JSON, user: User = Depends(edit_user),
                  session: Session = Depends(db_session)) -> dict[str, Any]:
    plan = _plan(session, plan_id)
    ind = lifecycle.find_indicator(plan, indicator_id)
    lifecycle.update_indicator(session, plan, ind, user, body)
    session.commit()
    return indicator_json(ind)


@router.delete("/plans/{plan_id}/indicators/{indicator_id}", status_code=204, summary="Delete an indicator")
def delete_indicator(plan_id: int, indicator_id: int, user: User = Depends(edit_user),
                     session: Session = Depends(db_session)) -> Response:
    plan = _plan(session, plan_id)
    lifecycle.delete_indicator(session, plan, lifecycle.find_indicator(plan, indicator_id), user)
    session.commit()
    return Response(status_code=204)


@router.post("/plans/{plan_id}/status", summary="Move the plan in its lifecycle")
def status(plan_id: int, request: Request, body: PlanTransition = JSON, user: User = Depends(edit_user),
           session: Session = Depends(db_session)) -> dict[str, Any]:
    plan = _plan(session, plan_id)
    lifecycle.transition(session, plan, body.to, user, note=body.note, acknowledge_warnings=body.acknowledge_warnings)
    if plan.status == "approved":  # the signatories are told in the same transaction
        events.plan_ready_to_sign(session, plan.id, plan.title, mail_texts(request))
    session.commit()
    return full(session, plan)


@router.post("/plans/{plan_id}/sign", summary="Sign the approved plan for your signatory role")
def sign(plan_id: int, user: User = Depends(require_permission(Permission.PLAN_SIGN)),
         session: Session = Depends(db_session)) -> dict[str, Any]:
    plan = _plan(session, plan_id)
    signing.sign(session, plan, user)
    session.commit()
    return full(session, plan)


@router.post("/plans/{plan_id}/amend", status_code=201, summary="Amend a signed plan: a new draft version")
def amend(plan_id: int, user: User = Depends(edit_user), session: Session = Depends(db_session)) -> dict[str, Any]:
    new = lifecycle.amend(session, _plan(session, plan_id), user)
    session.commit()
    return full(session, _plan(session, new.id))


@router.get("/plans/{plan_id}/diff", summary="Differences from another version (default: the previous one)")
def diff(plan_id: int, against: int | None = Query(None), user: User = Depends(view_user),
         session: Session = Depends(db_session)) -> dict[str, Any]:
    plan = _plan(session, plan_id)
    other_id = against or plan.previous_version_id
    if other_id is None:
        raise NotFound("This plan has no earlier version to compare with.")
    other = _plan(session, other_id)
    if other.year != plan.year:
        raise NotFound("Only versions of the same year's plan are compared.")
    old, new = (other, plan) if other.version < plan.version else (plan, other)
    return {"from": {"id": old.id, "version": old.version}, "to": {"id": new.id, "version": new.version},
            "changes": [c.as_dict() for c in plan_diff(old, new)]}


@router.get("/plans/{plan_id}/export", summary="The plan document as PDF or HTML",
            description="format=pdf|html, lang=sv|en, document=plan|followup.")
def export(plan_id: int, request: Request, format: str = Query("pdf"), document: str = Query("plan"),
           user: User = Depends(view_user), session: Session = Depends(db_session)) -> Response:
    from trygg.web.plans.documents import followup_document, plan_document

    plan = _plan(session, plan_id)
    if document == "followup":
        return followup_document(request, session, plan, format)
    return plan_document(request, session, plan, format)


@router.get("/signatory-roles", summary="The configured signatory roles")
def roles(user: User = Depends(view_user), session: Session = Depends(db_session)) -> dict[str, Any]:
    return {"roles": [{"id": r.id, "title": r.title, "organisation_id": r.organisation_id, "order": r.order}
                      for r in store.signatory_roles(session)]}

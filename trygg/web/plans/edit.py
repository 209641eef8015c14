"""Editing a plan in the browser: focus areas, activities (each linked to focus areas) and indicators.

Every write goes through `trygg.plans.lifecycle`, which refuses (409) to change a plan that is
approved, signed, active or evaluated.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trygg.plans import lifecycle
from trygg.plans.inputs import activity_input, focus_area_input, indicator_input
from trygg.storage.schema import User
from trygg.web.blocking import read_form
from trygg.web.deps import db_session
from trygg.web.plans.pages import back, edit_user, form_dict, get_plan, plan_context, view_user
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)


@router.post("/plans/{plan_id}/focus-areas")
def add_focus_area(plan_id: int, request: Request, user: User = Depends(edit_user),
                   session: Session = Depends(db_session),
                   form: FormData = Depends(read_form)) -> Response:
    plan = get_plan(session, plan_id)
    lifecycle.add_focus_area(session, plan, user, focus_area_input(form_dict(form)))
    session.commit()
    return back(f"/plans/{plan.id}", "focus_area")


@router.get("/plans/{plan_id}/focus-areas/{fa_id}")
def focus_area_page(plan_id: int, fa_id: int, request: Request, user: User = Depends(view_user),
                    session: Session = Depends(db_session)) -> Response:
    plan = get_plan(session, plan_id)
    ctx = plan_context(request, session, plan, user)
    ctx["fa"] = lifecycle.find_focus_area(plan, fa_id)
    return render(request, "plans/focus_area.html", ctx)


@router.post("/plans/{plan_id}/focus-areas/{fa_id}/edit")
def edit_focus_area(plan_id: int, fa_id: int, request: Request, user: User = Depends(edit_user),
                    session: Session = Depends(db_session),
                    form: FormData = Depends(read_form)) -> Response:
    plan = get_plan(session, plan_id)
    fa = lifecycle.find_focus_area(plan, fa_id)
    lifecycle.update_focus_area(session, plan, fa, user, focus_area_input(form_dict(form)))
    session.commit()
    return back(f"/plans/{plan.id}", "focus_area")


@router.post("/plans/{plan_id}/focus-areas/{fa_id}/delete")
def delete_focus_area(plan_id: int, fa_id: int, user: User = Depends(edit_user),
                      session: Session = Depends(db_session)) -> Response:
    plan = get_plan(session, plan_id)
    lifecycle.delete_focus_area(session, plan, lifecycle.find_focus_area(plan, fa_id), user)
    session.commit()
    return back(f"/plans/{plan.id}", "deleted")


@router.post("/plans/{plan_id}/activities")
def add_activity(plan_id: int, request: Request, user: User = Depends(edit_user),
                 session: Session = Depends(db_session),
                 form: FormData = Depends(read_form)) -> Response:
    plan = get_plan(session, plan_id)
    act = lifecycle.add_activity(session, plan, user, activity_input(form_dict(form)))
    session.commit()
    return back(f"/plans/{plan.id}/activities/{act.id}", "activity")


@router.get("/plans/{plan_id}/activities/{activity_id}")
def activity_page(plan_id: int, activity_id: int, request: Request, user: User = Depends(view_user),
                  session: Session = Depends(db_session)) -> Response:
    plan = get_plan(session, plan_id)
    ctx = plan_context(request, session, plan, user)
    ctx["activity"] = lifecycle.find_activity(plan, activity_id)
    return render(request, "plans/activity.html", ctx)


@router.post("/plans/{plan_id}/activities/{activity_id}/edit")
def edit_activity(plan_id: int, activity_id: int, request: Request, user: User = Depends(edit_user),
                  session: Session = Depends(db_session),
                  form: FormData = Depends(read_form)) -> Response:
    plan = get_plan(session, plan_id)
    act = lifecycle.find_activity(plan, activity_id)
    lifecycle.update_activity(session, plan, act, user, activity_input(form_dict(form)))
    session.commit()
    return back(f"/plans/{plan.id}/activities/{act.id}", "activity")


@router.post("/plans/{plan_id}/activities/{activity_id}/delete")
def delete_activity(plan_id: int, activity_id: int, user: User = Depends(edit_user),
                    session: Session = Depends(db_session)) -> Response:
    plan = get_plan(session, plan_id)
    lifecycle.delete_activity(session, plan, lifecycle.find_activity(plan, activity_id), user)
    session.commit()
    return back(f"/plans/{plan.id}", "deleted")


@router.post("/plans/{plan_id}/activities/{activity_id}/indicators")
def add_indicator(plan_id: int, activity_id: int, request: Request, user: User = Depends(edit_user),
                  session: Session = Depends(db_session),
                  form: FormData = Depends(read_form)) -> Response:
    plan = get_plan(session, plan_id)
    act = lifecycle.find_activity(plan, activity_id)
    lifecycle.add_indicator(session, plan, act, user, indicator_input(form_dict(form)))
    session.commit()
    return back(f"/plans/{plan.id}/activities/{act.id}", "indicator")


@router.post("/plans/{plan_id}/indicators/{indicator_id}/edit")
def edit_indicator(plan_id: int, indicator_id: int, request: Request, user: User = Depends(edit_user),
                   session: Session = Depends(db_session),
                   form: FormData = Depends(read_form)) -> Response:
    plan = get_plan(session, plan_id)
    ind = lifecycle.find_indicator(plan, indicator_id)
    lifecycle.update_indicator(session, plan, ind, user, indicator_input(form_dict(form)))
    session.commit()
    return back(f"/plans/{plan.id}/activities/{ind.activity_id}", "indicator")


@router.post("/plans/{plan_id}/indicators/{indicator_id}/delete")
def delete_indicator(plan_id: int, indicator_id: int, user: User = Depends(edit_user),
                     session: Session = Depends(db_session)) -> Response:
    plan = get_plan(session, plan_id)
    ind = lifecycle.find_indicator(plan, indicator_id)
    activity_id = ind.activity_id
    lifecycle.delete_indicator(session, plan, ind, user)
    session.commit()
    return back(f"/plans/{plan.id}/activities/{activity_id}", "deleted")

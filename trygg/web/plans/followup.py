"""Follow-up pages: indicators at any date, activity status updates, the yearly follow-up report,
the årshjul and the effect evaluation of place-based measures (form, result page with chart)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trygg.domain import clock
from trygg.domain.permissions import Permission, may, roles_for
from trygg.errors import NotFound, ValidationError
from trygg.plans import evaluate, followup, lifecycle
from trygg.plans.calendar import year_wheel
from trygg.reports import plan_charts
from trygg.storage import plans as store
from trygg.storage.categories import taxonomy
from trygg.storage.schema import User
from trygg.web.access import require_permission
from trygg.web.blocking import read_form
from trygg.web.deps import db_session, language
from trygg.web.i18n import gettext_for
from trygg.web.nav import register_nav
from trygg.web.plans.pages import back, edit_user, form_dict, get_plan, view_user
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
analyst = require_permission(Permission.PLAN_EDIT)
register_nav("/followup", "Follow-up", roles_for(Permission.PLAN_VIEW), order=61)


def parse_day(raw: str | None, field: str = "on") -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError("The date is not valid.", fields={field: f"{raw!r} is not a date (YYYY-MM-DD)"}) from None


@router.get("/followup")
def followup_home(request: Request, user: User = Depends(view_user),
                  session: Session = Depends(db_session)) -> Response:
    return render(request, "followup/index.html", {"plans": store.list_plans(session),
                                                   "evaluations": store.list_evaluations(session)})


@router.get("/followup/plans/{plan_id}")
def followup_page(plan_id: int, request: Request, user: User = Depends(view_user),
                  session: Session = Depends(db_session)) -> Response:
    plan = get_plan(session, plan_id)
    on = parse_day(request.query_params.get("on"))
    report = followup.yearly_report(session, plan, on)
    return render(request, "followup/plan.html", {
        "plan": plan, "report": report, "manager": may(user, Permission.PLAN_EDIT),
        "saved": request.query_params.get("saved", ""), "today": clock.today()})


@router.post("/followup/plans/{plan_id}/activities/{activity_id}/updates")
def add_update(plan_id: int, activity_id: int, request: Request, user: User = Depends(edit_user),
               session: Session = Depends(db_session),
               form: FormData = Depends(read_form)) -> Response:
    plan = get_plan(session, plan_id)
    act = lifecycle.find_activity(plan, activity_id)
    data = form_dict(form)
    followup.record_update(session, act, user, str(data.get("status", "")), str(data.get("note", "")),
                           parse_day(str(data.get("on_date") or ""), "on_date"))
    session.commit()
    return back(f"/followup/plans/{plan.id}", "update")


@router.post("/followup/plans/{plan_id}/indicators/{indicator_id}/values")
def add_value(plan_id: int, indicator_id: int, request: Request, user: User = Depends(edit_user),
              session: Session = Depends(db_session),
              form: FormData = Depends(read_form)) -> Response:
    plan = get_plan(session, plan_id)
    ind = lifecycle.find_indicator(plan, indicator_id)
    data = form_dict(form)
    try:
        value = float(str(data.get("value", "")).replace(",", "."))
    except ValueError:
        raise ValidationError("The figure is not valid.", fields={"value": "is not a number"}) from None
    on = parse_day(str(data.get("on_date") or ""), "on_date") or clock.today()
    followup.record_value(session, ind, user, on, value, str(data.get("note", "")))
    session.commit()
    return back(f"/followup/plans/{plan.id}", "value")


@router.get("/followup/plans/{plan_id}/calendar")
def calendar_page(plan_id: int, request: Request, user: User = Depends(view_user),
                  session: Session = Depends(db_session)) -> Response:
    plan = get_plan(session, plan_id)
    wheel = year_wheel(session, plan)
    lang = language(request)
    tax = taxonomy(session)
    names = {f"{d.month}-{d.day}": ", ".join(tax.label(c, lang) for c in d.categories) for d in wheel.days}
    return render(request, "followup/calendar.html", {"plan": plan, "wheel": wheel, "day_names": names})


@router.get("/followup/plans/{plan_id}/report.{fmt}")
def followup_report(plan_id: int, fmt: str, request: Request, user: User = Depends(view_user),
                    session: Session = Depends(db_session)) -> Response:
    from trygg.web.plans.documents import followup_document

    return followup_document(request, session, get_plan(session, plan_id), fmt)


@router.get("/followup/evaluations")
def evaluations_page(request: Request, user: User = Depends(view_user),
                     session: Session = Depends(db_session)) -> Response:
    plans = store.list_plans(session)
    return render(request, "followup/evaluations.html", {
        "evaluations": store.list_evaluations(session), "places": store.list_places(session),
        "all_categories": taxonomy(session).active, "plans": plans, "analyst": may(user, Permission.PLAN_EDIT),
        "activities": [(p, a) for p in plans for a in p.activities]})


@router.post("/followup/evaluations")
def create_evaluation(request: Request, user: User = Depends(analyst),
                      session: Session = Depends(db_session),
                      form: FormData = Depends(read_form)) -> Response:
    data = form_dict(form)
    if data.get("activity"):  # "plan_id:activity_id" from one select
        plan_id, _, activity_id = str(data["activity"]).partition(":")
        data["plan_id"], data["activity_id"] = plan_id, activity_id
    row = evaluate.evaluate_and_save(session, evaluate.parse_input(session, data), user)
    session.commit()
    return back(f"/followup/evaluations/{row.id}")


@router.get("/followup/evaluations/{evaluation_id}")
def evaluation_page(evaluation_id: int, request: Request, user: User = Depends(view_user),
                    session: Session = Depends(db_session)) -> Response:
    row = store.get_evaluation(session, evaluation_id)
    if row is None:
        raise NotFound(f"No effect evaluation with id {evaluation_id}.")
    r = row.result
    rows = list(zip(r["months"], r["treated"], r["comparison"], r["after"], strict=True))
    return render(request, "followup/evaluation.html", {"e": row, "r": r, "est": r["estimate"], "rows": rows})


@router.get("/followup/evaluations/{evaluation_id}/chart.png")
def evaluation_chart(evaluation_id: int, request: Request, user: User = Depends(view_user),
                     session: Session = Depends(db_session)) -> Response:
    row = store.get_evaluation(session, evaluation_id)
    if row is None:
        raise NotFound(f"No effect evaluation with id {evaluation_id}.")
    _ = gettext_for(language(request))
    r = row.result
    png = plan_charts.evaluation_chart(r["months"], r["treated"], r["comparison"], r["after"],
                                       treated_label=_("Treated area"),
                                       comparison_label=_("Comparison areas (scaled)"),
                                       start_label=_("Start of the measure"))
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})

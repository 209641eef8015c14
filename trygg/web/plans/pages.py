"""Action plan pages: list, draft from the lägesbild, the plan with its warnings, lifecycle, signing,
amendments and version comparison, exports, and the signatory roles.

Editing of focus areas, activities and indicators is in `trygg.web.plans.edit`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trygg.domain.enums import ActivityKind, PlanStatus, Role
from trygg.domain.permissions import Permission, may, roles_for
from trygg.errors import NotFound, ValidationError
from trygg.notify import events
from trygg.plans import lifecycle, signing
from trygg.plans.diff import plan_diff
from trygg.plans.evidence import GROUPS, SURVEY_LABELS
from trygg.plans.inputs import ACTIVITY_STATUSES, SOURCE_KINDS, PlanCreate, plan_fields
from trygg.plans.suggestions import suggested_focus_areas
from trygg.plans.warnings import plan_warnings
from trygg.storage import plans as store
from trygg.storage.categories import taxonomy
from trygg.storage.schema import ActionPlan, User
from trygg.web.access import require_permission
from trygg.web.blocking import read_form
from trygg.web.deps import db_session, language
from trygg.web.i18n import gettext_for
from trygg.web.nav import register_nav
from trygg.web.notify import mail_texts
from trygg.web.plans.labels import LABELS
from trygg.web.templating import render, templates

router = APIRouter(include_in_schema=False)
templates.env.globals.setdefault("plan_labels", LABELS)
register_nav("/plans", "Action plans", roles_for(Permission.PLAN_VIEW), order=60)

LIST_FIELDS = frozenset({"owner_ids", "focus_area_ids", "categories", "target_area_types", "target_area_ids",
                         "area_types", "comparison"})

view_user = require_permission(Permission.PLAN_VIEW)
edit_user = require_permission(Permission.PLAN_EDIT)


def form_dict(form: FormData) -> dict[str, Any]:
    """The posted form (read by the `read_form` dependency) as a dict; fields that may repeat become lists."""
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        out[key] = values if key in LIST_FIELDS else (values[-1] if values else "")
    return out


def back(url: str, note: str = "") -> RedirectResponse:
    return RedirectResponse(url + (f"?saved={note}" if note else ""), status_code=303)


def get_plan(session: Session, plan_id: int) -> ActionPlan:
    return lifecycle.get_plan(session, plan_id)


def can_edit(user: User, plan: ActionPlan) -> bool:
    return may(user, Permission.PLAN_EDIT) and plan.status in lifecycle.EDITABLE


def plan_context(request: Request, session: Session, plan: ActionPlan, user: User) -> dict[str, Any]:
    lang = language(request)
    _ = gettext_for(lang)
    problems = lifecycle.current_problems(session)
    warnings = plan_warnings(plan, problems, taxonomy(session).labels(lang))
    lines = signing.signature_lines(session, plan)
    my_line = None
    if user.role == Role.SIGNATORY and plan.status == PlanStatus.APPROVED:
        my_line = next((ln for ln in lines if ln.role.title == user.signatory_title and ln.signature is None), None)
    areas = store.areas_by_id(session)
    return {
        "plan": plan, "warnings": [(w, _(w.message, **w.params)) for w in warnings],
        "lines": lines, "my_line": my_line, "editable": can_edit(user, plan),
        "manager": may(user, Permission.PLAN_EDIT),
        "transitions": sorted(lifecycle.TRANSITIONS.get(plan.status, frozenset())),
        "next_version": store.next_version(session, plan.id), "history": store.status_changes(session, plan.id),
        "areas": areas, "regsos": sorted((a for a in areas.values() if a.level == "regso"), key=lambda a: a.name),
        "organisations": store.organisations(session), "all_categories": taxonomy(session).active,
        "kinds": [str(k) for k in ActivityKind], "statuses": ACTIVITY_STATUSES, "source_kinds": SOURCE_KINDS,
        "survey_labels": SURVEY_LABELS, "survey_names": store.survey_indicator_names(session),
        "evidence": plan.evidence or {}, "groups": GROUPS, "saved": request.query_params.get("saved", ""),
    }


@router.get("/plans")
def list_plans(request: Request, user: User = Depends(view_user), session: Session = Depends(db_session)) -> Response:
    plans = store.list_plans(session)
    latest: dict[int, int] = {}
    for p in plans:
        latest.setdefault(p.year, p.id)
    years = [p.year for p in plans]
    return render(request, "plans/list.html", {
        "plans": plans, "latest": latest, "manager": may(user, Permission.PLAN_EDIT),
        "next_year": (max(years) + 1) if years else 2023, "promises": store.list_promises(session)})


@router.post("/plans")
def create_plan(request: Request, user: User = Depends(edit_user),
                session: Session = Depends(db_session),
                form: FormData = Depends(read_form)) -> Response:
    data = form_dict(form)
    new = PlanCreate.model_validate({k: v for k, v in data.items() if k != "as_of"})
    plan = lifecycle.create_draft(session, new.year, user, title=new.title, summary=new.summary)
    if data.get("suggest") and plan.evidence:
        for fa in suggested_focus_areas(plan.evidence, taxonomy(session)):
            lifecycle.add_focus_area(session, plan, user, fa)
    session.commit()
    return back(f"/plans/{plan.id}", "created")


@router.get("/plans/signatories")
def signatories_page(request: Request, user: User = Depends(view_user),
                     session: Session = Depends(db_session)) -> Response:
    return render(request, "plans/signatories.html", {
        "roles": store.signatory_roles(session), "users": store.signatory_users(session),
        "organisations": store.organisations(session), "admin": user.role == Role.ADMIN})


@router.post("/plans/signatories")
def add_signatory_role(request: Request, user: User = Depends(require_permission(Permission.ADMIN)),
                       session: Session = Depends(db_session),
                       form: FormData = Depends(read_form)) -> Response:
    data = form_dict(form)
    org = data.get("organisation_id") or ""
    order = data.get("order") or "0"
    if not str(order).isdigit():
        raise ValidationError("The signatory role is not valid.", fields={"order": "is not a whole number"})
    signing.add_role(session, str(data.get("title", "")), int(org) if str(org).isdigit() else None, int(order), user)
    session.commit()
    return back("/plans/signatories", "role")


@router.post("/plans/signatories/{role_id}/delete")
def delete_signatory_role(role_id: int, user: User = Depends(require_permission(Permission.ADMIN)),
                          session: Session = Depends(db_session)) -> Response:
    signing.delete_role(session, role_id, user)
    session.commit()
    return back("/plans/signatories", "deleted")


@router.get("/plans/{plan_id}")
def plan_page(plan_id: int, request: Request, user: User = Depends(view_user),
              session: Session = Depends(db_session)) -> Response:
    plan = get_plan(session, plan_id)
    return render(request, "plans/view.html", plan_context(request, session, plan, user))


@router.post("/plans/{plan_id}/edit")
def edit_plan(plan_id: int, request: Request, user: User = Depends(edit_user),
              session: Session = Depends(db_session),
              form: FormData = Depends(read_form)) -> Response:
    plan = get_plan(session, plan_id)
    lifecycle.update_plan(session, plan, user, plan_fields(form_dict(form), require_title=True))
    session.commit()
    return back(f"/plans/{plan.id}", "plan")


@router.post("/plans/{plan_id}/evidence")
def refresh_evidence(plan_id: int, user: User = Depends(edit_user), session: Session = Depends(db_session)) -> Response:
    plan = get_plan(session, plan_id)
    lifecycle.refresh_evidence(session, plan, user)
    session.commit()
    return back(f"/plans/{plan.id}", "evidence")


@router.post("/plans/{plan_id}/status")
def change_status(plan_id: int, request: Request, user: User = Depends(edit_user),
                  session: Session = Depends(db_session),
                  form: FormData = Depends(read_form)) -> Response:
    plan = get_plan(session, plan_id)
    data = form_dict(form)
    lifecycle.transition(session, plan, str(data.get("to", "")), user, note=str(data.get("note", ""))[:500],
                         acknowledge_warnings=bool(data.get("acknowledge_warnings")))
    if plan.status == "approved":  # the signatories are told in the same transaction
        events.plan_ready_to_sign(session, plan.id, plan.title, mail_texts(request))
    session.commit()
    return back(f"/plans/{plan.id}", "status")


@router.post("/plans/{plan_id}/sign")
def sign_plan(plan_id: int, user: User = Depends(require_permission(Permission.PLAN_SIGN)),
              session: Session = Depends(db_session)) -> Response:
    plan = get_plan(session, plan_id)
    signing.sign(session, plan, user)
    session.commit()
    return back(f"/plans/{plan.id}", "signed")


@router.post("/plans/{plan_id}/amend")
def amend_plan(plan_id: int, user: User = Depends(edit_user), session: Session = Depends(db_session)) -> Response:
    plan = get_plan(session, plan_id)
    new = lifecycle.amend(session, plan, user)
    session.commit()
    return back(f"/plans/{new.id}", "amended")


@router.get("/plans/{plan_id}/diff")
def diff_page(plan_id: int, request: Request, user: User = Depends(view_user),
              session: Session = Depends(db_session)) -> Response:
    plan = get_plan(session, plan_id)
    against = request.query_params.get("against", "")
    other_id = int(against) if against.isdigit() else plan.previous_version_id
    if other_id is None:
        raise NotFound("This plan has no earlier version to compare with.")
    other = get_plan(session, other_id)
    if other.year != plan.year:
        raise NotFound("Only versions of the same year's plan are compared.")
    old, new = (other, plan) if other.version < plan.version else (plan, other)
    return render(request, "plans/diff.html", {"old": old, "new": new, "changes": plan_diff(old, new),
                                               "versions": store.list_plans(session, plan.year)})


@router.get("/plans/{plan_id}/export.{fmt}")
def export_plan(plan_id: int, fmt: str, request: Request, user: User = Depends(view_user),
                session: Session = Depends(db_session)) -> Response:
    from trygg.web.plans.documents import plan_document

    return plan_document(request, session, get_plan(session, plan_id), fmt)

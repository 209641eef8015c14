"""Citizen promise pages: editing for partners, and a public page per promise (no login)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trygg.domain import clock
from trygg.domain.permissions import Permission, may
from trygg.errors import ValidationError
from trygg.plans import promise as promises
from trygg.plans.evidence import SURVEY_LABELS
from trygg.plans.inputs import PARTIES, SOURCE_KINDS, indicator_input
from trygg.storage import plans as store
from trygg.storage.categories import taxonomy
from trygg.storage.schema import User
from trygg.web.blocking import read_form
from trygg.web.deps import db_session
from trygg.web.nav import register_nav
from trygg.web.plans.pages import back, edit_user, form_dict, view_user
from trygg.web.public_data import public_db
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
register_nav("/public/promises", "Citizen promise", None, order=85)


def _today() -> object:
    return clock.today()


@router.get("/promises")
def list_page(request: Request, user: User = Depends(view_user), session: Session = Depends(db_session)) -> Response:
    return render(request, "promise/list.html", {"promises": store.list_promises(session),
                                                 "plans": store.list_plans(session)})


@router.post("/promises")
def create(request: Request, user: User = Depends(edit_user), session: Session = Depends(db_session),
           form: FormData = Depends(read_form)) -> Response:
    data = form_dict(form)
    year = str(data.get("year", ""))
    if not year.isdigit():
        raise ValidationError("The citizen promise is not valid.", fields={"year": "is required"})
    plan = str(data.get("plan_id", ""))
    p = promises.create(session, user, int(year), str(data.get("title", "")), str(data.get("text", "")),
                        int(plan) if plan.isdigit() else None)
    session.commit()
    return back(f"/promises/{p.id}", "created")


@router.get("/promises/{promise_id}")
def edit_page(promise_id: int, request: Request, user: User = Depends(view_user),
              session: Session = Depends(db_session)) -> Response:
    p = promises.get(session, promise_id)
    return render(request, "promise/edit.html", {
        "promise": p, "views": promises.public_view(session, p, _today()),  # type: ignore[arg-type]
        "editable": p.status == "draft" and may(user, Permission.PLAN_EDIT),
        "manager": may(user, Permission.PLAN_EDIT), "parties": PARTIES,
        "source_kinds": SOURCE_KINDS, "all_categories": taxonomy(session).active, "survey_labels": SURVEY_LABELS,
        "survey_names": store.survey_indicator_names(session), "saved": request.query_params.get("saved", ""),
        "regsos": sorted((a for a in store.areas_by_id(session).values() if a.level == "regso"), key=lambda a: a.name)})


@router.post("/promises/{promise_id}/edit")
def edit(promise_id: int, request: Request, user: User = Depends(edit_user),
         session: Session = Depends(db_session),
         form: FormData = Depends(read_form)) -> Response:
    p = promises.get(session, promise_id)
    data = form_dict(form)
    promises.update(session, p, user, str(data.get("title", "")), str(data.get("text", "")))
    session.commit()
    return back(f"/promises/{p.id}", "saved")


@router.post("/promises/{promise_id}/publish")
def publish(promise_id: int, request: Request, user: User = Depends(edit_user),
            session: Session = Depends(db_session),
            form: FormData = Depends(read_form)) -> Response:
    p = promises.get(session, promise_id)
    data = form_dict(form)
    promises.set_published(session, p, user, data.get("publish") == "1")
    session.commit()
    return back(f"/promises/{p.id}", "published")


@router.post("/promises/{promise_id}/commitments")
def add_commitment(promise_id: int, request: Request, user: User = Depends(edit_user),
                   session: Session = Depends(db_session),
                   form: FormData = Depends(read_form)) -> Response:
    p = promises.get(session, promise_id)
    data = form_dict(form)
    promises.add_commitment(session, p, user, str(data.get("party", "")), str(data.get("text", "")))
    session.commit()
    return back(f"/promises/{p.id}", "commitment")


@router.post("/promises/{promise_id}/commitments/{commitment_id}/delete")
def delete_commitment(promise_id: int, commitment_id: int, user: User = Depends(edit_user),
                      session: Session = Depends(db_session)) -> Response:
    p = promises.get(session, promise_id)
    promises.delete_commitment(session, p, promises.find_commitment(p, commitment_id), user)
    session.commit()
    return back(f"/promises/{p.id}", "deleted")


@router.post("/promises/{promise_id}/commitments/{commitment_id}/indicators")
def add_indicator(promise_id: int, commitment_id: int, request: Request, user: User = Depends(edit_user),
                  session: Session = Depends(db_session),
                  form: FormData = Depends(read_form)) -> Response:
    p = promises.get(session, promise_id)
    c = promises.find_commitment(p, commitment_id)
    promises.add_indicator(session, p, c, user, indicator_input(form_dict(form)))
    session.commit()
    return back(f"/promises/{p.id}", "indicator")


@router.get("/public/promises")
def public_list(request: Request, session: Session = Depends(db_session)) -> Response:
    items = [p for p in store.list_promises(session) if p.status in promises.PUBLIC_STATUSES]
    return render(request, "promise/public_list.html", {"promises": items})


@router.get("/public/promises/{promise_id}")
def public_page(promise_id: int, request: Request, session: Session = Depends(public_db)) -> Response:
    p = promises.get(session, promise_id, public=True)
    return render(request, "promise/public.html", {
        "promise": p, "views": promises.public_view(session, p, _today(), public=True),  # type: ignore[arg-type]
        "survey_labels": SURVEY_LABELS})

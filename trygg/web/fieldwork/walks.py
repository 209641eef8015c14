"""Safety-walk pages: plan, the walk itself on a phone, findings followed to resolved, the PDF."""

from __future__ import annotations

from typing import Any

import shapely
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trygg.domain.permissions import Permission, may
from trygg.domain.text import whole_number
from trygg.errors import NotFound, ValidationError
from trygg.fieldwork import policy
from trygg.fieldwork import walks as walk_service
from trygg.fieldwork.contracts import WalkCreate
from trygg.fieldwork.vocab import OBSERVATION_STATUSES, WALK_CHECKLIST, WALK_ITEMS, WALK_STATUSES
from trygg.storage import fieldwork as store
from trygg.storage.schema import User
from trygg.storage.schema.fieldwork import SafetyWalk
from trygg.web.access import require_permission, require_user
from trygg.web.blocking import run_blocking
from trygg.web.deps import db_session, language, municipality_name, taxonomy
from trygg.web.fieldwork.forms import (
    common_choices,
    form_values,
    local_input,
    read_contract,
    see_other,
)
from trygg.web.fieldwork.serialize import observation_json
from trygg.web.i18n import document_texts, gettext_for
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)


def walk_map_data(walk: SafetyWalk, lang: str) -> dict[str, Any]:
    route = shapely.geometry.mapping(walk.route) if walk.route is not None else None
    area = shapely.geometry.mapping(walk.area.geom) if walk.area is not None else None
    return {"id": walk.id, "route": route, "area": area,
            "observations": [observation_json(o, lang) for o in walk.observations],
            "api": f"/api/v1/walks/{walk.id}/observations"}


def _plan_page(request: Request, user: User, session: Session, errors: dict[str, str] | None = None,
               values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    scope = None if user.role in policy.READ_ALL else user.organisation_id
    return render(request, "fieldwork/walks.html", {
        "walks": store.list_walks(session, organisation_id=scope), "checklist": WALK_CHECKLIST,
        "statuses": WALK_STATUSES, "may_plan": may(user, Permission.WALK_PLAN), "is_manager": policy.is_manager(user),
        "errors": errors or {}, "values": values or {}, **common_choices(session)}, status_code=status_code)


@router.get("/fieldwork/walks")
def walks_page(request: Request, user: User = Depends(require_user),
               session: Session = Depends(db_session)) -> Response:
    return _plan_page(request, user, session)


@router.post("/fieldwork/walks")
async def plan_walk(request: Request, user: User = Depends(require_permission(Permission.WALK_PLAN)),
                    session: Session = Depends(db_session)) -> Response:
    form = await request.form()
    return await run_blocking(session, _plan_walk, request, user, session, form)


def _plan_walk(request: Request, user: User, session: Session, form: FormData) -> Response:
    try:
        data = read_contract(WalkCreate, form)
        walk = walk_service.plan_walk(session, user, **data.model_dump(), lang=language(request))
    except ValidationError as exc:
        session.rollback()
        return _plan_page(request, user, session, exc.fields, form_values(form), status_code=422)
    session.commit()
    return see_other(f"/fieldwork/walks/{walk.id}")


@router.get("/fieldwork/walks/{walk_id}")
def walk_page(walk_id: int, request: Request, user: User = Depends(require_user),
              session: Session = Depends(db_session)) -> Response:
    walk = walk_service.get_visible_walk(session, user, walk_id)
    lang = language(request)
    return render(request, "fieldwork/walk.html", {
        "walk": walk, "summary": walk_service.summary(walk), "items": WALK_ITEMS,
        "statuses": OBSERVATION_STATUSES, "walk_statuses": WALK_STATUSES,
        "can_record": policy.can_record_on(user, walk), "can_edit": policy.can_edit_walk(user, walk),
        "can_handle": {o.id: policy.can_handle(user, o) for o in walk.observations},
        "organisations": store.all_organisations(session), "map_data": walk_map_data(walk, lang),
        "planned_local": local_input(walk.planned_for)})


@router.post("/fieldwork/walks/{walk_id}/status")
def walk_status(walk_id: int, request: Request, status: str = Form(""), user: User = Depends(require_user),
                session: Session = Depends(db_session)) -> Response:
    walk = walk_service.get_visible_walk(session, user, walk_id)
    walk_service.set_walk_status(session, user, walk, status)
    session.commit()
    return see_other(f"/fieldwork/walks/{walk.id}")


@router.get("/fieldwork/walks/{walk_id}/walk")
def walk_phone_page(walk_id: int, request: Request, user: User = Depends(require_user),
                    session: Session = Depends(db_session)) -> Response:
    walk = walk_service.get_visible_walk(session, user, walk_id)
    lang = language(request)
    _ = gettext_for(lang)
    texts = {
        "Saved on this phone": _("Saved on this phone"),
        "Sending…": _("Sending…"),
        "Sent": _("Sent"),
        "Waiting for a connection": _("Waiting for a connection"),
        "Could not be sent": _("Could not be sent"),
        "Sign in again to send the waiting observations": _("Sign in again to send the waiting observations"),
        "Offline: observations are kept on this phone": _("Offline: observations are kept on this phone"),
        "Online": _("Online"),
        "Place the observation on the map first": _("Place the observation on the map first"),
        "Position found": _("Position found"),
        "Position not available": _("Position not available"),
        "Remove": _("Remove"),
        "waiting": _("waiting"),
        "sent": _("sent"),
        "failed": _("failed"),
        "Tap the map where you are": _("Tap the map where you are"),
    }
    return render(request, "fieldwork/walk_phone.html", {
        "walk": walk, "items": [WALK_ITEMS[c] for c in walk.checklist if c in WALK_ITEMS],
        "can_record": policy.can_record_on(user, walk) and walk.status != "done",
        "map_data": walk_map_data(walk, lang), "texts": texts})


@router.get("/fieldwork/walks/{walk_id}/report.pdf")
def walk_pdf(walk_id: int, request: Request, user: User = Depends(require_user),
             session: Session = Depends(db_session)) -> Response:
    from trygg.reports.walk_pdf import walk_report_pdf

    walk = walk_service.get_visible_walk(session, user, walk_id)
    lang = language(request)
    pdf = walk_report_pdf(walk, texts=document_texts(lang, municipality_name(request), taxonomy(request)))
    name = f"trygghetsrond-{walk.id}-{walk.planned_for:%Y-%m-%d}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/fieldwork/observations/{obs_id}")
def observation_status(obs_id: int, request: Request, status: str = Form(""), note: str = Form(""),
                       routed_to_id: str = Form(""), user: User = Depends(require_user),
                       session: Session = Depends(db_session)) -> Response:
    obs = walk_service.get_visible_observation(session, user, obs_id)
    walk_service.set_observation_status(session, user, obs, status, note,
                                        whole_number(routed_to_id),
                                        lang=language(request))
    session.commit()
    return see_other(f"/fieldwork/walks/{obs.walk_id}#obs-{obs.id}")


@router.get("/fieldwork/photos/{photo_id}")
def observation_photo(photo_id: int, user: User = Depends(require_user),
                      session: Session = Depends(db_session)) -> Response:
    photo = store.get_photo(session, photo_id)
    if photo is None or not policy.can_see_walk(user, photo.observation.walk):
        raise NotFound("No such photo.")
    return Response(photo.content, media_type=photo.mime, headers={"Cache-Control": "private, max-age=3600"})

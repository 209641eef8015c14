"""Field work pages: the dashboard and checklist routing (walks, premises, watch and shifts, gyms and
meetings have their own modules; the form helpers they share are `trygg.web.fieldwork.forms`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trygg.domain.permissions import Permission, roles_for
from trygg.domain.text import whole_number
from trygg.fieldwork import gyms as gym_service
from trygg.fieldwork import policy
from trygg.fieldwork.vocab import OBSERVATION_STATUSES, WALK_CHECKLIST, WALK_ITEMS
from trygg.storage import audit
from trygg.storage import fieldwork as store
from trygg.storage.schema import User
from trygg.web.access import require_user
from trygg.web.blocking import read_form
from trygg.web.deps import db_session
from trygg.web.fieldwork.forms import see_other
from trygg.web.nav import register_nav
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
register_nav("/fieldwork", "Field work", roles=roles_for(Permission.SIGNED_IN), order=45)


# --------------------------------------------------------------------------- pages


@router.get("/fieldwork")
def dashboard(request: Request, user: User = Depends(require_user),
              session: Session = Depends(db_session)) -> Response:
    walks = store.list_walks(session, organisation_id=None if user.role in policy.READ_ALL
                             else user.organisation_id, limit=8)
    routed = store.list_routed_observations(session, None if policy.is_manager(user) else user.organisation_id,
                                            limit=20)
    return render(request, "fieldwork/dashboard.html", {
        "walks": walks, "routed": routed, "reminders": gym_service.reminders(session),
        "shifts": store.list_shifts(session, limit=5),
        "watch_total": sum(n for n, _ in store.watch_counts_by_area(session).values()),
        "premises_count": len(store.list_premises(session, active_only=True)),
        "meetings": store.list_meetings(session, status="planned", limit=5),
        "is_manager": policy.is_manager(user), "items": WALK_ITEMS, "obs_statuses": OBSERVATION_STATUSES,
    })


@router.get("/fieldwork/routing")
def routing_page(request: Request, user: User = Depends(require_user),
                 session: Session = Depends(db_session)) -> Response:
    return render(request, "fieldwork/routing.html", {
        "checklist": WALK_CHECKLIST, "routes": store.checklist_routes(session),
        "organisations": store.all_organisations(session), "is_manager": policy.is_manager(user),
        "saved": request.query_params.get("saved") == "1"})


@router.post("/fieldwork/routing")
def routing_save(request: Request, user: User = Depends(require_user), session: Session = Depends(db_session),
                 form: FormData = Depends(read_form)) -> Response:
    policy.require_manager(user)
    orgs = {o.id for o in store.all_organisations(session)}
    changes: dict[str, int | None] = {}
    for item in WALK_CHECKLIST:
        raw = str(form.get(f"route_{item.code}", "")).strip()
        org_id = whole_number(raw)
        org_id = org_id if org_id in orgs else None
        store.set_checklist_route(session, item.code, org_id)
        changes[item.code] = org_id
    audit.record(session, user.id, "update", "walk_routing", "", {"routes": changes})
    session.commit()
    return see_other("/fieldwork/routing?saved=1")


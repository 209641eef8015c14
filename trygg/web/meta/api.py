"""Health, version and who-am-I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy import text
from sqlalchemy.orm import Session

from trygg import __version__
from trygg.storage.schema import User
from trygg.web.access import require_user
from trygg.web.deps import db_session, get_database

router = APIRouter(tags=["meta"])


@router.get("/healthz", summary="Liveness and database check")
def healthz(request: Request, session: Session = Depends(db_session)) -> JSONResponse:
    db = get_database(request)
    try:
        session.execute(text("SELECT 1"))
        ok = True
    except Exception:  # noqa: BLE001 - reported as unhealthy
        ok = False
    body = {"status": "ok" if ok else "unavailable", "version": __version__, "database": db.backend}
    return JSONResponse(body, status_code=200 if ok else 503)


@router.get("/api/v1/me", summary="The signed-in user", tags=["meta"])
def me(user: User = Depends(require_user)) -> dict[str, Any]:
    return {"id": user.id, "username": user.username, "display_name": user.display_name,
            "role": user.role, "organisation": {"id": user.organisation_id, "name": user.organisation.name},
            "sensitive_clearance": user.sensitive_clearance}


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> RedirectResponse:
    """Browsers ask for /favicon.ico on pages without an icon link (the plan documents, the API docs)."""
    return RedirectResponse("/static/img/favicon.svg", status_code=301)

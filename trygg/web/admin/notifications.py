"""``/admin/notifications``: the outbox for administrators — counts, failed deliveries with their
last error, and a retry button per failed notification."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from trygg.domain.permissions import Permission
from trygg.errors import NotFound
from trygg.storage import audit, outbox
from trygg.storage.schema import User
from trygg.web.access import require_permission
from trygg.web.deps import db_session
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
admin_only = require_permission(Permission.ADMIN)


@router.get("/admin/notifications")
def notifications_page(request: Request, user: User = Depends(admin_only),
                       session: Session = Depends(db_session)) -> Response:
    return render(request, "admin/notifications.html", {
        "counts": outbox.counts(session), "failed": outbox.list_by_status(session, outbox.FAILED),
        "pending": outbox.list_by_status(session, outbox.PENDING, limit=50),
        "saved": request.query_params.get("saved")})


@router.post("/admin/notifications/{notification_id}/retry")
def retry(notification_id: int, user: User = Depends(admin_only),
          session: Session = Depends(db_session)) -> Response:
    if outbox.retry(session, notification_id) is None:
        raise NotFound("No failed notification with that id.", hint="See the list at /admin/notifications.")
    audit.record(session, user.id, "retry", "notification", notification_id)
    session.commit()
    return RedirectResponse("/admin/notifications?saved=1", status_code=303)

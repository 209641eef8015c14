"""Administration of the public figures: which months are published, and republication.

``/admin/publication`` lists every published month with its version, when it was published and
how many of its reports were created or changed since; ``/admin/publication/{YYYY-MM}`` shows
what a republication would change and takes the reason. Republishing is audited
(``republish``); the month is then shown as "reviderad" on every public surface.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.permissions import Permission
from trygg.errors import Conflict, ValidationError
from trygg.publication import schedule
from trygg.publication.groups import GROUPS_BY_CODE
from trygg.publication.months import month_key, month_start, next_month
from trygg.storage import areas as area_store
from trygg.storage import publication as store
from trygg.storage.schema import User
from trygg.web.access import require_permission
from trygg.web.deps import db_session, get_settings
from trygg.web.i18n import gettext_for
from trygg.web.lang import lang_of
from trygg.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)
admin_only = require_permission(Permission.ADMIN)


def _now() -> datetime:
    return clock.now()


@router.get("/publication")
def publication_page(request: Request, admin: User = Depends(admin_only),
                     session: Session = Depends(db_session)) -> Response:
    settling = get_settings(request).publication_settling_days
    rows = []
    for pub in reversed(store.current_versions(session)):
        start, end = month_start(pub.year, pub.month), month_start(*next_month(pub.year, pub.month))
        rows.append({"key": month_key(pub.year, pub.month), "version": pub.version,
                     "published_at": pub.published_at, "reason": pub.reason,
                     "late": store.late_changes(session, start, end, pub.data_until)})
    pending = [month_key(y, m) for y, m in schedule.pending_months(session, _now(), settling)]
    return render(request, "admin/publication.html", {
        "rows": rows, "pending": pending, "settling_days": settling,
        "flash": request.query_params.get("done", "")})


@router.post("/publication/publish")
def publish_now(request: Request, admin: User = Depends(admin_only),
                session: Session = Depends(db_session)) -> Response:
    done = schedule.publish_due_months(session, _now(), get_settings(request).publication_settling_days)
    session.commit()
    return RedirectResponse(f"/admin/publication?done=published-{len(done)}", status_code=303)


def _revision_page(request: Request, session: Session, key: str, *, reason: str = "",
                   errors: dict[str, str] | None = None, message: str = "", status: int = 200) -> Response:
    year, month = schedule.parse_month(key)
    rev = schedule.preview(session, year, month, _now())
    names = {a.id: a.name for a in area_store.list_areas(session, None)}
    changes = [{"group": GROUPS_BY_CODE[c.group].label if c.group in GROUPS_BY_CODE else c.group,
                "area": names.get(c.area_id, "") if c.area_id is not None else None,
                "old": c.old, "new": c.new, "old_hidden": c.old_hidden, "new_hidden": c.new_hidden}
               for c in rev.changes]
    return render(request, "admin/publication_month.html", {
        "rev": rev, "changes": changes, "versions": store.versions(session, year, month),
        "reason": reason, "errors": errors or {}, "message": message}, status_code=status)


@router.get("/publication/{key}")
def revision_page(key: str, request: Request, admin: User = Depends(admin_only),
                  session: Session = Depends(db_session)) -> Response:
    return _revision_page(request, session, key)


@router.post("/publication/{key}/republish")
def republish(key: str, request: Request, reason: str = Form(""), admin: User = Depends(admin_only),
              session: Session = Depends(db_session)) -> Response:
    year, month = schedule.parse_month(key)
    _ = gettext_for(lang_of(request))
    try:
        pub = schedule.republish(session, year, month, user_id=admin.id, reason=reason, now=_now())
    except ValidationError as exc:
        session.rollback()
        return _revision_page(request, session, key, reason=reason, status=422,
                              errors={k: _(v) for k, v in exc.fields.items()}, message=_(exc.message))
    except Conflict:
        session.rollback()
        return _revision_page(request, session, key, reason=reason, status=409,
                              message=_("Nothing has changed since the published version."))
    session.commit()
    return RedirectResponse(f"/admin/publication?done=republished-{month_key(year, month)}-v{pub.version}",
                            status_code=303)

"""Administration (administrators only): users, API tokens, sharing rules and the audit trail.

Every change made here is written to the audit trail with the acting administrator's id and the
changed object; values that are personal data (names) are never copied into the log.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trygg.domain import clock
from trygg.domain.enums import Role
from trygg.domain.permissions import Permission, roles_for
from trygg.errors import NotFound, TryggError, ValidationError
from trygg.plans import signing
from trygg.reports.csv_stream import csv_chunks
from trygg.storage import access as access_store
from trygg.storage import audit
from trygg.storage import plans as plan_store
from trygg.storage import users as user_store
from trygg.storage.categories import taxonomy
from trygg.storage.schema import User
from trygg.web.access import require_permission
from trygg.web.admin.audit_labels import ACTION_LABELS, action_choices
from trygg.web.blocking import read_form
from trygg.web.deps import db_session, get_database
from trygg.web.errors import wants_html
from trygg.web.i18n import gettext_for
from trygg.web.lang import lang_of
from trygg.web.nav import register_nav
from trygg.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)
register_nav("/admin", "Administration", roles=roles_for(Permission.ADMIN), order=90)
admin_only = require_permission(Permission.ADMIN)
ROLES = [str(r) for r in Role if r != Role.PUBLIC]


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    return user


@router.get("")
def admin_home() -> Response:
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/users")
def users_page(request: Request, admin: User = Depends(admin_only), session: Session = Depends(db_session)) -> Response:
    return _users_page(request, session)


def _users_page(request: Request, session: Session, error: str = "", form: dict[str, str] | None = None,
                status: int = 200) -> Response:
    return render(request, "admin/users.html", {
        "users": user_store.list_users(session), "orgs": user_store.list_organisations(session),
        "roles": ROLES, "now": clock.now(), "error": error, "form": form or {},
        "flash": request.query_params.get("done", "")}, status_code=status)


@router.post("/users")
def create_user(request: Request, username: str = Form(""), display_name: str = Form(""), role: str = Form(""),
                organisation_id: int = Form(0), password: str = Form(""), sensitive: bool = Form(False),
                admin: User = Depends(admin_only), session: Session = Depends(db_session)) -> Response:
    try:
        user = user_store.create_user(session, username.strip(), password, role, organisation_id,
                                      display_name=display_name.strip(), sensitive_clearance=sensitive)
    except TryggError as exc:
        session.rollback()
        details = exc.details if isinstance(exc.details, dict) else {}
        message = exc.message + (" " + "; ".join(f"{k}: {v}" for k, v in details.items()) if details else "")
        return _users_page(request, session, message,
                          {"username": username, "display_name": display_name, "role": role}, 422)
    audit.record(session, admin.id, "create", "user", user.id,
                 {"role": role, "organisation_id": organisation_id, "sensitive_clearance": sensitive})
    session.commit()
    return RedirectResponse("/admin/users?done=created", status_code=303)


@router.get("/users/{user_id}")
def user_page(request: Request, user_id: int, admin: User = Depends(admin_only),
              session: Session = Depends(db_session)) -> Response:
    return _user_page(request, session, _user(session, user_id))


def _user_page(request: Request, session: Session, user: User, errors: dict[str, str] | None = None,
               form: dict[str, object] | None = None, status: int = 200) -> Response:
    titles = [r.title for r in plan_store.signatory_roles(session)]
    return render(request, "admin/user.html", {
        "u": user, "roles": ROLES, "orgs": user_store.list_organisations(session),
        "locked": user_store.locked_for(user) is not None, "titles": titles,
        "errors": errors or {}, "form": form or {}, "flash": request.query_params.get("done", "")},
        status_code=status)


@router.post("/users/{user_id}")
def update_user(request: Request, user_id: int, role: str = Form(...), organisation_id: int = Form(...),
                display_name: str = Form(""), sensitive: bool = Form(False), active: bool = Form(False),
                admin: User = Depends(admin_only), session: Session = Depends(db_session),
                form: FormData = Depends(read_form)) -> Response:
    user = _user(session, user_id)
    if role not in ROLES:
        raise ValidationError("Unknown role.", fields={"role": f"one of {', '.join(ROLES)}"})
    user_store.get_organisation(session, organisation_id)
    if user.id == admin.id and (role != Role.ADMIN or not active):
        raise ValidationError("You cannot remove your own administrator role or deactivate yourself.",
                              fields={"role": "ask another administrator"})
    # The field as sent ("" = none); a form without it keeps the title (which must still fit the role).
    sent = form.get("signatory_title")
    signatory_title = sent[:200] if isinstance(sent, str) else None
    try:
        given = user.signatory_title if signatory_title is None else signatory_title
        title = signing.check_title(session, given, role, user.signatory_title)
    except ValidationError as exc:
        if not wants_html(request):
            raise
        _ = gettext_for(lang_of(request))
        return _user_page(request, session, user, {k: _(v) for k, v in exc.fields.items()}, {
            "role": role, "signatory_title": signatory_title or "", "display_name": display_name,
            "organisation_id": organisation_id, "sensitive": sensitive, "active": active}, 422)
    changes: dict[str, object] = {}
    if title != user.signatory_title:  # a role's title, not personal data: logged old → new
        changes["signatory_title"] = {"from": user.signatory_title, "to": title}
        user.signatory_title = title
    for name, value in (("role", role), ("organisation_id", organisation_id),
                        ("sensitive_clearance", sensitive), ("active", active)):
        if getattr(user, name) != value:
            changes[name] = value
            setattr(user, name, value)
    if display_name.strip() and display_name.strip() != user.display_name:
        user.display_name = display_name.strip()
        changes["display_name"] = "changed"  # the name itself is personal data: not logged
    if changes:
        if "active" in changes and not active or "role" in changes:
            user_store.end_user_sessions(session, user.id)
        audit.record(session, admin.id, "update", "user", user.id, changes)
    session.commit()
    return RedirectResponse(f"/admin/users/{user_id}?done=saved", status_code=303)


@router.post("/users/{user_id}/reset-totp")
def reset_totp(user_id: int, admin: User = Depends(admin_only), session: Session = Depends(db_session)) -> Response:
    user = _user(session, user_id)
    user_store.totp_reset(session, user)
    audit.record(session, admin.id, "totp_reset", "user", user.id)
    session.commit()
    return RedirectResponse(f"/admin/users/{user_id}?done=totp", status_code=303)


@router.post("/users/{user_id}/unlock")
def unlock(user_id: int, admin: User = Depends(admin_only), session: Session = Depends(db_session)) -> Response:
    user = _user(session, user_id)
    user_store.unlock(session, user)
    audit.record(session, admin.id, "unlock", "user", user.id)
    session.commit()
    return RedirectResponse(f"/admin/users/{user_id}?done=unlocked", status_code=303)


@router.post("/users/{user_id}/password")
def reset_password(user_id: int, password: str = Form(""), admin: User = Depends(admin_only),
                   session: Session = Depends(db_session)) -> Response:
    user = _user(session, user_id)
    try:
        user_store.set_password(session, user, password)
    except ValidationError as exc:
        raise ValidationError(exc.message, fields={"password": "at least 8 characters"}) from None
    user_store.end_user_sessions(session, user.id)
    audit.record(session, admin.id, "password_reset", "user", user.id)
    session.commit()
    return RedirectResponse(f"/admin/users/{user_id}?done=password", status_code=303)


# --------------------------------------------------------------------------- tokens


@router.get("/tokens")
def tokens_page(request: Request, admin: User = Depends(admin_only),
                session: Session = Depends(db_session)) -> Response:
    return _tokens_page(request, session)


def _tokens_page(request: Request, session: Session, new_token: str = "", status: int = 200) -> Response:
    return render(request, "admin/tokens.html", {
        "tokens": user_store.list_tokens(session), "users": user_store.list_users(session),
        "now": clock.now(), "new_token": new_token}, status_code=status)


@router.post("/tokens")
def create_token(request: Request, user_id: int = Form(...), name: str = Form(""), days: int = Form(365),
                 admin: User = Depends(admin_only), session: Session = Depends(db_session)) -> Response:
    if not 0 <= days <= 3650:
        raise ValidationError("The token was not created.", fields={"days": "0 (never) to 3650"})
    owner = _user(session, user_id)
    token = user_store.create_token(session, owner, name=name.strip()[:100], days=days or None)
    row = user_store.token_row(session, token)
    audit.record(session, admin.id, "create", "api_token", row.id if row else "", {"user_id": owner.id, "days": days})
    session.commit()
    # The plain token is shown once, in this response only (never stored, never redirected).
    return _tokens_page(request, session, new_token=token, status=201)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: int, admin: User = Depends(admin_only), session: Session = Depends(db_session)) -> Response:
    user_store.revoke_token(session, token_id)
    audit.record(session, admin.id, "revoke", "api_token", token_id)
    session.commit()
    return RedirectResponse("/admin/tokens", status_code=303)


# --------------------------------------------------------------------------- sharing rules


@router.get("/sharing")
def sharing_page(request: Request, admin: User = Depends(admin_only),
                 session: Session = Depends(db_session)) -> Response:
    table = access_store.sharing_table(session)
    orgs = user_store.list_organisations(session)
    return render(request, "admin/sharing.html", {
        "orgs": orgs, "categories": taxonomy(session).listed, "audiences": access_store.AUDIENCES,
        "audience": table.audience, "rules": table.rules, "flash": request.query_params.get("done", "")})


@router.post("/sharing")
def set_sharing(organisation_id: int = Form(...), category: str = Form(...), audience: str = Form(...),
                admin: User = Depends(admin_only), session: Session = Depends(db_session)) -> Response:
    access_store.set_rule(session, organisation_id, category, audience or None)
    audit.record(session, admin.id, "update", "sharing_rule", f"{organisation_id}:{category}",
                 {"organisation_id": organisation_id, "category": category, "audience": audience})
    session.commit()
    return RedirectResponse("/admin/sharing?done=saved", status_code=303)


@router.post("/sharing/default")
def set_sharing_default(organisation_id: int = Form(...), shares_details: bool = Form(False),
                        admin: User = Depends(admin_only), session: Session = Depends(db_session)) -> Response:
    access_store.set_default(session, organisation_id, shares_details)
    audit.record(session, admin.id, "update", "organisation", organisation_id, {"shares_details": shares_details})
    session.commit()
    return RedirectResponse("/admin/sharing?done=saved", status_code=303)


# --------------------------------------------------------------------------- audit trail


def _audit_query(user_id: str, action: str, object_type: str, object_id: str, start: str,
                 end: str) -> audit.AuditQuery:
    problems: dict[str, str] = {}

    def day(value: str, name: str) -> datetime | None:
        if not value:
            return None
        try:
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        except ValueError:
            problems[name] = "a date YYYY-MM-DD"
            return None

    uid: int | None = None
    if user_id.strip():
        if user_id.strip().isdigit():
            uid = int(user_id)
        else:
            problems["user_id"] = "a user id (a number)"
    start_at, end_at = day(start, "start"), day(end, "end")
    if problems:
        raise ValidationError("The search has invalid fields.", fields=problems)
    return audit.AuditQuery(user_id=uid, action=action.strip(), object_type=object_type.strip(),
                            object_id=object_id.strip(), start=start_at,
                            end=end_at + timedelta(days=1) if end_at else None)


@router.get("/audit")
def audit_page(request: Request, user_id: str = "", action: str = "", object_type: str = "",
               object_id: str = "", start: str = "", end: str = "", offset: int = Query(0, ge=0),
               admin: User = Depends(admin_only), session: Session = Depends(db_session)) -> Response:
    query = _audit_query(user_id, action, object_type, object_id, start, end)
    page_size = 100
    return render(request, "admin/audit.html", {
        "entries": audit.search(session, query, limit=page_size, offset=offset),
        "total": audit.count(session, query), "offset": offset, "page_size": page_size,
        "actions": action_choices(audit.actions(session)), "action_labels": ACTION_LABELS,
        "q": {"user_id": user_id, "action": action, "object_type": object_type, "object_id": object_id,
              "start": start, "end": end},
        "export_query": str(request.url.query)})


@router.get("/audit.csv")
def audit_export(request: Request, user_id: str = "", action: str = "", object_type: str = "",
                 object_id: str = "", start: str = "", end: str = "",
                 admin: User = Depends(admin_only), session: Session = Depends(db_session)) -> Response:
    query = _audit_query(user_id, action, object_type, object_id, start, end)
    audit.record(session, admin.id, "export", "audit_log", "", {"filters": {
        k: v for k, v in (("user_id", user_id), ("action", action), ("object_type", object_type),
                          ("object_id", object_id), ("start", start), ("end", end)) if v}})
    session.commit()
    db = get_database(request)

    def entries() -> Iterator[Sequence[object]]:
        with db.session() as s:
            for e in audit.iter_entries(s, query):
                yield audit.csv_row(e)

    return StreamingResponse(csv_chunks(audit.CSV_FIELDS, entries(), lineterminator="\n"),
                             media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="trygg-audit.csv"'})

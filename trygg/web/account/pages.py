"""Your own account: the TOTP second factor (enrolment with a QR code drawn on the server) and
your password.

The enrolment page also serves a *pending* session: an administrator or signatory who has no
second factor yet must enrol here right after the password, before anything else opens.
"""

from __future__ import annotations

import pyotp
import segno
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from trygg.domain.permissions import Permission, roles_for
from trygg.errors import AuthenticationRequired
from trygg.storage import audit
from trygg.storage import users as user_store
from trygg.storage.schema import User
from trygg.web.access import require_user, totp_required
from trygg.web.account.auth import LOGIN_PER_MINUTE, _safe_next, finish_second_factor, set_session_cookie
from trygg.web.deps import current_user, db_session, get_settings, municipality_name, pending_user
from trygg.web.i18n import gettext_for
from trygg.web.lang import lang_of
from trygg.web.nav import register_nav
from trygg.web.ratelimit import limit
from trygg.web.signin_audit import record_signin
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
register_nav("/account", "My account", roles=roles_for(Permission.SIGNED_IN), order=95)


def _me_or_pending(request: Request, user: User | None = Depends(current_user),
                   pending: User | None = Depends(pending_user)) -> User:
    if user is not None:
        return user
    if pending is not None:
        return pending
    raise AuthenticationRequired("Sign in to continue.", hint="Log in at /login.")


def _qr_svg(uri: str, title: str) -> Markup:
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, border=4, title=title))


@router.get("/account")
def account(request: Request, user: User = Depends(require_user)) -> Response:
    return render(request, "account/index.html", {
        "me": user, "role_needs_totp": not _may_remove(request, user),
        "changed": request.query_params.get("changed") == "1"})


def _enrol_context(request: Request, user: User, session: Session, target: str) -> dict[str, object]:
    secret = user_store.totp_begin(session, user)
    session.commit()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=f"Trygg {municipality_name(request)}")
    _ = gettext_for(lang_of(request))
    return {"me": user, "enrolled": False, "next": target, "secret": secret,
            "secret_groups": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
            "qr": _qr_svg(uri, _("QR code for your authenticator app")),
            "forced": getattr(request.state, "pending_user", None) is not None}


@router.get("/account/totp")
def totp_page(request: Request, next: str = "/", user: User = Depends(_me_or_pending),
              session: Session = Depends(db_session)) -> Response:
    if user.totp_secret:
        return render(request, "account/totp.html", {
            "me": user, "enrolled": True, "next": _safe_next(next), "may_remove": _may_remove(request, user),
            "done": request.query_params.get("done") == "1"})
    return render(request, "account/totp.html", _enrol_context(request, user, session, _safe_next(next)))


@router.post("/account/totp")
def totp_confirm(request: Request, code: str = Form(""), next: str = Form("/"),
                 user: User = Depends(_me_or_pending), session: Session = Depends(db_session)) -> Response:
    limit(request, "login", LOGIN_PER_MINUTE, 60.0)
    target = _safe_next(next)
    if user.totp_secret:
        return RedirectResponse("/account/totp", status_code=303)
    if not user_store.totp_confirm(session, user, code):
        if getattr(request.state, "pending_user", None) is not None:  # enrolling as part of a sign-in
            record_signin(session, request, "login_totp_failed", user.id, reason="enrol_code")
        _ = gettext_for(lang_of(request))
        context = _enrol_context(request, user, session, target)
        context["error"] = _("The code did not match. Check the time on your phone and try again.")
        return render(request, "account/totp.html", context, status_code=422)
    audit.record(session, user.id, "totp_enrol", "user", user.id)
    if getattr(request.state, "pending_user", None) is not None:
        return finish_second_factor(request, session, user, target)
    session.commit()
    return RedirectResponse("/account/totp?done=1", status_code=303)


def _may_remove(request: Request, user: User) -> bool:
    """Only users whose role does not require a second factor may remove theirs."""
    probe = User(role=user.role, totp_secret=None)
    return not totp_required(get_settings(request), probe)


@router.post("/account/totp/remove")
def totp_remove(request: Request, code: str = Form(""), user: User = Depends(require_user),
                session: Session = Depends(db_session)) -> Response:
    _ = gettext_for(lang_of(request))
    if not _may_remove(request, user) or not user_store.totp_verify(session, user, code):
        return render(request, "account/totp.html", {
            "me": user, "enrolled": True, "next": "/", "may_remove": _may_remove(request, user),
            "error": _("The second factor was kept: your role needs it, or the code was wrong.")},
            status_code=422)
    user.totp_secret = None
    audit.record(session, user.id, "totp_remove", "user", user.id)
    session.commit()
    return RedirectResponse("/account", status_code=303)


@router.get("/account/password")
def password_page(request: Request, user: User = Depends(require_user)) -> Response:
    return render(request, "account/password.html", {"me": user})


@router.post("/account/password")
def password_change(request: Request, current_password: str = Form(""), new_password: str = Form(""),
                    repeat_password: str = Form(""), user: User = Depends(require_user),
                    session: Session = Depends(db_session)) -> Response:
    _ = gettext_for(lang_of(request))
    errors: dict[str, str] = {}
    if not user_store.verify_password(user.password_hash, current_password):
        errors["current_password"] = _("This is not your current password.")
    problem = user_store.password_problem(new_password)
    if problem:
        errors["new_password"] = _("At least 8 and at most 200 characters.")
    elif new_password != repeat_password:
        errors["repeat_password"] = _("The two new passwords differ.")
    if errors:
        return render(request, "account/password.html", {"me": user, "errors": errors}, status_code=422)
    user_store.set_password(session, user, new_password)
    user_store.end_user_sessions(session, user.id)  # every other browser is signed out
    token = user_store.create_session(session, user, second_factor_done=True)
    audit.record(session, user.id, "password_change", "user", user.id)
    session.commit()
    response = RedirectResponse("/account?changed=1", status_code=303)
    set_session_cookie(request, response, token)
    return response

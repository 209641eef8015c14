"""Log in and out: password (argon2id), then a TOTP code when the user has or needs one.

- ``POST /login`` is rate limited per client address (``LOGIN_PER_MINUTE``, 429 beyond it).
- ``MAX_FAILED_LOGINS`` consecutive failures (password or code) lock the account for
  ``LOCK_MINUTES`` (423 with a clear message); an administrator can unlock it earlier.
- A user with TOTP enrolled, and an administrator or signatory (``access.totp_required``), gets a
  *pending* session after the password: it only opens the code step (``/login/totp``) or, when
  not yet enrolled, the enrolment page (``/account/totp``). The full session gets a new token.
- Every attempt (right or wrong, each step) and every sign-out is written to the audit trail with
  the client address and user agent (``trygg.web.signin_audit``); never the password.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.storage import audit
from trygg.storage import users as user_store
from trygg.storage.schema import User
from trygg.web.access import totp_required
from trygg.web.deps import SESSION_COOKIE, db_session, get_settings, pending_user
from trygg.web.i18n import gettext_for
from trygg.web.ratelimit import limit
from trygg.web.signin_audit import record_signin, unknown_username
from trygg.web.templating import render

router = APIRouter(tags=["auth"], include_in_schema=False)

LOGIN_PER_MINUTE = 30  # login and code attempts per client address and minute


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _demo_users(request: Request, session: Session) -> list[User]:
    if not get_settings(request).demo:
        return []
    return list(session.scalars(select(User).order_by(User.role, User.username).limit(40)))


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    settings = get_settings(request)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=settings.cookies_secure,
                        max_age=settings.session_absolute_hours * 3600, path="/")


def _lang_gettext(request: Request) -> Callable[..., str]:
    from trygg.web.lang import lang_of

    return gettext_for(lang_of(request))


def _locked_message(request: Request, user: User) -> str | None:
    left = user_store.locked_for(user)
    if left is None:
        return None
    _ = _lang_gettext(request)
    minutes = max(1, int(left.total_seconds() // 60) + 1)
    return _("This account is locked for {minutes} minutes after too many failed attempts. "
             "Try again later or ask an administrator to unlock it.", minutes=minutes)


@router.get("/login")
def login_page(request: Request, next: str = "/", session: Session = Depends(db_session)) -> Response:
    user_store.prepare_login_timing()  # the timing of a sign-in, measured before the first one
    return render(request, "login.html", {"next": _safe_next(next), "demo_users": _demo_users(request, session),
                                          "password_set": request.query_params.get("password_set") == "1"})


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/"),
          session: Session = Depends(db_session)) -> Response:
    limit(request, "login", LOGIN_PER_MINUTE, 60.0)
    _ = _lang_gettext(request)
    target = _safe_next(next)

    def page(error: str, status: int) -> Response:
        return render(request, "login.html", {
            "error": error, "username": username, "next": target,
            "demo_users": _demo_users(request, session)}, status_code=status)

    user = user_store.get_user_by_name(session, username.strip())
    if user is None:
        user_store.check_login(None, password)  # the time of a real check: no oracle for usernames
        record_signin(session, request, "login_failed", None, reason="unknown_user", **unknown_username(username))
        session.commit()
        return page(_("Wrong username or password."), 401)
    locked = _locked_message(request, user)
    if locked:
        record_signin(session, request, "login_failed", user.id, reason="locked")
        session.commit()
        return page(locked, 423)
    if not user_store.check_login(user.password_hash, password) or not user.active:
        now_locked = user_store.register_failure(session, user)
        record_signin(session, request, "login_failed", user.id,
                      reason="wrong_password" if user.active else "inactive")
        if now_locked:
            audit.record(session, user.id, "lock", "user", user.id, {"reason": "failed logins"})
        session.commit()
        if now_locked:
            return page(_locked_message(request, user) or "", 423)
        return page(_("Wrong username or password."), 401)
    user_store.register_success(session, user)
    user_store.upgrade_hash(user, password)
    second = totp_required(get_settings(request), user)
    token = user_store.create_session(session, user, second_factor_done=not second)
    record_signin(session, request, "login", user.id,
                  next=("totp" if user.totp_secret else "totp_enrol") if second else "signed_in")
    session.commit()
    if second:
        step = "/login/totp" if user.totp_secret else "/account/totp"
        response = RedirectResponse(f"{step}?next={quote(target)}", status_code=303)
    else:
        response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, token)
    return response


@router.get("/login/totp")
def totp_page(request: Request, next: str = "/", user: User | None = Depends(pending_user)) -> Response:
    if user is None:
        return RedirectResponse("/login", status_code=303)
    if not user.totp_secret:
        return RedirectResponse(f"/account/totp?next={quote(_safe_next(next))}", status_code=303)
    return render(request, "login_totp.html", {"next": _safe_next(next)})


@router.post("/login/totp")
def totp_step(request: Request, code: str = Form(""), next: str = Form("/"),
              user: User | None = Depends(pending_user), session: Session = Depends(db_session)) -> Response:
    limit(request, "login", LOGIN_PER_MINUTE, 60.0)
    _ = _lang_gettext(request)
    target = _safe_next(next)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    locked = _locked_message(request, user)
    if locked:
        record_signin(session, request, "login_totp_failed", user.id, reason="locked")
        session.commit()
        return render(request, "login_totp.html", {"next": target, "error": locked}, status_code=423)
    if not user_store.totp_verify(session, user, code):
        now_locked = user_store.register_failure(session, user)
        record_signin(session, request, "login_totp_failed", user.id, reason="wrong_code")
        if now_locked:
            audit.record(session, user.id, "lock", "user", user.id, {"reason": "failed codes"})
            user_store.end_user_sessions(session, user.id)
        session.commit()
        message = _locked_message(request, user) if now_locked else _("The code is wrong or has been used.")
        return render(request, "login_totp.html", {"next": target, "error": message},
                      status_code=423 if now_locked else 401)
    return finish_second_factor(request, session, user, target)


def finish_second_factor(request: Request, session: Session, user: User, target: str) -> Response:
    """Turn the pending session into a full one (new token) and go on to `target`."""
    user_store.register_success(session, user)
    token = user_store.complete_second_factor(session, request.cookies.get(SESSION_COOKIE, ""))
    record_signin(session, request, "login_totp", user.id)
    session.commit()
    response = RedirectResponse(target, status_code=303)
    if token:
        set_session_cookie(request, response, token)
    return response


@router.post("/logout")
def logout(request: Request, session: Session = Depends(db_session)) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        user_id = user_store.end_session(session, token)
        if user_id is not None:  # a session that had already ended is no sign-out
            record_signin(session, request, "logout", user_id)
        session.commit()
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=get_settings(request).cookies_secure)
    return response

"""Log in and out with a username and password (argon2id), server-side sessions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.storage import users as user_store
from trygg.storage.schema import User
from trygg.web.deps import SESSION_COOKIE, db_session, get_settings
from trygg.web.i18n import gettext_for
from trygg.web.templating import render

router = APIRouter(tags=["auth"], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def _demo_users(request: Request, session: Session) -> list[User]:
    if not get_settings(request).demo:
        return []
    return list(session.scalars(select(User).order_by(User.role, User.username).limit(40)))


@router.get("/login")
def login_page(request: Request, next: str = "/", session: Session = Depends(db_session)) -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "demo_users": _demo_users(request, session)})


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/"),
          session: Session = Depends(db_session)) -> Response:
    from trygg.web.lang import lang_of

    _ = gettext_for(lang_of(request))
    user = user_store.get_user_by_name(session, username.strip())
    if user is None or not user.active or not user_store.verify_password(user.password_hash, password):
        return render(request, "login.html", {
            "error": _("Wrong username or password."), "username": username, "next": _safe_next(next),
            "demo_users": _demo_users(request, session)}, status_code=401)
    token = user_store.create_session(session, user)
    session.commit()
    settings = get_settings(request)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=settings.secure_cookies,
                        max_age=settings.session_absolute_hours * 3600, path="/")
    return response


@router.post("/logout")
def logout(request: Request, session: Session = Depends(db_session)) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        user_store.end_session(session, token)
        session.commit()
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response

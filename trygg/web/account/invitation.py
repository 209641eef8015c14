"""Setting a password through a one-time link (`trygg.storage.invitations`): for an invited user
and after an administrator's reset. No sign-in needed; the link is the proof. Rate limited like
the login; success is audited and leads to the login page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from trygg.errors import TryggError
from trygg.storage import audit, invitations
from trygg.storage import users as user_store
from trygg.web.account.auth import LOGIN_PER_MINUTE
from trygg.web.deps import db_session
from trygg.web.i18n import gettext_for
from trygg.web.lang import lang_of
from trygg.web.ratelimit import limit
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/set-password/{token}")
def set_password_page(request: Request, token: str, session: Session = Depends(db_session)) -> Response:
    user = invitations.link_user(session, token)
    return render(request, "account/set_password.html",
                  {"token": token, "username": user.username if user else None},
                  status_code=200 if user else 404)


@router.post("/set-password/{token}")
def set_password(request: Request, token: str, new_password: str = Form(""), repeat_password: str = Form(""),
                 session: Session = Depends(db_session)) -> Response:
    limit(request, "login", LOGIN_PER_MINUTE, 60.0)
    _ = gettext_for(lang_of(request))
    user = invitations.link_user(session, token)
    if user is None:
        return render(request, "account/set_password.html", {"token": token, "username": None}, status_code=404)
    errors: dict[str, str] = {}
    if user_store.password_problem(new_password):
        errors["new_password"] = _("At least 8 and at most 200 characters.")
    elif new_password != repeat_password:
        errors["repeat_password"] = _("The two new passwords differ.")
    if not errors:
        try:
            invitations.use_link(session, token, new_password)
        except TryggError:
            session.rollback()
            return render(request, "account/set_password.html", {"token": token, "username": None},
                          status_code=404)
        audit.record(session, user.id, "password_set_by_link", "user", user.id)
        session.commit()
        return RedirectResponse("/login?password_set=1", status_code=303)
    return render(request, "account/set_password.html",
                  {"token": token, "username": user.username, "errors": errors}, status_code=422)

"""``/account/email``: the address a user's e-mail notifications go to (empty = none)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from trygg.storage import audit
from trygg.storage.schema import User
from trygg.web.access import require_user
from trygg.web.deps import db_session, language
from trygg.web.i18n import gettext_for
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)


def email_problem(value: str) -> str | None:
    """An English msgid when `value` is not a plausible address (empty is fine: no notifications)."""
    if not value:
        return None
    local, at, domain = value.partition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in value) or len(value) > 200:
        return "Not an e-mail address."
    return None


@router.post("/account/email")
def set_email(request: Request, email: str = Form(""), user: User = Depends(require_user),
              session: Session = Depends(db_session)) -> Response:
    value = email.strip()
    problem = email_problem(value)
    if problem:
        _ = gettext_for(language(request))
        return render(request, "account/index.html", {"me": user, "email_error": _(problem), "email_value": value},
                      status_code=422)
    me = session.get(User, user.id)
    assert me is not None
    me.email = value or None
    audit.record(session, user.id, "update", "user", user.id, {"email": "set" if value else "removed"})
    session.commit()
    return RedirectResponse("/account?email=1", status_code=303)

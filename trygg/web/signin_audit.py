"""Sign-in events in the audit trail: who signed in, failed, signed out or was timed out, from where.

Actions (``trygg.storage.audit.SIGNIN_ACTIONS``), each on the object ``user <id>``:

- ``login``: the password was right. ``detail.next`` says what follows: ``signed_in``, or the
  second factor (``totp`` code or ``totp_enrol``) when the user has or needs one.
- ``login_totp``: the second factor was right; the sign-in is complete.
- ``login_failed``: ``detail.reason`` ``unknown_user``, ``wrong_password``, ``inactive`` or ``locked``.
- ``login_totp_failed``: ``detail.reason`` ``wrong_code``, ``locked`` or ``enrol_code``.
- ``logout`` and ``session_expired`` (``detail.reason`` ``idle`` or ``absolute``; noticed when the
  browser comes back with the expired session).

Every entry carries the client address (as the login rate limit sees it) and the browser's
user agent, cut to ``USER_AGENT_CHARS``. The user id is the account the attempt was for (none for
an unknown username). A password is never written. An unknown username is kept only when it could
be one (the characters of a username), cut to ``USERNAME_CHARS`` and marked with ``…`` when cut;
anything else (a password typed into the wrong field, an attack string) is withheld. Attempts
refused by the rate limit write nothing, so at most ``LOGIN_PER_MINUTE`` rows per address and minute.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from trygg.storage import audit
from trygg.web.ratelimit import client_key

USER_AGENT_CHARS = 200
USERNAME_CHARS = 40
CUT = "…"


def clip(value: str, limit: int) -> str:
    """`value` without control characters, at most `limit` characters; a cut one ends in ``…``."""
    value = "".join(ch for ch in value if ch.isprintable())
    return value if len(value) <= limit else value[:limit] + CUT


def could_be_username(value: str) -> bool:
    """The rule of ``trygg.storage.users.create_user``: letters, digits, '.', '-' or '_'."""
    return bool(value) and value.replace("-", "").replace(".", "").replace("_", "").isalnum()


def unknown_username(value: str) -> dict[str, Any]:
    """What the trail keeps of a username that matches no account."""
    value = value.strip()
    if not value:
        return {"username": ""}
    if not could_be_username(value):
        return {"username_withheld": True}  # not a username: perhaps a password in the wrong field
    return {"username": clip(value, USERNAME_CHARS)}


def client_detail(request: Request) -> dict[str, str]:
    return {"ip": client_key(request), "user_agent": clip(request.headers.get("user-agent", ""), USER_AGENT_CHARS)}


def record_signin(session: Session, request: Request, action: str, user_id: int | None,
                  **detail: Any) -> None:
    """Append one sign-in event (in the caller's transaction; the caller commits)."""
    audit.record(session, user_id, action, "user", "" if user_id is None else user_id,
                 {**detail, **client_detail(request)})

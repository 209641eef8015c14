"""Users, organisations, login sessions and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.domain.enums import OrgKind, Role
from trygg.errors import Conflict, NotFound, ValidationError
from trygg.storage.schema import ApiToken, Organisation, User, WebSession

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
TOKEN_PREFIX = "tryggt_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def get_organisation(session: Session, ref: int | str) -> Organisation:
    """An organisation by id, exact name or short name."""
    if isinstance(ref, int) or str(ref).isdigit():
        org = session.get(Organisation, int(ref))
    else:
        org = session.scalar(
            select(Organisation).where((Organisation.name == ref) | (Organisation.short_name == ref))
        )
    if org is None:
        raise NotFound(f"No organisation {ref!r}.", hint="List them with 'trygg users orgs'.")
    return org


def create_organisation(session: Session, name: str, kind: str, short_name: str = "",
                        allow_outside: bool = False) -> Organisation:
    if kind not in OrgKind.__members__.values():
        raise ValidationError(f"Unknown organisation kind {kind!r}.",
                              fields={"kind": f"one of {', '.join(OrgKind)}"})
    org = Organisation(name=name, kind=kind, short_name=short_name or name[:60],
                       allow_outside=allow_outside)
    session.add(org)
    session.flush()
    return org


def create_user(session: Session, username: str, password: str, role: str, organisation_id: int,
                display_name: str = "", sensitive_clearance: bool = False,
                signatory_title: str | None = None) -> User:
    problems: dict[str, str] = {}
    if not username or len(username) > 80 or not username.replace("-", "").replace(".", "").replace(
            "_", "").isalnum():
        problems["username"] = "1–80 letters, digits, '.', '-' or '_'"
    if len(password) < 8:
        problems["password"] = "at least 8 characters"
    if role not in Role.__members__.values():
        problems["role"] = f"one of {', '.join(Role)}"
    if problems:
        raise ValidationError("The user could not be created.", fields=problems)
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict(f"A user named {username!r} exists already.", hint="Choose another username.")
    user = User(username=username, password_hash=hash_password(password), role=role,
                organisation_id=organisation_id, display_name=display_name or username,
                sensitive_clearance=sensitive_clearance, signatory_title=signatory_title)
    session.add(user)
    session.flush()
    return user


def get_user_by_name(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def create_session(session: Session, user: User) -> str:
    """Start a login session and return the cookie token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=sha256(token), user_id=user.id))
    session.flush()
    return token


def session_user(session: Session, token: str, idle: timedelta, absolute: timedelta) -> User | None:
    """The user of a live session; expired sessions are deleted. Touches last_seen_at."""
    ws = session.scalar(select(WebSession).where(WebSession.token_hash == sha256(token)))
    if ws is None:
        return None
    now = datetime.now(UTC)
    if now - ws.last_seen_at > idle or now - ws.created_at > absolute:
        session.delete(ws)
        session.flush()
        return None
    if (now - ws.last_seen_at).total_seconds() > 30:
        ws.last_seen_at = now
    user = session.get(User, ws.user_id)
    return user if user is not None and user.active else None


def end_session(session: Session, token: str) -> None:
    ws = session.scalar(select(WebSession).where(WebSession.token_hash == sha256(token)))
    if ws is not None:
        session.delete(ws)


def create_token(session: Session, user: User, name: str = "", days: int | None = 365) -> str:
    """Create an API token for `user`; the plain token is returned once and stored hashed."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=days) if days else None
    session.add(ApiToken(token_hash=sha256(token), prefix=token[:12], name=name, user_id=user.id,
                         expires_at=expires))
    session.flush()
    return token


def token_user(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == sha256(token)))
    now = datetime.now(UTC)
    if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at < now):
        return None
    row.last_used_at = now
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def revoke_token(session: Session, token_id: int) -> None:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"No API token with id {token_id}.")
    row.revoked_at = datetime.now(UTC)

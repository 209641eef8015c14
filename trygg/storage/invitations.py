"""One-time set-password links: an invited user (or one whose password an administrator reset)
chooses a password without anyone else ever knowing it.

The link carries a random token; only its SHA-256 is stored. A link works once, until it
expires, and a newer link of the same user voids the older ones.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.errors import ValidationError
from trygg.storage import users as user_store
from trygg.storage.schema import User
from trygg.storage.schema.golive import PasswordLink

LINK_DAYS = 7
PATH = "/set-password/"


def create_link(session: Session, user: User, purpose: str = "invite", days: int = LINK_DAYS,
                now: datetime | None = None) -> str:
    """A new one-time token for `user` (returned once); earlier unused links of the user stop working."""
    now = now or clock.now()
    for old in session.scalars(select(PasswordLink).where(PasswordLink.user_id == user.id,
                                                          PasswordLink.used_at.is_(None))):
        old.used_at = now
    token = secrets.token_urlsafe(32)
    session.add(PasswordLink(token_hash=user_store.sha256(token), user_id=user.id, purpose=purpose,
                             created_at=now, expires_at=now + timedelta(days=days)))
    session.flush()
    return token


def link_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + PATH + token


def _live(session: Session, token: str, now: datetime) -> PasswordLink | None:
    row = session.scalar(select(PasswordLink).where(PasswordLink.token_hash == user_store.sha256(token)))
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return row


def link_user(session: Session, token: str, now: datetime | None = None) -> User | None:
    """The active user a live link belongs to, or None (unknown, used or expired)."""
    row = _live(session, token, now or clock.now())
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def use_link(session: Session, token: str, password: str, now: datetime | None = None) -> User:
    """Set the password through a live link and spend the link; every session of the user ends."""
    now = now or clock.now()
    row = _live(session, token, now)
    user = session.get(User, row.user_id) if row is not None else None
    if row is None or user is None or not user.active:
        raise ValidationError("This link is unknown, used or expired.",
                              fields={"token": "ask an administrator for a new link"})
    user_store.set_password(session, user, password)
    row.used_at = now
    user_store.end_user_sessions(session, user.id)
    session.flush()
    return user

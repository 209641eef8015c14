"""Going live: one-time links with which an invited user sets a password."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from trygg.storage.schema.base import Base, utcnow


class PasswordLink(Base):
    """A one-time set-password link (an invitation or a reset); the link holds a random token, the
    table its SHA-256. Used once, then `used_at` is set; a newer link of the same user voids it."""

    __tablename__ = "password_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20), default="invite")  # invite | reset
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(nullable=True)


class MunicipalityDetail(Base):
    """A detail of the municipality that an administrator edits in the browser (the Kontaktcenter's
    address and opening hours); it overrides the setting of the same name."""

    __tablename__ = "municipality_details"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

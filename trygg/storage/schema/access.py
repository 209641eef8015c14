"""Access control state: second-factor enrolment, sharing rules and retention periods.

- ``UserSecurity``: per user, a pending TOTP secret during enrolment and the last accepted TOTP
  time step (a code is accepted once). Lockout state (``failed_logins``, ``locked_until``) and
  the enrolled secret live on ``users`` itself.
- ``SharingRule``: which partners may read report details of an organisation × category.
  Without a rule the organisation's ``shares_details`` flag decides (see ``trygg.storage.access``).
- ``RetentionPolicy``: how long report details of a category are kept before
  ``trygg retention run`` removes or anonymises them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trygg.storage.schema.base import Base, utcnow


class UserSecurity(Base):
    __tablename__ = "user_security"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    pending_totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SharingRule(Base):
    """Who outside the organisation may read details of its reports in one category.

    ``audience``: ``partners`` (every partner role that reads details), ``coordination`` (only
    coordinators, police analysts, Kontaktcenter and administrators) or ``none`` (only the
    organisation itself and an organisation the report was routed to).
    """

    __tablename__ = "sharing_rules"
    __table_args__ = (UniqueConstraint("organisation_id", "category", name="uq_sharing_rules_org_category"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RetentionPolicy(Base):
    """Report details of `category` older than `days` are removed or anonymised."""

    __tablename__ = "retention_policies"
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

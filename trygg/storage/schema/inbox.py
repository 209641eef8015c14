"""Tables of the inbox and notifications: what caused an action, its note history, who attended a
meeting, the meeting's minutes, and the transactional outbox of e-mail notifications."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from trygg.storage.schema.base import Base, utcnow

#: The reports an action was created from (one or more).
action_reports = Table(
    "short_term_action_reports",
    Base.metadata,
    Column("action_id", ForeignKey("short_term_actions.id", ondelete="CASCADE"), primary_key=True),
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True, index=True),
)

#: The organisations that took part in an EST meeting (they receive its minutes).
meeting_attendees = Table(
    "est_meeting_attendees",
    Base.metadata,
    Column("meeting_id", ForeignKey("est_meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)


class ActionNote(Base):
    """One step in an action's history: a status change and/or a note, by whom and when."""

    __tablename__ = "action_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("short_term_actions.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class MeetingMinutes(Base):
    """The minutes (protokoll) of an EST meeting as issued: HTML and PDF, archived with the meeting.

    Issuing again makes a new version; the old ones stay."""

    __tablename__ = "meeting_minutes"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("est_meetings.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    lang: Mapped[str] = mapped_column(String(5), default="sv")
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notification(Base):
    """One e-mail in the transactional outbox, written in the transaction of the change that causes it.

    The sender (`trygg.notify.sender`) claims due rows, sends them and marks them ``sent`` after the
    SMTP server accepted the message. ``message_id`` is fixed when the row is written, so a crash
    between sending and marking yields at most one duplicate with the same Message-ID (mail clients
    fold it). A resident's address is deleted with the report (``report_id``, retention).
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_status_next", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # trygg.notify.kinds
    recipient: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(5), default="sv")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), nullable=True,
                                                  index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("short_term_actions.id", ondelete="SET NULL"),
                                                  nullable=True)
    minutes_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_minutes.id", ondelete="SET NULL"),
                                                   nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)

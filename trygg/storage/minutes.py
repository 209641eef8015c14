"""The minutes (protokoll) of EST meetings as issued: each issue is a new archived version."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg.errors import NotFound
from trygg.storage.schema import MeetingMinutes


def save(session: Session, meeting_id: int, *, html: str, pdf: bytes, lang: str,
         created_by: int | None) -> MeetingMinutes:
    """Archive a new version of the meeting's minutes."""
    last = session.scalar(select(func.max(MeetingMinutes.version)).where(MeetingMinutes.meeting_id == meeting_id))
    row = MeetingMinutes(meeting_id=meeting_id, version=int(last or 0) + 1, lang=lang, html=html, pdf=pdf,
                         created_by=created_by)
    session.add(row)
    session.flush()
    return row


def versions(session: Session, meeting_id: int) -> list[MeetingMinutes]:
    """The meeting's issued minutes, newest first."""
    q = select(MeetingMinutes).where(MeetingMinutes.meeting_id == meeting_id)
    return list(session.scalars(q.order_by(MeetingMinutes.version.desc())))


def get(session: Session, meeting_id: int, minutes_id: int) -> MeetingMinutes:
    row = session.get(MeetingMinutes, minutes_id)
    if row is None or row.meeting_id != meeting_id:
        raise NotFound("No such minutes.", hint="Issue the minutes on the meeting's page.")
    return row

"""The demo's EST actions tied to the reports that caused them, with their history and attendees.

Called once by the builder after the reports and the meetings exist. Each action takes up to three
partner reports of its category and district from the two weeks before its meeting (the picture
the meeting looked at; further back when those weeks had none). Its history gets the step of the
meeting and, for a finished action, the owner's closing note on the deadline. Each meeting's
attendees are its group's members, and the demo users get an address at the demo domain so their
notifications land in the demo's mail file.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from trygg.domain.enums import ActionStatus, Source
from trygg.storage.schema import (
    ActionNote,
    EstGroup,
    EstMeeting,
    Report,
    ShortTermAction,
    User,
    action_reports,
    meeting_attendees,
)

CAUSES_PER_ACTION = 3
WINDOWS = (14, 60, 365, 1100)  # days before the meeting searched for causes, widest last
DEMO_MAIL_DOMAIN = "demo.trygg.example"


def _at(day: object, hour: int) -> datetime:
    return datetime.combine(day, time(hour), UTC)  # type: ignore[arg-type]


def tie_demo_actions(session: Session) -> int:
    """Give every demo action its causes and history; returns the number of actions with a cause."""
    tied = 0
    used: set[int] = set()
    meetings = {m.id: m for m in session.scalars(select(EstMeeting))}
    for action in session.scalars(select(ShortTermAction).order_by(ShortTermAction.id)):
        meeting = meetings.get(action.meeting_id or 0)
        if meeting is None:
            continue
        ids: list[int] = []
        for days in WINDOWS:  # the picture of the meeting; further back where those weeks were quiet
            start, end = _at(meeting.held_on - timedelta(days=days), 0), _at(meeting.held_on, 0)
            q = (select(Report.id).where(Report.area_id == action.area_id, Report.occurred_from >= start,
                                         Report.occurred_from < end, Report.source == Source.EST)
                 .order_by(Report.occurred_from.desc(), Report.id))
            if action.category:
                q = q.where(Report.category == action.category)
            ids = [i for i in session.scalars(q.limit(20)) if i not in used][:CAUSES_PER_ACTION]
            if ids:
                break
        if ids:
            session.execute(insert(action_reports), [{"action_id": action.id, "report_id": i} for i in ids])
            action.report_id = ids[0]
            used.update(ids)
            tied += 1
        created = _at(meeting.held_on, 10)
        action.created_by, action.created_at, action.updated_at = meeting.created_by, created, created
        session.add(ActionNote(action_id=action.id, at=created, user_id=meeting.created_by, from_status="",
                               to_status=ActionStatus.OPEN, note=""))
        if action.status in (ActionStatus.DONE, ActionStatus.CANCELLED):
            closed = _at(action.due, 14)
            action.updated_at = closed
            session.add(ActionNote(action_id=action.id, at=closed, organisation_id=action.owner_organisation_id,
                                   from_status=ActionStatus.OPEN, to_status=action.status, note=action.outcome))
    for group in session.scalars(select(EstGroup)):
        members = [o.id for o in group.members]
        rows = [{"meeting_id": m.id, "organisation_id": o} for m in meetings.values()
                if m.est_group_id == group.id for o in members]
        if rows:
            session.execute(insert(meeting_attendees), rows)
    for user in session.scalars(select(User).where(User.email.is_(None))):
        user.email = f"{user.username}@{DEMO_MAIL_DOMAIN}"
    session.flush()
    return tied

"""EST meetings (the weekly meetings of an EST group) and the short-term actions decided there.

Not to be confused with the *information meetings* of field work (`trygg.storage.fieldwork`,
``InfoMeeting``). The EST groups themselves — their areas, members, archive — are owned by
`trygg.storage.est_groups`; `get_group`, `group_areas` and `list_groups` are re-exported here for
the meeting pages. Each meeting (``EstMeeting``) records the
decisions as short-term actions (``ShortTermAction``) with an owner organisation and a deadline; the
next meeting reads how they went (status and outcome).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from trygg.domain.enums import OPEN_ACTION_STATUSES, ActionStatus
from trygg.errors import NotFound, ValidationError
from trygg.storage import actions
from trygg.storage.est_groups import get_group, group_areas, list_groups
from trygg.storage.schema import (
    ActionNote,
    Area,
    EstGroup,
    EstMeeting,
    Organisation,
    ShortTermAction,
    meeting_attendees,
)


@dataclass(frozen=True)
class GroupOverview:
    """One EST group with its areas, last meeting and number of open actions (members: ``group.members``)."""

    group: EstGroup
    areas: tuple[Area, ...]
    last_meeting: EstMeeting | None
    open_actions: int


def group_overviews(session: Session, *, archived: bool = False) -> list[GroupOverview]:
    """The active groups (or, with ``archived=True``, the archived ones) with their areas and meetings."""
    out: list[GroupOverview] = []
    for g in list_groups(session, archived=archived):
        out.append(GroupOverview(g, tuple(group_areas(session, g.id)), last_meeting(session, g.id),
                                 len(open_actions(session, g.id))))
    return out


def list_meetings(session: Session, group_id: int, limit: int = 20) -> list[EstMeeting]:
    """The group's meetings, newest first."""
    q = (select(EstMeeting).where(EstMeeting.est_group_id == group_id)
         .order_by(EstMeeting.held_on.desc(), EstMeeting.id.desc()).limit(limit))
    return list(session.scalars(q))


def get_meeting(session: Session, meeting_id: int) -> EstMeeting:
    meeting = session.get(EstMeeting, meeting_id)
    if meeting is None:
        raise NotFound(f"No EST meeting with id {meeting_id}.", hint="Open the group's page at /meetings.")
    return meeting


def last_meeting(session: Session, group_id: int, before: date | None = None) -> EstMeeting | None:
    """The group's latest meeting (held strictly before `before` when given)."""
    q = select(EstMeeting).where(EstMeeting.est_group_id == group_id)
    if before is not None:
        q = q.where(EstMeeting.held_on < before)
    return session.scalar(q.order_by(EstMeeting.held_on.desc(), EstMeeting.id.desc()).limit(1))


def create_meeting(session: Session, group_id: int, held_on: date, notes: str = "",
                   created_by: int | None = None) -> EstMeeting:
    get_group(session, group_id)
    meeting = EstMeeting(est_group_id=group_id, held_on=held_on, notes=notes.strip(), created_by=created_by)
    session.add(meeting)
    session.flush()
    return meeting


def add_action(session: Session, meeting_id: int, *, title: str, owner_organisation_id: int, due: date,
               area_id: int | None = None, category: str | None = None, report_ids: tuple[int, ...] = (),
               place_id: int | None = None, cell: str | None = None, created_by: int | None = None,
               user_organisation_id: int | None = None) -> ShortTermAction:
    """Record a decision of the meeting as a short-term action (`trygg.storage.actions.create_action`)."""
    get_meeting(session, meeting_id)
    try:
        return actions.create_action(session, title=title, owner_organisation_id=owner_organisation_id, due=due,
                                     meeting_id=meeting_id, report_ids=report_ids, place_id=place_id, cell=cell,
                                     area_id=area_id, category=category, created_by=created_by,
                                     user_organisation_id=user_organisation_id)
    except ValidationError as exc:
        fields = dict(exc.fields)
        if "owner_organisation" in fields:
            fields["owner_organisation_id"] = fields.pop("owner_organisation")
        raise ValidationError(exc.message, fields=fields) from None


def get_action(session: Session, action_id: int) -> ShortTermAction:
    return actions.get_action(session, action_id)


def update_action(session: Session, action_id: int, *, status: str, outcome: str, user_id: int | None = None,
                  organisation_id: int | None = None) -> ShortTermAction:
    """Set how an action went (status and a short outcome), kept in the action's history."""
    if status not in {str(s) for s in ActionStatus}:
        raise ValidationError("The status is not valid.",
                              fields={"status": f"one of {', '.join(ActionStatus)}"})
    action = get_action(session, action_id)
    outcome = outcome.strip()[:4000]
    if status != action.status or outcome != action.outcome:
        actions.change_status(session, action, status=status, note=outcome if outcome != action.outcome else "",
                              user_id=user_id, organisation_id=organisation_id)
    action.outcome = outcome
    session.flush()
    return action


def meeting_actions(session: Session, meeting_id: int) -> list[ShortTermAction]:
    q = select(ShortTermAction).where(ShortTermAction.meeting_id == meeting_id).order_by(ShortTermAction.id)
    return list(session.scalars(q))


def group_of_action(session: Session, action: ShortTermAction) -> int | None:
    """The EST group whose meeting decided the action (or that owns its area, for an action without one)."""
    if action.meeting_id is not None:
        return get_meeting(session, action.meeting_id).est_group_id
    area = session.get(Area, action.area_id) if action.area_id is not None else None
    return area.est_group_id if area is not None else None


def _of_group(group_id: int) -> Any:
    """Actions decided at the group's meetings, or created between meetings in the group's areas."""
    meetings = select(EstMeeting.id).where(EstMeeting.est_group_id == group_id)
    areas = select(Area.id).where(Area.est_group_id == group_id)
    return or_(ShortTermAction.meeting_id.in_(meetings),
               ShortTermAction.meeting_id.is_(None) & ShortTermAction.area_id.in_(areas))


def open_actions(session: Session, group_id: int, due_by: date | None = None) -> list[ShortTermAction]:
    """The group's open actions (ny or pågår; due on or before `due_by` when given), earliest deadline first."""
    q = select(ShortTermAction).where(_of_group(group_id),
                                      ShortTermAction.status.in_([str(s) for s in OPEN_ACTION_STATUSES]))
    if due_by is not None:
        q = q.where(ShortTermAction.due <= due_by)
    return list(session.scalars(q.order_by(ShortTermAction.due, ShortTermAction.id)))


def actions_in_areas(session: Session, area_ids: list[int], limit: int = 20) -> list[ShortTermAction]:
    """Recent short-term actions placed in any of the areas, newest deadline first."""
    if not area_ids:
        return []
    q = (select(ShortTermAction).where(ShortTermAction.area_id.in_(area_ids))
         .order_by(ShortTermAction.due.desc(), ShortTermAction.id.desc()).limit(limit))
    return list(session.scalars(q))


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def set_attendees(session: Session, meeting_id: int, organisation_ids: list[int]) -> None:
    """The organisations that took part in the meeting (they receive its minutes)."""
    known = set(session.scalars(select(Organisation.id).where(Organisation.id.in_(organisation_ids))))
    session.execute(delete(meeting_attendees).where(meeting_attendees.c.meeting_id == meeting_id))
    if known:
        session.execute(insert(meeting_attendees),
                        [{"meeting_id": meeting_id, "organisation_id": o} for o in sorted(known)])
    session.flush()


def attendees(session: Session, meeting_id: int) -> list[Organisation]:
    q = (select(Organisation).join(meeting_attendees, meeting_attendees.c.organisation_id == Organisation.id)
         .where(meeting_attendees.c.meeting_id == meeting_id).order_by(Organisation.name))
    return list(session.scalars(q))


def followed_up_actions(session: Session, group_id: int, before_meeting: EstMeeting) -> list[ShortTermAction]:
    """Earlier actions of the group to follow up in `before_meeting`'s minutes: those still open when
    it was held and those whose history changed since the meeting before it."""
    prev = last_meeting(session, group_id, before=before_meeting.held_on)
    q = select(ShortTermAction).where(_of_group(group_id), ShortTermAction.meeting_id != before_meeting.id)
    out = []
    for a in session.scalars(q.order_by(ShortTermAction.due, ShortTermAction.id)):
        if a.meeting_id is None and a.created_at is not None and a.created_at.date() > before_meeting.held_on:
            continue
        if a.meeting_id is not None:
            m = session.get(EstMeeting, a.meeting_id)
            if m is None or m.held_on > before_meeting.held_on:
                continue
        changed = a.updated_at is not None and prev is not None and a.updated_at.date() >= prev.held_on
        if a.status in OPEN_ACTION_STATUSES or changed:
            out.append(a)
    return out


def changed_since(session: Session, group_id: int, since: datetime) -> list[ShortTermAction]:
    """The group's actions whose status or notes changed after `since` (also the finished ones)."""
    changed = select(ActionNote.action_id).where(ActionNote.at > since, or_(ActionNote.note != "",
                                                                           ActionNote.from_status != ""))
    q = select(ShortTermAction).where(_of_group(group_id), ShortTermAction.id.in_(changed))
    return list(session.scalars(q.order_by(ShortTermAction.due, ShortTermAction.id)))

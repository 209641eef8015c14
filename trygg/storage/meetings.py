"""EST groups, their weekly meetings and the short-term actions decided there.

An EST group owns a set of areas (``Area.est_group_id``); creating, editing, archiving and deleting
groups from the browser lives in `trygg.storage.est_groups`. Each meeting (``EstMeeting``) records the
decisions as short-term actions (``ShortTermAction``) with an owner organisation and a deadline; the
next meeting reads how they went (status and outcome).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg.domain.enums import ActionStatus, AreaLevel
from trygg.domain.personal_data import guard
from trygg.errors import NotFound, ValidationError
from trygg.storage.schema import Area, EstGroup, EstMeeting, Organisation, ShortTermAction


@dataclass(frozen=True)
class GroupOverview:
    """One EST group with its areas, last meeting and number of open actions (members: ``group.members``)."""

    group: EstGroup
    areas: tuple[Area, ...]
    last_meeting: EstMeeting | None
    open_actions: int


def list_groups(session: Session) -> list[EstGroup]:
    return list(session.scalars(select(EstGroup).order_by(EstGroup.name)))


def create_group(session: Session, name: str, description: str = "", area_ids: tuple[int, ...] = ()) -> EstGroup:
    """A new EST group owning the given areas (an area belongs to one group at a time)."""
    if not name.strip():
        raise ValidationError("The group needs a name.", fields={"name": "Give the group a name."})
    group = EstGroup(name=name.strip(), description=description.strip())
    session.add(group)
    session.flush()
    for area_id in area_ids:
        area = session.get(Area, area_id)
        if area is None:
            raise ValidationError("Unknown area.", fields={"area_ids": f"No area with id {area_id}."})
        area.est_group_id = group.id
    session.flush()
    return group


def get_group(session: Session, group_id: int) -> EstGroup:
    group = session.get(EstGroup, group_id)
    if group is None:
        raise NotFound(f"No EST group with id {group_id}.", hint="See the list of EST groups at /meetings.")
    return group


def group_areas(session: Session, group_id: int) -> list[Area]:
    """The RegSO-level areas the group owns, by name."""
    q = select(Area).where(Area.est_group_id == group_id, Area.level == AreaLevel.REGSO).order_by(Area.name)
    return list(session.scalars(q))


def group_overviews(session: Session, *, archived: bool = False) -> list[GroupOverview]:
    """The active groups (or, with ``archived=True``, the archived ones) with their areas and meetings."""
    out: list[GroupOverview] = []
    for g in list_groups(session):
        if g.archived != archived:
            continue
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
    guard({"notes": notes})
    meeting = EstMeeting(est_group_id=group_id, held_on=held_on, notes=notes.strip(), created_by=created_by)
    session.add(meeting)
    session.flush()
    return meeting


def update_meeting_notes(session: Session, meeting_id: int, notes: str) -> EstMeeting:
    meeting = get_meeting(session, meeting_id)
    guard({"notes": notes})
    meeting.notes = notes.strip()
    session.flush()
    return meeting


def add_action(session: Session, meeting_id: int, *, title: str, owner_organisation_id: int, due: date,
               area_id: int | None = None, category: str | None = None,
               report_id: int | None = None) -> ShortTermAction:
    """Record a decision of the meeting as a short-term action; raises ValidationError on bad input."""
    meeting = get_meeting(session, meeting_id)
    errors: dict[str, str] = {}
    title = title.strip()
    if not title:
        errors["title"] = "Describe the action (what is done, where)."
    elif len(title) > 300:
        errors["title"] = "At most 300 characters."
    if session.get(Organisation, owner_organisation_id) is None:
        errors["owner_organisation_id"] = f"No organisation with id {owner_organisation_id}."
    if due < meeting.held_on:
        errors["due"] = "The deadline cannot be before the meeting."
    if area_id is not None and session.get(Area, area_id) is None:
        errors["area_id"] = f"No area with id {area_id}."
    if "title" not in errors:
        guard({"title": title}, errors=errors)
    if errors:
        raise ValidationError("The action could not be recorded.", fields=errors)
    action = ShortTermAction(meeting_id=meeting_id, title=title, owner_organisation_id=owner_organisation_id,
                             due=due, area_id=area_id, category=category or None, report_id=report_id,
                             status=ActionStatus.OPEN, outcome="")
    session.add(action)
    session.flush()
    return action


def get_action(session: Session, action_id: int) -> ShortTermAction:
    action = session.get(ShortTermAction, action_id)
    if action is None:
        raise NotFound(f"No short-term action with id {action_id}.")
    return action


def update_action(session: Session, action_id: int, *, status: str, outcome: str) -> ShortTermAction:
    """Set how an action went: status open / done / cancelled and a short outcome."""
    if status not in {str(s) for s in ActionStatus}:
        raise ValidationError("The status is not valid.",
                              fields={"status": f"one of {', '.join(ActionStatus)}"})
    guard({"outcome": outcome})
    action = get_action(session, action_id)
    action.status = status
    action.outcome = outcome.strip()[:4000]
    session.flush()
    return action


def meeting_actions(session: Session, meeting_id: int) -> list[ShortTermAction]:
    q = select(ShortTermAction).where(ShortTermAction.meeting_id == meeting_id).order_by(ShortTermAction.id)
    return list(session.scalars(q))


def group_of_action(session: Session, action: ShortTermAction) -> int:
    return get_meeting(session, action.meeting_id).est_group_id


def open_actions(session: Session, group_id: int, due_by: date | None = None) -> list[ShortTermAction]:
    """The group's open actions (due on or before `due_by` when given), earliest deadline first."""
    q = (select(ShortTermAction).join(EstMeeting, EstMeeting.id == ShortTermAction.meeting_id)
         .where(EstMeeting.est_group_id == group_id, ShortTermAction.status == ActionStatus.OPEN))
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


def count_meetings(session: Session, group_id: int) -> int:
    return int(session.scalar(select(func.count(EstMeeting.id)).where(EstMeeting.est_group_id == group_id)) or 0)


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))

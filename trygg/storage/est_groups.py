"""Managing EST groups: name, description, areas, member organisations, usual meeting day, archive.

An area belongs to one group at a time (``Area.est_group_id``). Choosing an area that another group
owns is a *move*: `create_group` and `update_group` refuse it unless the area is in
``GroupInput.confirm_moves``, so an area is never taken from a group silently. A group with
meetings cannot be deleted — its decisions and their follow-up are history — it is archived
instead: hidden from the active groups, meetings and actions kept, restorable.

The field names of the errors (``name``, ``areas``, ``members``, …) are the form's field names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trygg.domain.enums import AreaLevel
from trygg.errors import Conflict, NotFound, ValidationError
from trygg.storage.areas import current as current_area
from trygg.storage.schema import Area, EstGroup, EstMeeting, Organisation

MAX_NAME = 200
MAX_DESCRIPTION = 4000
#: Weekdays as stored in ``EstGroup.meeting_weekday`` (Python's ``date.weekday()``).
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class GroupInput:
    """What the group form sends, already split into ids (see `trygg.web.routes.est_groups`)."""

    name: str
    description: str = ""
    area_ids: tuple[int, ...] = ()
    member_ids: tuple[int, ...] = ()
    meeting_weekday: int | None = None
    meeting_time: str | None = None
    #: Areas of other groups the user confirmed to move into this group.
    confirm_moves: frozenset[int] = frozenset()


@dataclass(frozen=True)
class AreaChoice:
    """A district (RegSO) that can be chosen, with the group that owns it now (if any)."""

    area: Area
    group_id: int | None = None
    group_name: str | None = None
    group_archived: bool = False


@dataclass(frozen=True)
class SavedGroup:
    """The saved group and what changed, for the audit trail."""

    group: EstGroup
    changes: dict[str, Any] = field(default_factory=dict)
    #: area id → id of the group it was moved from
    moved_from: dict[int, int] = field(default_factory=dict)


def area_choices(session: Session) -> list[AreaChoice]:
    """Every district (RegSO) by name, with the group that owns it now."""
    groups = {g.id: g for g in session.scalars(select(EstGroup))}
    areas = session.scalars(select(Area).where(Area.level == AreaLevel.REGSO, current_area()).order_by(Area.name))
    out: list[AreaChoice] = []
    for a in areas:
        g = groups.get(a.est_group_id) if a.est_group_id is not None else None
        out.append(AreaChoice(a, g.id, g.name, g.archived) if g else AreaChoice(a))
    return out


def pending_moves(session: Session, area_ids: tuple[int, ...], group_id: int | None) -> list[AreaChoice]:
    """The chosen areas that another group owns now (each must be confirmed to move)."""
    wanted = set(area_ids)
    return [c for c in area_choices(session)
            if c.area.id in wanted and c.group_id is not None and c.group_id != group_id]


def group_members(session: Session, group_id: int) -> list[Organisation]:
    """The organisations taking part in the group, by name."""
    return list(get_group(session, group_id).members)


def list_groups(session: Session, *, archived: bool | None = None) -> list[EstGroup]:
    """The active (``archived=False``), the archived (``True``) or all groups (None), by name."""
    q = select(EstGroup).order_by(EstGroup.name)
    return list(session.scalars(q if archived is None else q.where(EstGroup.archived == archived)))


def get_group(session: Session, group_id: int) -> EstGroup:
    group = session.get(EstGroup, group_id)
    if group is None:
        raise NotFound(f"No EST group with id {group_id}.", hint="See the list of EST groups at /meetings.")
    return group


def group_areas(session: Session, group_id: int) -> list[Area]:
    """The RegSO-level areas the group owns, by name."""
    q = select(Area).where(Area.est_group_id == group_id, Area.level == AreaLevel.REGSO,
                        current_area()).order_by(Area.name)
    return list(session.scalars(q))


def count_meetings(session: Session, group_id: int) -> int:
    return int(session.scalar(select(func.count(EstMeeting.id)).where(EstMeeting.est_group_id == group_id)) or 0)


def validate(session: Session, data: GroupInput, group_id: int | None = None) -> dict[str, str]:
    """Field errors of `data` for a new group (`group_id` None) or an existing one; empty when valid."""
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "Give the group a name."
    elif len(name) > MAX_NAME:
        errors["name"] = "At most 200 characters."
    elif any(g.name.casefold() == name.casefold() and g.id != group_id for g in session.scalars(select(EstGroup))):
        errors["name"] = "An EST group with this name already exists (archived groups count too). Choose another name."
    if len(data.description.strip()) > MAX_DESCRIPTION:
        errors["description"] = "At most 4000 characters."
    if not data.area_ids:
        errors["areas"] = "Choose at least one district the group covers."
    else:
        known = set(session.scalars(select(Area.id).where(Area.id.in_(data.area_ids),
                                                          Area.level == AreaLevel.REGSO, current_area())))
        if known != set(data.area_ids):
            errors["areas"] = "Choose districts from the list (one of them does not exist or is not a district)."
        elif any(c.area.id not in data.confirm_moves for c in pending_moves(session, data.area_ids, group_id)):
            errors["areas"] = ("Some districts belong to another EST group. Confirm the move of each one in the "
                               "list, or leave it out.")
    if data.member_ids:
        orgs = set(session.scalars(select(Organisation.id).where(Organisation.id.in_(data.member_ids))))
        if orgs != set(data.member_ids):
            errors["members"] = "Choose organisations from the list (one of them does not exist)."
    if data.meeting_weekday is not None and data.meeting_weekday not in range(7):
        errors["meeting_weekday"] = "Choose a weekday from the list."
    if data.meeting_time:
        if not _TIME.match(data.meeting_time.strip()):
            errors["meeting_time"] = "Give the time as HH:MM, for example 09:30."
        elif data.meeting_weekday is None and "meeting_weekday" not in errors:
            errors["meeting_weekday"] = "Choose the weekday of the meeting too."
    return errors


def create_group(session: Session, data: GroupInput) -> SavedGroup:
    """A new EST group; raises ValidationError with field errors (nothing is stored then)."""
    _raise_if(validate(session, data), "The EST group could not be created.")
    group = EstGroup(name=data.name.strip(), description=data.description.strip(), archived=False)
    session.add(group)
    _flush_unique(session)
    return _apply(session, group, data, {"name": group.name})


def update_group(session: Session, group_id: int, data: GroupInput) -> SavedGroup:
    """Rename the group and set its description, areas, members and meeting day; audit-ready changes."""
    group = get_group(session, group_id)
    _raise_if(validate(session, data, group_id), "The EST group could not be saved.")
    changes: dict[str, Any] = {}
    name = data.name.strip()
    if name != group.name:
        changes["name"] = [group.name, name]
        group.name = name
    if data.description.strip() != group.description:
        changes["description_changed"] = True
        group.description = data.description.strip()
    _flush_unique(session)
    return _apply(session, group, data, changes)


def set_archived(session: Session, group_id: int, archived: bool) -> EstGroup:
    """Archive (hide from the active groups, keep the history) or restore a group."""
    group = get_group(session, group_id)
    group.archived = archived
    session.flush()
    return group


def delete_group(session: Session, group_id: int) -> dict[str, Any]:
    """Delete a group without meetings; its districts become free. Returns what was deleted (for the audit).

    Raises Conflict when the group has meetings: archive it instead."""
    group = get_group(session, group_id)
    meetings = count_meetings(session, group_id)
    if meetings:
        raise Conflict(f"The EST group {group.name} has {meetings} recorded meetings and cannot be deleted.",
                       hint="Archive it instead: it disappears from the active groups and keeps its history.")
    areas = sorted(session.scalars(select(Area.id).where(Area.est_group_id == group_id)))
    gone = {"name": group.name, "areas": areas, "members": sorted(o.id for o in group.members)}
    session.execute(update(Area).where(Area.est_group_id == group_id).values(est_group_id=None))
    session.delete(group)
    session.flush()
    return gone


def _apply(session: Session, group: EstGroup, data: GroupInput, changes: dict[str, Any]) -> SavedGroup:
    """Set areas, members and meeting day of a validated group; collect what changed."""
    current = set(session.scalars(select(Area.id).where(Area.est_group_id == group.id,
                                                        Area.level == AreaLevel.REGSO, current_area())))
    wanted = set(data.area_ids)
    moved: dict[int, int] = {}
    for area in session.scalars(select(Area).where(Area.id.in_(wanted - current))):
        if area.est_group_id is not None:
            moved[area.id] = area.est_group_id
        area.est_group_id = group.id
    for area in session.scalars(select(Area).where(Area.id.in_(current - wanted))):
        area.est_group_id = None
    if wanted - current:
        changes["areas_added"] = sorted(wanted - current)
    if current - wanted:
        changes["areas_removed"] = sorted(current - wanted)
    if moved:
        changes["moved_from"] = {str(k): v for k, v in sorted(moved.items())}
    old_members = {o.id for o in group.members}
    new_members = set(data.member_ids)
    if new_members != old_members:
        group.members = list(session.scalars(select(Organisation).where(Organisation.id.in_(new_members))))
        if new_members - old_members:
            changes["members_added"] = sorted(new_members - old_members)
        if old_members - new_members:
            changes["members_removed"] = sorted(old_members - new_members)
    time = (data.meeting_time or "").strip() or None
    if (data.meeting_weekday, time) != (group.meeting_weekday, group.meeting_time):
        changes["meeting"] = [data.meeting_weekday, time]
        group.meeting_weekday, group.meeting_time = data.meeting_weekday, time
    session.flush()
    return SavedGroup(group, changes, moved)


def _flush_unique(session: Session) -> None:
    """Flush; a name taken meanwhile by a concurrent request becomes the same field error."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise ValidationError("The EST group could not be saved.", fields={
            "name": "An EST group with this name already exists (archived groups count too). "
                    "Choose another name."}) from exc


def _raise_if(errors: dict[str, str], message: str) -> None:
    if errors:
        raise ValidationError(message, fields=errors, hint="Correct the marked fields and send the form again.")

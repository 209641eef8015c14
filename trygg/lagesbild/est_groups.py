"""The EST groups service: create, change, archive and delete groups with their rules and messages.

An area belongs to one group at a time. Choosing an area that another group owns is a *move*:
`create_group` and `update_group` refuse it unless the area is in ``GroupInput.confirm_moves``, so
an area is never taken from a group silently. A group with meetings cannot be deleted — its
decisions and their follow-up are history — it is archived instead: hidden from the active groups,
meetings and actions kept, restorable. All SQL is `trygg.storage.est_groups`.

The field names of the errors (``name``, ``areas``, ``members``, …) are the form's field names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from trygg.errors import Conflict, ValidationError
from trygg.storage import est_groups as store
from trygg.storage.est_groups import (
    AreaChoice,
    area_choices,
    count_meetings,
    get_group,
    group_areas,
    group_members,
    list_groups,
    pending_moves,
)
from trygg.storage.schema import EstGroup

__all__ = ["AreaChoice", "GroupInput", "SavedGroup", "area_choices", "count_meetings", "create_group",
           "delete_group", "get_group", "group_areas", "group_members", "list_groups", "pending_moves",
           "set_archived", "update_group", "validate"]

MAX_NAME = 200
MAX_DESCRIPTION = 4000
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
NAME_TAKEN = "An EST group with this name already exists (archived groups count too). Choose another name."


@dataclass(frozen=True)
class GroupInput:
    """What the group form sends, already split into ids (see `trygg.web.meetings.est_groups`)."""

    name: str
    description: str = ""
    area_ids: tuple[int, ...] = ()
    member_ids: tuple[int, ...] = ()
    meeting_weekday: int | None = None
    meeting_time: str | None = None
    #: Areas of other groups the user confirmed to move into this group.
    confirm_moves: frozenset[int] = frozenset()


@dataclass(frozen=True)
class SavedGroup:
    """The saved group and what changed, for the audit trail."""

    group: EstGroup
    changes: dict[str, Any] = field(default_factory=dict)
    #: area id → id of the group it was moved from
    moved_from: dict[int, int] = field(default_factory=dict)


def validate(session: Session, data: GroupInput, group_id: int | None = None) -> dict[str, str]:
    """Field errors of `data` for a new group (`group_id` None) or an existing one; empty when valid."""
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "Give the group a name."
    elif len(name) > MAX_NAME:
        errors["name"] = "At most 200 characters."
    elif store.name_taken(session, name, group_id):
        errors["name"] = NAME_TAKEN
    if len(data.description.strip()) > MAX_DESCRIPTION:
        errors["description"] = "At most 4000 characters."
    if not data.area_ids:
        errors["areas"] = "Choose at least one district the group covers."
    elif store.district_ids(session, data.area_ids) != set(data.area_ids):
        errors["areas"] = "Choose districts from the list (one of them does not exist or is not a district)."
    elif any(c.area.id not in data.confirm_moves for c in pending_moves(session, data.area_ids, group_id)):
        errors["areas"] = ("Some districts belong to another EST group. Confirm the move of each one in the "
                           "list, or leave it out.")
    if data.member_ids and store.organisation_ids(session, data.member_ids) != set(data.member_ids):
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
    group = store.add_group(session, data.name.strip(), data.description.strip())
    if group is None:
        raise _name_taken()
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
    if not store.flush_unique(session):
        raise _name_taken()
    return _apply(session, group, data, changes)


def set_archived(session: Session, group_id: int, archived: bool) -> EstGroup:
    """Archive (hide from the active groups, keep the history) or restore a group."""
    return store.set_archived(session, group_id, archived)


def delete_group(session: Session, group_id: int) -> dict[str, Any]:
    """Delete a group without meetings; its districts become free. Returns what was deleted (for the audit).

    Raises Conflict when the group has meetings: archive it instead."""
    group = get_group(session, group_id)
    meetings = count_meetings(session, group_id)
    if meetings:
        raise Conflict(f"The EST group {group.name} has {meetings} recorded meetings and cannot be deleted.",
                       hint="Archive it instead: it disappears from the active groups and keeps its history.")
    return store.delete_group(session, group_id)


def _apply(session: Session, group: EstGroup, data: GroupInput, changes: dict[str, Any]) -> SavedGroup:
    moved = store.assign(session, group, data.area_ids, data.member_ids, data.meeting_weekday,
                         data.meeting_time, changes)
    return SavedGroup(group, changes, moved)


def _name_taken() -> ValidationError:
    """A name taken meanwhile by a concurrent request: the same field error as `validate` gives."""
    return ValidationError("The EST group could not be saved.", fields={"name": NAME_TAKEN})


def _raise_if(errors: dict[str, str], message: str) -> None:
    if errors:
        raise ValidationError(message, fields=errors, hint="Correct the marked fields and send the form again.")

"""The SQL of EST groups: districts and who owns them, members, meetings counted, writes.

An area belongs to one group at a time (``Area.est_group_id``). The rules — names, confirmed moves
of districts, no deletion of a group with meetings — and their field messages are the EST groups
service's (`trygg.lagesbild.est_groups`); this module only reads and writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trygg.domain.enums import AreaLevel
from trygg.errors import NotFound
from trygg.storage.areas import current as current_area
from trygg.storage.schema import Area, EstGroup, EstMeeting, Organisation


@dataclass(frozen=True)
class AreaChoice:
    """A district (RegSO) that can be chosen, with the group that owns it now (if any)."""

    area: Area
    group_id: int | None = None
    group_name: str | None = None
    group_archived: bool = False


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


def name_taken(session: Session, name: str, group_id: int | None = None) -> bool:
    """Whether another group (archived ones too) has `name`, whatever its case."""
    return any(g.name.casefold() == name.casefold() and g.id != group_id for g in session.scalars(select(EstGroup)))


def district_ids(session: Session, area_ids: tuple[int, ...]) -> set[int]:
    """Those of `area_ids` that are districts (RegSO)."""
    return set(session.scalars(select(Area.id).where(Area.id.in_(area_ids), Area.level == AreaLevel.REGSO,
                                                     current_area())))


def organisation_ids(session: Session, ids: tuple[int, ...]) -> set[int]:
    """Those of `ids` that are organisations."""
    return set(session.scalars(select(Organisation.id).where(Organisation.id.in_(ids))))


def add_group(session: Session, name: str, description: str) -> EstGroup | None:
    """A new group (not archived), flushed; None when the name was taken meanwhile (unique index)."""
    group = EstGroup(name=name, description=description, archived=False)
    session.add(group)
    return group if flush_unique(session) else None


def set_archived(session: Session, group_id: int, archived: bool) -> EstGroup:
    """Archive (hide from the active groups, keep the history) or restore a group."""
    group = get_group(session, group_id)
    group.archived = archived
    session.flush()
    return group


def delete_group(session: Session, group_id: int) -> dict[str, Any]:
    """Delete a group; its districts become free. Returns what was deleted (for the audit)."""
    group = get_group(session, group_id)
    areas = sorted(session.scalars(select(Area.id).where(Area.est_group_id == group_id)))
    gone = {"name": group.name, "areas": areas, "members": sorted(o.id for o in group.members)}
    session.execute(update(Area).where(Area.est_group_id == group_id).values(est_group_id=None))
    session.delete(group)
    session.flush()
    return gone


def assign(session: Session, group: EstGroup, area_ids: tuple[int, ...], member_ids: tuple[int, ...],
           meeting_weekday: int | None, meeting_time: str | None, changes: dict[str, Any]) -> dict[int, int]:
    """Set areas, members and meeting day of a validated group; add what changed to `changes`.

    Returns the areas taken from other groups: area id → id of the group it was moved from."""
    current = set(session.scalars(select(Area.id).where(Area.est_group_id == group.id,
                                                        Area.level == AreaLevel.REGSO, current_area())))
    wanted = set(area_ids)
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
    new_members = set(member_ids)
    if new_members != old_members:
        group.members = list(session.scalars(select(Organisation).where(Organisation.id.in_(new_members))))
        if new_members - old_members:
            changes["members_added"] = sorted(new_members - old_members)
        if old_members - new_members:
            changes["members_removed"] = sorted(old_members - new_members)
    time = (meeting_time or "").strip() or None
    if (meeting_weekday, time) != (group.meeting_weekday, group.meeting_time):
        changes["meeting"] = [meeting_weekday, time]
        group.meeting_weekday, group.meeting_time = meeting_weekday, time
    session.flush()
    return moved


def flush_unique(session: Session) -> bool:
    """Flush; False (and nothing flushed) when a name was taken meanwhile by a concurrent request."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        return False
    return True

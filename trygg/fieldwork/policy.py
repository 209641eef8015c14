"""Who may do what in field work, on top of the role table in `trygg.domain.permissions`.
Services call these; routes declare the role part with `trygg.web.access.require_permission`;
a read of something a user may not see answers 404 (NotFound), as everywhere in Trygg.

- Managers (admin, coordinator, police analyst) plan walks and manage every registry.
- Members of a walk's organising or participating organisations record its observations.
- The organisation a finding is routed to moves it to resolved (managers may too).
- Volunteer organisations' reporters log their own night-walker shifts.
- Inspection records are seen by managers and by police and municipality staff only.
"""

from __future__ import annotations

from trygg.domain.enums import OrgKind, Role
from trygg.domain.permissions import ANALYST_ROLES, FIELDWORK_READ_ALL, FIELDWORK_WRITERS, Permission, check
from trygg.errors import NotFound, PermissionDenied
from trygg.storage.schema import User
from trygg.storage.schema.fieldwork import NightShift, SafetyWalk, WalkObservation

# The role sets come from the one permission table (trygg.domain.permissions).
MANAGERS = ANALYST_ROLES
READ_ALL = FIELDWORK_READ_ALL
WRITERS = FIELDWORK_WRITERS
AUTHORITY_KINDS = frozenset({OrgKind.POLICE, OrgKind.MUNICIPALITY})


def is_manager(user: User) -> bool:
    return user.role in MANAGERS


def is_partner(user: User) -> bool:
    return user.role != Role.PUBLIC


def require_manager(user: User) -> None:
    check(user, Permission.FIELDWORK_MANAGE)


def require_walk_planner(user: User) -> None:
    """PermissionDenied unless `user` may plan a safety walk (the one place of this rule)."""
    check(user, Permission.WALK_PLAN)


def walk_org_ids(walk: SafetyWalk) -> set[int]:
    return {walk.organiser_id, *(o.id for o in walk.organisations)}


def can_see_walk(user: User, walk: SafetyWalk) -> bool:
    if user.role in READ_ALL:
        return True
    if not is_partner(user):
        return False
    if user.organisation_id in walk_org_ids(walk):
        return True
    return any(o.routed_to_id == user.organisation_id for o in walk.observations)


def visible_walk(user: User, walk: SafetyWalk | None) -> SafetyWalk:
    if walk is None or not can_see_walk(user, walk):
        raise NotFound("No such safety walk.")
    return walk


def can_record_on(user: User, walk: SafetyWalk) -> bool:
    if is_manager(user):
        return True
    return user.role in WRITERS and user.organisation_id in walk_org_ids(walk)


def require_record_on(user: User, walk: SafetyWalk) -> None:
    if not can_record_on(user, walk):
        raise PermissionDenied("Only members of the walk's organisations record its observations.",
                               hint="Ask the coordinator to add your organisation to the walk.")


def can_handle(user: User, observation: WalkObservation) -> bool:
    """May `user` move a finding on (in progress, resolved)?"""
    if is_manager(user):
        return True
    return user.role in WRITERS and observation.routed_to_id == user.organisation_id


def can_edit_walk(user: User, walk: SafetyWalk) -> bool:
    return is_manager(user) or (user.role in WRITERS and user.organisation_id == walk.organiser_id)


def can_log_shift(user: User, organisation_id: int) -> bool:
    return is_manager(user) or (user.role in WRITERS and user.organisation_id == organisation_id)


def can_see_shift(user: User, shift: NightShift) -> bool:
    return user.role in READ_ALL or user.organisation_id == shift.organisation_id


def can_see_inspections(user: User) -> bool:
    if is_manager(user):
        return True
    return is_partner(user) and user.role != Role.REPORTER and user.organisation.kind in AUTHORITY_KINDS

"""Who may do what: the one table of role-based permissions in Trygg.

Every role set lives here and nowhere else. Routes *declare* the permission they need
(``Depends(trygg.web.access.require_permission(Permission.X))``); services in ``plans/`` and
``fieldwork/`` *enforce* it again with `check`, so that the command line and any future caller meet
the same rule. Object-level rules (which report, walk or shift a user may see) stay beside their
objects (`trygg.web.access`, `trygg.fieldwork.policy`) and are built on these sets.

``tests/access/test_every_route.py`` walks every route of the app for every role and checks the
answer against `RULES`.

>>> allows("coordinator", Permission.PLAN_EDIT)
True
>>> allows("viewer", Permission.PLAN_EDIT), allows("viewer", Permission.PLAN_VIEW)
(False, True)
>>> sorted(str(r) for r in roles_for(Permission.TRIAGE))
['admin', 'coordinator', 'kontaktcenter']
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from trygg.domain.enums import Role
from trygg.errors import PermissionDenied

# ----------------------------------------------------------------------------- role sets

#: Everybody with an account at a partner organisation (all but the public).
PARTNER_ROLES = frozenset(Role) - {Role.PUBLIC}
#: The municipality's safety coordinator, the police's analysts and administrators: they plan,
#: edit plans and promises, import, prepare EST meetings and manage field-work registries.
ANALYST_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.POLICE_ANALYST})
#: Partners who read the aggregated picture, plans and follow-up (reporters only report).
READER_ROLES = PARTNER_ROLES - {Role.REPORTER}
#: Roles that read other organisations' report details when the audience is "coordination" or "partners".
ALL_DETAIL_ROLES = ANALYST_ROLES | {Role.KONTAKTCENTER}
#: Roles that read other organisations' report details only when the audience is "partners".
PARTNER_DETAIL_ROLES = frozenset({Role.VIEWER, Role.SIGNATORY})
#: Roles that must use a second factor (TOTP) unless the setting ``require_totp`` is off.
TOTP_ROLES = frozenset({Role.ADMIN, Role.SIGNATORY})
#: Roles that file reports of their own.
REPORTING_ROLES = ANALYST_ROLES | {Role.REPORTER, Role.KONTAKTCENTER}
#: Roles that work the triage queue of incoming reports.
TRIAGE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.KONTAKTCENTER})
#: Field work: roles that see every walk and shift (others see their own organisation's).
FIELDWORK_READ_ALL = ANALYST_ROLES | {Role.KONTAKTCENTER, Role.VIEWER, Role.SIGNATORY}
#: Field work: roles that plan walks, record observations and log night-walker shifts.
FIELDWORK_WRITERS = ANALYST_ROLES | {Role.REPORTER, Role.KONTAKTCENTER}


class Permission(StrEnum):
    """A thing a role may do; `RULES` says which roles."""

    ACCOUNT = "account"  # any signed-in account: own account; lists filtered by object rules
    SIGNED_IN = "signed_in"  # partners (every role but the public)
    LAGESBILD_VIEW = "lagesbild.view"  # the aggregated situation picture, districts, exports
    REPORT_CREATE = "reports.create"
    TRIAGE = "reports.triage"
    IMPORT = "imports.run"
    PLAN_VIEW = "plans.view"  # action plans, follow-up, citizen promises (read)
    PLAN_EDIT = "plans.edit"  # write plans, promises, follow-up updates and evaluations
    PLAN_SIGN = "plans.sign"
    EST_MEETINGS = "est.meetings"  # prepare and record EST meetings
    EST_GROUPS_MANAGE = "est.groups.manage"  # create, edit, archive, delete EST groups
    FIELDWORK_MANAGE = "fieldwork.manage"  # registries: premises, gyms, watch areas, info meetings
    WALK_PLAN = "fieldwork.walks.plan"  # plan a safety walk, log a night-walker shift
    INBOX_ALL = "inbox.all"  # see every organisation's inbox and create actions at the EST meeting
    ADMIN = "admin"  # users, tokens, sharing rules, audit trail, signatory titles, public figures, mail


RULES: dict[Permission, frozenset[Role]] = {
    Permission.ACCOUNT: frozenset(Role),
    Permission.SIGNED_IN: PARTNER_ROLES,
    Permission.LAGESBILD_VIEW: READER_ROLES,
    Permission.REPORT_CREATE: REPORTING_ROLES,
    Permission.TRIAGE: TRIAGE_ROLES,
    Permission.IMPORT: ANALYST_ROLES,
    Permission.PLAN_VIEW: READER_ROLES,
    Permission.PLAN_EDIT: ANALYST_ROLES,
    Permission.PLAN_SIGN: frozenset({Role.SIGNATORY}),
    Permission.EST_MEETINGS: ANALYST_ROLES,
    Permission.EST_GROUPS_MANAGE: ANALYST_ROLES,
    Permission.FIELDWORK_MANAGE: ANALYST_ROLES,
    Permission.WALK_PLAN: FIELDWORK_WRITERS,
    Permission.INBOX_ALL: ANALYST_ROLES,
    Permission.ADMIN: frozenset({Role.ADMIN}),
}

# The refusal each permission gives (English msgids, translated in locale/sv/*.po) and its hint;
# None = "Needed: <roles>; you are <role>."
_REFUSALS: dict[Permission, tuple[str, str | None]] = {
    Permission.LAGESBILD_VIEW: ("Your role may not see the situation picture.",
                                "Ask the coordinator for a partner account."),
    Permission.EST_GROUPS_MANAGE: ("Your role may not create or change EST groups.",
                                   "Ask the safety coordinator or an administrator."),
    Permission.FIELDWORK_MANAGE: ("Only the safety coordinator, the police analyst or an administrator may do this.",
                                  None),
    Permission.WALK_PLAN: ("Your role may not plan walks.", None),
}


class Actor(Protocol):
    """What a permission check reads of a user (`trygg.storage.schema.User` has both)."""

    @property
    def role(self) -> str: ...

    @property
    def active(self) -> bool: ...


def roles_for(permission: Permission) -> frozenset[Role]:
    """The roles that hold `permission`."""
    return RULES[permission]


def allows(role: str, permission: Permission) -> bool:
    """Does `role` hold `permission`?"""
    return role in RULES[permission]


def may(user: Actor, permission: Permission) -> bool:
    """May the (active) `user` do what `permission` names?

    >>> from types import SimpleNamespace as U
    >>> may(U(role="admin", active=True), Permission.ADMIN), may(U(role="admin", active=False), Permission.ADMIN)
    (True, False)
    """
    return bool(user.active) and allows(user.role, permission)


def check(user: Actor, permission: Permission) -> None:
    """PermissionDenied (403) unless `user` may do what `permission` names.

    >>> from types import SimpleNamespace as U
    >>> check(U(role="viewer", active=True), Permission.IMPORT)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    trygg.errors.PermissionDenied: Your role may not do this. Hint: Needed: admin, coordinator, ...; you are viewer.
    """
    if may(user, permission):
        return
    message, hint = _REFUSALS.get(permission, ("Your role may not do this.", None))
    needed = ", ".join(sorted(str(r) for r in RULES[permission]))
    raise PermissionDenied(message, hint=hint or f"Needed: {needed}; you are {user.role}.")

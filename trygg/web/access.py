"""Authorisation at one point: who may do what, and who may see which report details.

Routes declare what they need with ``Depends(require_user)`` or ``Depends(require_roles(...))``;
object-level rules (reports of other organisations, sensitive categories) live in the ``can_*``
functions below, and a refused read answers 404 (the object is not revealed), not 403.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Request

from trygg.domain.categories import CATEGORIES, is_sensitive
from trygg.domain.enums import Role, Sensitivity
from trygg.errors import AuthenticationRequired, NotFound, PermissionDenied
from trygg.storage.reports import DetailScope
from trygg.storage.schema import Report, User
from trygg.web.deps import current_user

PARTNER_ROLES = frozenset(Role) - {Role.PUBLIC}
ANALYST_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.POLICE_ANALYST})
# Roles that see every organisation's report details (subject to sensitivity clearance).
ALL_DETAIL_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.POLICE_ANALYST, Role.KONTAKTCENTER})


def require_user(request: Request, user: User | None = Depends(current_user)) -> User:
    if user is None:
        raise AuthenticationRequired("Sign in to continue.", hint="Log in at /login or send a Bearer token.")
    return user


def require_roles(*roles: Role | str) -> Callable[..., User]:
    allowed = {str(r) for r in roles}

    def dependency(user: User = Depends(require_user)) -> User:
        if user.role not in allowed:
            raise PermissionDenied(
                "Your role may not do this.",
                hint=f"Needed: {', '.join(sorted(allowed))}; you are {user.role}.",
            )
        return user

    return dependency


def can_see_sensitive(user: User) -> bool:
    return user.role == Role.ADMIN or bool(user.sensitive_clearance)


def can_see_report_detail(user: User, report: Report) -> bool:
    """May `user` read the free text and exact place of `report`?"""
    if is_sensitive(report.category) and not can_see_sensitive(user):
        return report.organisation_id == user.organisation_id and user.role == Role.REPORTER \
            and report.reporter_id == user.id
    if user.role in ALL_DETAIL_ROLES:
        return True
    if report.organisation_id == user.organisation_id:
        return True
    if report.routed_to_id is not None and report.routed_to_id == user.organisation_id:
        return True
    org = report.organisation
    return bool(org is not None and org.shares_details and user.role in (Role.VIEWER, Role.SIGNATORY))


def visible_report(user: User, report: Report | None) -> Report:
    """The report if `user` may see its details; NotFound otherwise (never 403: no leak)."""
    if report is None or not can_see_report_detail(user, report):
        raise NotFound("No such report.")
    return report


SENSITIVE_CODES = tuple(c.code for c in CATEGORIES if c.sensitivity is Sensitivity.SENSITIVE)


def detail_scope(user: User, shared_organisation_ids: tuple[int, ...] = ()) -> DetailScope:
    """The SQL-side twin of `can_see_report_detail`, for lists, maps and exports."""
    all_orgs = user.role in ALL_DETAIL_ROLES
    shares = shared_organisation_ids if user.role in (Role.VIEWER, Role.SIGNATORY) else ()
    return DetailScope(
        all_organisations=all_orgs,
        organisation_id=user.organisation_id,
        sensitive=can_see_sensitive(user),
        sensitive_categories=SENSITIVE_CODES,
        shared_organisation_ids=shares,
        own_reporter_id=user.id if user.role == Role.REPORTER else None,
    )

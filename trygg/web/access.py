"""Authorisation in the web layer: who is signed in, and who may see which report details.

The role rules themselves live in `trygg.domain.permissions` (one table). Routes declare what they
need with ``Depends(require_user)`` or ``Depends(require_permission(Permission.X))``;
object-level rules live in the ``can_*`` functions below, and a refused read answers 404 (the
object is not revealed), not 403.

Report details (free text, exact place, photo) are readable by:

1. the user who wrote the report;
2. otherwise nobody without **sensitive clearance** when the category is sensitive
   (``sexual_harassment``, ``youth``);
3. the reporting organisation itself and an organisation the report was routed to;
4. other organisations' users according to the report's *audience* from the sharing rules
   (``trygg.storage.access``): ``partners`` → coordinators, police analysts, Kontaktcenter,
   administrators, viewers and signatories; ``coordination`` → only the first four; ``none`` →
   nobody else. Reporters never read other organisations' details; the public never reads any.

Every read of a sensitive report's details is written to the audit trail (``read_sensitive``).
The aggregated lägesbild (counts per area, category and period) is open to every partner role.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session, object_session

from trygg.config import Settings
from trygg.domain.categories import DEFAULT_TAXONOMY, Taxonomy
from trygg.domain.enums import Role
from trygg.domain.permissions import (
    ALL_DETAIL_ROLES,
    PARTNER_DETAIL_ROLES,
    RULES,
    TOTP_ROLES,
    Permission,
    may,
)
from trygg.domain.permissions import (
    ANALYST_ROLES as ANALYST_ROLES,  # re-exported for the routes that read it
)
from trygg.domain.permissions import (
    PARTNER_ROLES as PARTNER_ROLES,  # re-exported for the routes that read it
)
from trygg.domain.permissions import check as check_permission
from trygg.errors import AuthenticationRequired, NotFound, PermissionDenied
from trygg.storage import access as access_store
from trygg.storage import audit, audit_group
from trygg.storage.categories import taxonomy
from trygg.storage.reports import DetailScope
from trygg.storage.schema import ImportRun, Report, ShortTermAction, User
from trygg.web.deps import current_user

# The role sets are owned by `trygg.domain.permissions`; these names stay for the routes that read them.
MEETING_ROLES = RULES[Permission.EST_MEETINGS]
EST_GROUP_ROLES = RULES[Permission.EST_GROUPS_MANAGE]


def sensitive_codes(session: Session | None) -> tuple[str, ...]:
    """The codes of the sensitive categories in `session`'s taxonomy (`trygg.storage.categories`)."""
    return tuple(sorted(_taxonomy(session).sensitive))


def _taxonomy(session: Session | None) -> Taxonomy:
    # An object without a session (none in a request) is judged by the default taxonomy.
    return taxonomy(session) if session is not None else DEFAULT_TAXONOMY


def taxonomy_of(obj: object) -> Taxonomy:
    """The taxonomy of the database `obj` (a user, a report) was read from."""
    return _taxonomy(object_session(obj))


async def require_user(request: Request, user: User | None = Depends(current_user)) -> User:
    if user is None:
        if getattr(request.state, "pending_user", None) is not None:
            raise AuthenticationRequired("Finish signing in with your authenticator app first.",
                                         hint="Enter the code at /login/totp or enrol at /account/totp.")
        raise AuthenticationRequired("Sign in to continue.", hint="Log in at /login or send a Bearer token.")
    return user


def require_permission(permission: Permission) -> Callable[..., Awaitable[User]]:
    """The dependency a route declares: the signed-in user, if their role holds `permission`
    (`trygg.domain.permissions.RULES`); 401 for a visitor, 403 for another role.

    The dependency carries ``permission`` so that tests and docs can read what a route declares.
    """

    async def dependency(user: User = Depends(require_user)) -> User:  # pure: no thread hand-over
        check_permission(user, permission)
        return user

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


def check_role(user: User, roles: frozenset[Role]) -> None:
    """PermissionDenied unless `user` has one of `roles` (the lägesbild's and the EST meetings' pages)."""
    if user.role not in {str(r) for r in roles}:
        raise PermissionDenied("Your role may not see the situation picture.",
                               hint="Ask the coordinator for a partner account.")


def can_manage_est_groups(user: User) -> bool:
    """May `user` create, edit, archive and delete EST groups?"""
    return may(user, Permission.EST_GROUPS_MANAGE)


def check_manage_est_groups(user: User) -> None:
    """PermissionDenied unless `user` may manage EST groups (`can_manage_est_groups`)."""
    check_permission(user, Permission.EST_GROUPS_MANAGE)


def totp_required(settings: Settings, user: User) -> bool:
    """Must `user` sign in with a second factor? Administrators and signatories must, unless the
    setting ``require_totp`` is off or the server runs the demo. Enrolled users always use it."""
    if user.totp_secret:
        return True
    required = bool(getattr(settings, "require_totp", True)) and not settings.demo
    return required and user.role in TOTP_ROLES


def can_see_sensitive(user: User) -> bool:
    """Cleared for the details of sensitive categories (``User.sensitive_clearance``)."""
    return user.role != Role.PUBLIC and bool(user.sensitive_clearance)


def _audiences_for(user: User) -> frozenset[str]:
    if user.role in ALL_DETAIL_ROLES:
        return frozenset({"partners", "coordination"})
    if user.role in PARTNER_DETAIL_ROLES:
        return frozenset({"partners"})
    return frozenset()


def _sharing(obj: object) -> access_store.SharingTable:
    session = object_session(obj)
    return access_store.sharing_table(session) if session is not None else access_store.SharingTable()


def can_see_report_detail(user: User, report: Report) -> bool:
    """May `user` read the free text and exact place of `report`?"""
    if user.role == Role.PUBLIC or not user.active:
        return False
    if report.reporter_id is not None and report.reporter_id == user.id:
        return True
    if _taxonomy(object_session(report)).is_sensitive(report.category) and not can_see_sensitive(user):
        return False
    if report.organisation_id is not None and report.organisation_id == user.organisation_id:
        return True
    if report.routed_to_id is not None and report.routed_to_id == user.organisation_id:
        return True
    if report.organisation_id is None:
        return user.role in ALL_DETAIL_ROLES
    audience = _sharing(report).audience(report.organisation_id, report.category)
    return audience in _audiences_for(user)


def note_sensitive_reads(user: User, reports: Iterable[Any], session: Session | None = None) -> int:
    """Audit (action ``read_sensitive``) every sensitive report in `reports` shown with its details
    (`Report` objects; with `session` given, anything with ``id`` and ``category``, e.g. rows).

    Call it from any endpoint that shows sensitive details (one report, lists, exports). The entry
    is committed at once, so that the read stays logged even if the request fails later.
    """
    reports = list(reports)
    s = session or next((object_session(r) for r in reports if object_session(r) is not None), None)
    tax = _taxonomy(s)
    sensitive = [r for r in reports if tax.is_sensitive(r.category)]
    if not sensitive or s is None:
        return 0
    items = [(r.id, {"category": r.category}) for r in sensitive]
    db = s.info.get("trygg_db")
    if db is not None and not audit_group.holds_writes(s):
        # committed together with the reads of concurrent requests (one disk flush for all of them)
        return audit_group.for_database(db).record_many(user.id, "read_sensitive", "report", items)
    count = audit.record_many(s, user.id, "read_sensitive", "report", items)
    s.commit()
    return count


def visible_report(user: User, report: Report | None) -> Report:
    """The report if `user` may see its details; NotFound otherwise (never 403: no leak).

    A read of a sensitive report is audited here.
    """
    if report is None or not can_see_report_detail(user, report):
        raise NotFound("No such report.")
    note_sensitive_reads(user, [report])
    return report


def detail_scope(user: User, shared_organisation_ids: tuple[int, ...] = ()) -> DetailScope:
    """The SQL-side twin of `can_see_report_detail`, for lists, maps and exports.

    Reads the sharing rules through the user's database session; `shared_organisation_ids` is
    only used for a user object without one (then it lists the organisations sharing with partners).
    """
    session = object_session(user)
    if session is not None:
        table = access_store.sharing_table(session)
    else:
        table = access_store.SharingTable({o: "partners" for o in shared_organisation_ids})
    if user.role == Role.PUBLIC or not user.active:
        return access_store.SharingScope(all_organisations=False, organisation_id=-1, sensitive=False,
                                         sensitive_categories=sensitive_codes(session), own_reporter_id=None)
    return access_store.scope_for(
        table, organisation_id=user.organisation_id, user_id=user.id, sensitive=can_see_sensitive(user),
        sensitive_categories=sensitive_codes(session), allowed_audiences=_audiences_for(user),
        unowned=user.role in ALL_DETAIL_ROLES)


def import_run_scope(user: User) -> int | None:
    """The organisation whose import runs `user` sees (`storage.intake.visible_to_organisation`);
    None = every run (administrators)."""
    return None if user.role == Role.ADMIN else user.organisation_id


def can_see_import_run(user: User, run: ImportRun) -> bool:
    """An import run (its rejected rows quote the file) is seen by administrators, by the users of
    the organisation that started it or that the rows come from, and — for runs from the command
    line for no organisation — by every importing role."""
    org = import_run_scope(user)
    if org is None:
        return True
    if run.organisation_id == org or (run.user_id is None and run.organisation_id is None):
        return True
    session = object_session(run)
    starter = session.get(User, run.user_id) if session is not None and run.user_id is not None else None
    return starter is not None and starter.organisation_id == org


def visible_import_run(user: User, run: ImportRun | None) -> ImportRun:
    """The run if `user` may see it; NotFound otherwise (never 403: no leak)."""
    if run is None or not can_see_import_run(user, run):
        raise NotFound("No such import.", hint="See the list of imports at /imports.")
    return run


# --------------------------------------------------------------------------- inbox and actions

#: Who sees every organisation's inbox and creates actions from the picture (the EST coordinators).
INBOX_ALL_ROLES = RULES[Permission.INBOX_ALL]


def inbox_organisations(user: User, requested: int | None = None) -> list[int] | None:
    """The organisations whose inbox `user` sees: their own; coordinators any one (`requested`) or
    all (None)."""
    if user.role in INBOX_ALL_ROLES:
        return None if requested is None else [requested]
    if requested is not None and requested != user.organisation_id:
        raise PermissionDenied("You see only your own organisation's inbox.",
                               hint="Ask the safety coordinator to look at another organisation's items.")
    return [user.organisation_id]


def can_see_action(user: User, action: ShortTermAction) -> bool:
    """Members of the owning organisation and the EST coordinators see an action in full."""
    if user.role == Role.PUBLIC or not user.active:
        return False
    return user.role in INBOX_ALL_ROLES or action.owner_organisation_id == user.organisation_id


def can_update_action(user: User, action: ShortTermAction) -> bool:
    """Members of the owning organisation (not read-only viewers) and the EST coordinators."""
    return can_see_action(user, action) and user.role != Role.VIEWER


def visible_action(user: User, action: ShortTermAction | None) -> ShortTermAction:
    """The action if `user` may see it; NotFound otherwise (never 403: no leak)."""
    if action is None or not can_see_action(user, action):
        raise NotFound("No such action.", hint="See your organisation's inbox at /inbox.")
    return action


def check_update_action(user: User, action: ShortTermAction) -> None:
    if not can_update_action(user, action):
        raise PermissionDenied("Your role may not change this action.",
                               hint="Members of the owning organisation and the EST coordinators may.")


def can_respond_to_report(user: User, report: Report) -> bool:
    """The organisation a report was routed to answers it (status and feedback) from /reports/{id}."""
    return (user.active and user.role not in (Role.PUBLIC, Role.VIEWER) and report.routed_to_id is not None
            and report.routed_to_id == user.organisation_id)

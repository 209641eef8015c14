"""Every route of the app × every role (and an anonymous visitor), checked against the one rule
table `trygg.domain.permissions.RULES` — the model is NetBox's view tests.

`ROUTES` says, for each route, the permission it needs (or PUBLIC), and which roles the object
rules then refuse (403) or hide (404) for the demo object the path names. From that and `RULES`
the expected answer of every cell follows:

- anonymous on a non-public route: 401, or 303 to /login (pages of the lägesbild family);
- a role without the permission: 403;
- a role with it: a GET answers 200 (404 where the object is hidden from it), a write with an
  empty body anything but 401/403/404 and 5xx (usually 422 — the form is empty — or 303/409).

A new route must be added to `ROUTES`, a removed one taken out: the table is checked against
``app.routes`` both ways. The world is the whole demo (built once per run; a thinned-out copy made
the analyses of the lägesbild fail, see the report of issue 14), with the objects it lacks — photos,
an import, an evaluation — added first; the ~2,000 requests run in-process.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.access.route_walk import (
    ANONYMOUS,
    Endpoint,
    actors,
    add_missing_objects,
    declared_permission,
    endpoints,
    real_ids,
    request,
)
from trygg.config import Settings
from trygg.domain.enums import Role
from trygg.domain.permissions import RULES, Permission
from trygg.storage.database import Database

PUBLIC = "public route"
GET, WRITE, ANY = "GET", "POST|PUT|PATCH|DELETE", "GET|POST|PUT|PATCH|DELETE"
ADMIN, COORD, ANALYST, REPORTER = "admin", "coordinator", "police_analyst", "reporter"
VIEWER, SIGNATORY, KC, CITIZEN = "viewer", "signatory", "kontaktcenter", "public"
EVERYONE = frozenset(str(r) for r in Role) | {ANONYMOUS}


@dataclass(frozen=True)
class Rule:
    methods: str  # a regex over the method
    path: str  # a regex over the route's path template, matched whole
    needs: Permission | str  # a Permission, or PUBLIC
    refused: frozenset[str] = field(default_factory=frozenset)  # 403 by an object rule
    hidden: frozenset[str] = field(default_factory=frozenset)  # 404: the object is hidden (or absent)
    login: frozenset[str] = field(default_factory=frozenset)  # 401 although the route is open
    why: str = ""

    def matches(self, endpoint: Endpoint) -> bool:
        return bool(re.fullmatch(self.methods, endpoint.method) and re.fullmatch(self.path, endpoint.path))


def R(methods: str, path: str, needs: Permission | str, *, refused: tuple[str, ...] = (),  # noqa: N802
      hidden: tuple[str, ...] | frozenset[str] = (), login: frozenset[str] = frozenset(), why: str = "") -> Rule:
    return Rule(methods, path, needs, frozenset(refused), frozenset(hidden), login, why)


P = Permission
# First match wins. Exceptions come before the general rule of their path family.
ROUTES: list[Rule] = [
    # ------------------------------------------------------------------ open to everyone
    R(GET, r"/|/healthz|/api/docs|/docs/oauth2-redirect|/api/v1/openapi\.json|/favicon\.ico", PUBLIC),
    R(GET, r"/api/v1/where", PUBLIC, why="the district and nearest place of a position the user chose"),
    R(GET, r"/admin", PUBLIC, why="only a redirect to /admin/users"),
    R("POST", r"/login", PUBLIC, login=EVERYONE, why="an empty form is a failed sign-in: 401"),
    R(ANY, r"/login(/totp)?|/logout", PUBLIC),
    R(GET, r"/api/v1/(areas|areas\.geojson|areas/\{area_id\}|area-editions|categories|places)", PUBLIC),
    R(GET, r"/api/v1/public/.*|/public|/public/promises(/\{promise_id\})?|/api/v1/promises(/\{promise_id\})?",
      PUBLIC),
    R(ANY, r"/kontakt(/.*)?", PUBLIC),
    R(ANY, r"/set-password/\{token\}", PUBLIC, hidden=EVERYONE, why="no invitation link with that token"),
    R(WRITE, r"/open311/v2/requests\.\{fmt\}", PUBLIC, refused=EVERYONE, why="needs an Open311 client key"),
    R(ANY, r"/open311/.*", PUBLIC),
    # ------------------------------------------------------------------ own account
    R(ANY, r"/account(/.*)?|/api/v1/me", P.ACCOUNT),
    # ------------------------------------------------------------------ administration
    R("POST", r"/admin/notifications/\{notification_id\}/retry", P.ADMIN, hidden=(ADMIN,),
      why="the demo has no failed delivery to retry"),
    R(ANY, r"/admin/.*", P.ADMIN),
    R(WRITE, r"/plans/signatories(/.*)?", P.ADMIN),
    # ------------------------------------------------------------------ reports and triage
    R(ANY, r"/report(/.*)?", P.REPORT_CREATE),
    R("POST", r"/api/v1/reports", P.REPORT_CREATE),
    R("PATCH", r"/api/v1/reports/\{report_id\}", P.TRIAGE),
    R(GET, r"/api/v1/reports/\{report_id\}(/photos/\{photo_id\})?", P.ACCOUNT, hidden=(REPORTER, CITIZEN),
      why="another organisation's report; its details are not shared with reporters"),
    R(GET, r"/api/v1/reports(\.csv|\.geojson)?", P.ACCOUNT, why="lists filtered by the detail scope"),
    R(ANY, r"/triage(/.*)?", P.TRIAGE),
    R(GET, r"/reports/\{report_id:int\}", P.ACCOUNT, hidden=(REPORTER, CITIZEN),
      why="another organisation's report; its details are not shared with reporters"),
    R("POST", r"/reports/\{report_id:int\}/respond", P.ACCOUNT, hidden=(REPORTER, CITIZEN),
      refused=(ADMIN, COORD, ANALYST, VIEWER, SIGNATORY, KC),
      why="only the organisation the report was routed to answers it (the demo's report is routed elsewhere)"),
    # ------------------------------------------------------------------ inbox and actions
    R(ANY, r"/inbox|/api/v1/inbox", P.SIGNED_IN),
    R("POST", r"/api/v1/actions", P.INBOX_ALL),
    R(ANY, r"/api/v1/actions/\{action_id\}|/inbox/actions/\{action_id\}", P.ACCOUNT,
      hidden=(REPORTER, VIEWER, SIGNATORY, KC, CITIZEN),
      why="an action is seen by its owning organisation and the EST coordinators"),
    # ------------------------------------------------------------------ imports
    R(ANY, r"/imports(/.*)?|/api/v1/imports(/.*)?", P.IMPORT),
    # ------------------------------------------------------------------ lägesbild and districts
    R(GET, r"/lagesbild/pdf-jobs/\{job_id\}(/file)?", P.ACCOUNT, hidden=EVERYONE,
      why="a job is looked up among the user's own jobs first: any other id is 404 for everyone"),
    R(ANY, r"/lagesbild(/.*)?|/api/v1/lagesbild(/.*)?|/areas(/.*)?", P.LAGESBILD_VIEW),
    # ------------------------------------------------------------------ EST meetings and groups
    R(ANY, r"/meetings/groups/new|/meetings/\{group_id\}/(edit|archive|restore|delete)", P.EST_GROUPS_MANAGE),
    R(GET, r"/meetings/m/\{meeting_id\}/minutes/\{minutes_id\}\.\{fmt\}", P.EST_MEETINGS,
      hidden=(ADMIN, COORD, ANALYST), why="the demo's meetings have no minutes issued yet"),
    R(ANY, r"/meetings(/.*)?", P.EST_MEETINGS),
    # ------------------------------------------------------------------ action plans, promises, follow-up
    R(WRITE, r"/(api/v1/)?plans/\{plan_id\}/sign", P.PLAN_SIGN),
    R(GET, r"/(api/v1/)?plans/\{plan_id\}/diff", P.PLAN_VIEW, hidden=EVERYONE,
      why="the demo's plan has no earlier version to compare with"),
    R(GET, r"/plans(/.*)?|/promises(/.*)?|/followup(/.*)?", P.PLAN_VIEW),
    R(GET, r"/api/v1/(plans|signatory-roles|indicators|evaluations)(/.*)?", P.PLAN_VIEW),
    R(WRITE, r"/plans(/.*)?|/promises(/.*)?|/followup(/.*)?", P.PLAN_EDIT),
    R(WRITE, r"/api/v1/(plans|promises|evaluations|indicators|activities)(/.*)?", P.PLAN_EDIT),
    # ------------------------------------------------------------------ field work
    R(WRITE, r"/fieldwork/walks|/api/v1/walks", P.WALK_PLAN),
    R(WRITE, r"/fieldwork/(gyms|meetings|premises|routing|watch)(/\{\w+\}(/status)?)?", P.FIELDWORK_MANAGE),
    R(WRITE, r"/fieldwork/walks/\{walk_id\}/status", P.ACCOUNT, refused=(REPORTER, VIEWER, SIGNATORY, KC),
      hidden=(CITIZEN,), why="the walk's organiser or a manager changes it; the public sees no walk"),
    R(WRITE, r"/fieldwork/observations/\{obs_id\}", P.ACCOUNT, refused=(REPORTER, VIEWER, SIGNATORY, KC),
      hidden=(CITIZEN,), why="the organisation the finding is routed to, or a manager"),
    R(WRITE, r"/fieldwork/premises/\{premises_id\}/inspections|/fieldwork/shifts/\{shift_id\}/observations",
      P.ACCOUNT, hidden=(REPORTER, CITIZEN), why="inspections and other organisations' shifts are not theirs"),
    R(GET, r"/api/v1/premises/\{premises_id\}/inspections|/fieldwork/shifts/\{shift_id\}", P.ACCOUNT,
      hidden=(REPORTER, CITIZEN), why="inspections and other organisations' shifts are not theirs"),
    R(GET, r"/fieldwork/walks/\{walk_id\}.*|/api/v1/walks/\{walk_id\}|/fieldwork/photos/\{photo_id\}", P.ACCOUNT,
      hidden=(CITIZEN,), why="a walk is seen by partners"),
    R(ANY, r"/fieldwork(/.*)?|/api/v1/(walks|night-shifts|watch-areas|premises|gyms|info-meetings|observations)"
         r"([./].*)?",
      P.ACCOUNT, why="lists filtered to what the user's organisation may see; writes checked per object"),
    R(GET, r"/api/v1/activities/\{activity_id\}/fieldwork", P.ACCOUNT),
]

# Values for path parameters that differ by route (the formats these routes serve).
PATH_VALUES = {"/plans/{plan_id}/export.{fmt}": {"fmt": "html"},
               "/admin/publication/{key}": {"key": "2025-03"},
               "/admin/publication/{key}/republish": {"key": "2025-03"},
               "/followup/plans/{plan_id}/report.{fmt}": {"fmt": "html"}}


def rule_for(endpoint: Endpoint) -> Rule:
    for rule in ROUTES:
        if rule.matches(endpoint):
            return rule
    raise AssertionError(f"{endpoint} is in no rule of ROUTES: say which permission it needs")


def expected(rule: Rule, actor: str, method: str) -> str:
    """'ok', 'login', 'refused' or 'hidden'."""
    if rule.needs != PUBLIC:
        if actor == ANONYMOUS:
            return "login"
        if actor not in {str(r) for r in RULES[Permission(rule.needs)]}:
            return "refused"
    if actor in rule.login:
        return "login"
    if actor in rule.refused:
        return "refused"
    if actor in rule.hidden:
        return "hidden"
    return "ok"


def outcome(status: int, location: str, method: str) -> str:
    if status == 401 or (status == 303 and location.startswith("/login")):
        return "login"
    if status == 403:
        return "refused"
    if status == 404:
        return "hidden"
    if status >= 500:
        return f"server error {status}"
    if method == "GET" and status not in (200, 301, 303):  # 301: /favicon.ico is moved to the icon
        return f"unexpected {status}"
    return "ok"


@pytest.fixture(scope="module")
def walked(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[FastAPI, dict[str, TestClient], dict[str, str]]]:
    # in memory where the machine has a RAM disk: every request commits (a token's last use)
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(prefix="trygg-route-walk-", dir=shm)) if shm.is_dir() else \
        tmp_path_factory.mktemp("route-walk")
    path = folder / "demo.db"
    shutil.copy(demo_db_file, path)
    db = Database(str(path))
    app = __import__("trygg.web.app", fromlist=["create_app"]).create_app(
        Settings(database_url=db.url, secret_key="route-walk-secret", require_totp=False, secure_cookies="false"), db)
    clients = actors(app)
    anonymous = clients[ANONYMOUS]
    anonymous.get("/login")  # a CSRF cookie, so that a write is refused for the login, not for CSRF
    anonymous.headers["X-CSRF-Token"] = anonymous.cookies.get("trygg_csrf") or ""
    add_missing_objects(db, clients[str(Role.ADMIN)])
    yield app, clients, real_ids(db)
    for c in clients.values():
        c.close()
    db.dispose()
    shutil.rmtree(folder, ignore_errors=True)


def test_every_route_is_in_the_table_and_every_rule_is_used(walked: tuple[FastAPI, dict, dict]) -> None:
    app, _, _ = walked
    found = endpoints(app)
    assert len(found) > 200
    for endpoint in found:
        rule_for(endpoint)
    used = {id(rule_for(e)) for e in found}
    stale = [f"{r.methods} {r.path}" for r in ROUTES if id(r) not in used]
    assert not stale, f"rules that match no route: {stale}"


def test_declared_permissions_agree_with_the_table(walked: tuple[FastAPI, dict, dict]) -> None:
    """A route that declares `require_permission(X)` is listed in the table with X (or a permission of
    the same roles: the table may name the more precise one)."""
    app, _, _ = walked
    wrong = []
    for endpoint in endpoints(app):
        declared = declared_permission(app, endpoint)
        rule = rule_for(endpoint)
        if declared is not None and (rule.needs == PUBLIC or RULES[Permission(rule.needs)] != RULES[declared]):
            wrong.append(f"{endpoint}: declares {declared}, the table says {rule.needs}")
    assert not wrong, "\n".join(wrong)


def test_every_route_answers_every_role_as_the_rules_say(walked: tuple[FastAPI, dict, dict]) -> None:
    app, clients, ids = walked
    failures = []
    for endpoint in endpoints(app):
        rule = rule_for(endpoint)
        values = {**ids, **PATH_VALUES.get(endpoint.path, {})}
        app.state.rate_limiter.reset()  # nine actors share one client address: rate limits are tested elsewhere
        for actor, client in clients.items():
            status, location = request(client, endpoint, values)
            want = expected(rule, actor, endpoint.method)
            got = outcome(status, location, endpoint.method)
            if rule.needs == PUBLIC and status == 303:
                got = "ok"  # a public route may redirect anywhere (/login/totp without a pending sign-in)
            if endpoint.method != "GET" and want == "ok" and got == "hidden":
                got = "hidden (a write to an existing object)"
            if got != want:
                failures.append(f"{endpoint} as {actor}: expected {want}, got {got} ({status} {location})")
    assert not failures, f"{len(failures)} cells differ from the rules:\n" + "\n".join(failures)

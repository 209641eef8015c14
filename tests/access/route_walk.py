"""Walk every route of the app as every role: the app's routes, real ids to fill their paths, and
one request per route × actor. Used by tests/access/test_every_route.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from trygg.domain.enums import Role
from trygg.storage import users as user_store
from trygg.storage.database import Database
from trygg.storage.schema import ImportRun, ReportPhoto, User
from trygg.storage.schema.fieldwork import ObservationPhoto

# One demo user per role (tests/conftest.py builds the demo); "medborgare" is added by `actors`.
ACTOR_NAMES = {
    Role.ADMIN: "admin", Role.COORDINATOR: "samordnare", Role.POLICE_ANALYST: "analytiker",
    Role.REPORTER: "rapportor-eidar-1", Role.VIEWER: "lasare", Role.SIGNATORY: "lpo-chef",
    Role.KONTAKTCENTER: "kontaktcenter", Role.PUBLIC: "medborgare",
}
ANONYMOUS = "anonymous"
# Query strings some GET routes need to answer at all (beside the path parameters).
QUERIES = {
    "/api/v1/public/counts": "group=violence&year=2024",
    "/api/v1/public/counts.csv": "group=violence&year=2024",
    "/kontakt/nearby": "lat=58.28&lon=12.28",
    "/api/v1/where": "lat=58.28&lon=12.28",
    "/api/v1/premises/closing-time": "hour=2",
    "/open311/v2/requests.{fmt}": "service_code=vandalism",
    "/api/v1/activities/{activity_id}/fieldwork": "start=2022-01-01&end=2023-01-01",
    # Exports of the whole demo (tens of thousands of rows, nine times over) would make the walk a benchmark:
    # the permission answer is the same for one week of it. Exports themselves are tested in tests/web/reports.
    "/api/v1/reports.csv": "start=2026-11-16&end=2026-11-23",
    "/api/v1/reports.geojson": "start=2026-11-16&end=2026-11-23",
    "/lagesbild/export.csv": "start=2026-11-16&end=2026-11-23",
    "/lagesbild/export.geojson": "start=2026-11-16&end=2026-11-23",
    "/lagesbild/report.pdf": "weeks=1",
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # the route's template, e.g. /plans/{plan_id}

    def url(self, ids: dict[str, str]) -> str:
        def fill(m: re.Match[str]) -> str:
            name = m.group(1).split(":")[0]
            return ids[name]

        url = re.sub(r"\{([^}]+)\}", fill, self.path)
        query = QUERIES.get(self.path)
        return f"{url}?{query}" if query and self.method == "GET" else url

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _route_objects(app: FastAPI) -> Iterator[object]:
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            yield from contexts()
        else:
            yield route


def endpoints(app: FastAPI) -> list[Endpoint]:
    """Every method × path the app answers, except the static files and the API docs pages."""
    found = set()
    for route in _route_objects(app):
        path = getattr(route, "path", "")
        methods = getattr(route, "methods", None) or set()
        if not methods or path.startswith("/static"):
            continue
        for method in methods - {"HEAD", "OPTIONS"}:
            found.add(Endpoint(method, path))
    return sorted(found, key=lambda e: (e.method != "GET", e.path, e.method))


def declared_permission(app: FastAPI, endpoint: Endpoint) -> object | None:
    """The `Permission` a route declares with `require_permission` (None if it declares none)."""
    for route in _route_objects(app):
        if getattr(route, "path", None) == endpoint.path and endpoint.method in (getattr(route, "methods", None) or ()):
            dependant = getattr(route, "dependant", None)
            stack = list(dependant.dependencies) if dependant is not None else []
            while stack:
                dep = stack.pop()
                permission = getattr(dep.call, "permission", None)
                if permission is not None:
                    return permission
                stack.extend(dep.dependencies)
    return None


_ID_QUERIES = {
    "area_id": "SELECT id FROM areas WHERE level = 'regso' ORDER BY id",
    "report_id": "SELECT r.id FROM reports r JOIN report_photos p ON p.report_id = r.id ORDER BY r.id",
    "photo_id": "SELECT p.id FROM report_photos p WHERE p.report_id = :report_id ORDER BY p.id",
    "user_id": "SELECT id FROM users WHERE username = 'samordnare2'",
    "token_id": "SELECT id FROM api_tokens WHERE name = 'route-walk-spare' ORDER BY id",
    "walk_id": "SELECT w.id FROM walks w JOIN walk_observations o ON o.walk_id = w.id "
               "JOIN walk_observation_photos p ON p.observation_id = o.id ORDER BY w.id",
    "obs_id": "SELECT id FROM walk_observations WHERE walk_id = :walk_id ORDER BY id",
    "shift_id": "SELECT id FROM night_shifts ORDER BY id",
    "premises_id": "SELECT id FROM premises ORDER BY id",
    "gym_id": "SELECT id FROM gyms ORDER BY id",
    "watch_id": "SELECT id FROM watch_areas ORDER BY id",
    "meeting_id": "SELECT meeting_id FROM short_term_actions ORDER BY id",
    "group_id": "SELECT est_group_id FROM est_meetings WHERE id = :meeting_id",
    "action_id": "SELECT id FROM short_term_actions WHERE meeting_id = :meeting_id ORDER BY id",
    "plan_id": "SELECT id FROM action_plans ORDER BY id",
    "fa_id": "SELECT id FROM focus_areas WHERE plan_id = :plan_id ORDER BY id",
    "activity_id": "SELECT id FROM activities WHERE plan_id = :plan_id ORDER BY id",
    "indicator_id": "SELECT i.id FROM indicators i JOIN activities a ON a.id = i.activity_id "
                    "WHERE a.plan_id = :plan_id ORDER BY i.id",
    "evaluation_id": "SELECT id FROM effect_evaluations ORDER BY id",
    "promise_id": "SELECT id FROM citizen_promises ORDER BY id",
    "commitment_id": "SELECT id FROM promise_commitments WHERE promise_id = :promise_id ORDER BY id",
    "role_id": "SELECT id FROM signatory_roles ORDER BY id DESC",
    "run_id": "SELECT id FROM import_runs ORDER BY id",
    "public_id": "SELECT public_id FROM reports WHERE source = 'resident' ORDER BY id",
    # an organisation none of the actors belongs to (an admin's empty form may switch it off)
    "org_id": "SELECT id FROM organisations WHERE id NOT IN (SELECT organisation_id FROM users WHERE username IN "
              "('admin', 'samordnare', 'analytiker', 'rapportor-eidar-1', 'lasare', 'lpo-chef', 'kontaktcenter')) "
              "ORDER BY id DESC",
}


# A 1×1 PNG: the photo routes serve stored bytes as they are.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def add_missing_objects(db: Database, admin: TestClient) -> None:
    """What the demo does not build but routes show: a report photo, a walk photo, an import run
    and a saved effect evaluation (made through the API, as a user would)."""
    with db.session() as s:
        report_id = s.execute(text("SELECT id FROM reports WHERE organisation_id IS NOT NULL ORDER BY id")).scalar()
        obs_id = s.execute(text("SELECT id FROM walk_observations ORDER BY id")).scalar()
        s.add(ReportPhoto(report_id=report_id, mime="image/png", width=1, height=1, content=PNG))
        s.add(ObservationPhoto(observation_id=obs_id, mime="image/png", width=1, height=1, content=PNG))
        s.add(ImportRun(fmt="csv", filename="walk.csv", source="csv", status="done"))
        s.commit()
    body = {"lon": 12.29, "lat": 58.28, "place_name": "Centrum", "radius_m": 400, "start": "2024-01-01",
            "categories": ["vandalism"], "months_before": 12, "months_after": 12, "title": "Route walk"}
    r = admin.post("/api/v1/evaluations", json=body)
    assert r.status_code == 201, r.text


def real_ids(db: Database) -> dict[str, str]:
    """A real value for every path parameter of the app, consistent with each other (the photo of
    the report, the focus area of the plan, …)."""
    ids: dict[str, str] = {"fmt": "json", "code": "vandalism", "job_id": "0" * 32,
                           "minutes_id": "0", "notification_id": "0"}  # the demo has no minutes or failed mail
    with db.engine.connect() as conn:
        for name, sql in _ID_QUERIES.items():
            params = {k: ids[k] for k in re.findall(r":(\w+)", sql)}
            value = conn.execute(text(sql), params).scalar()
            assert value is not None, f"the demo has no {name} ({sql})"
            ids[name] = str(value)
    ids["request_id"] = ids["public_id"]
    ids["token"] = ids["public_id"]
    return ids


def actors(app: FastAPI) -> dict[str, TestClient]:
    """A client per role sending a fresh Bearer token, and an anonymous one."""
    db: Database = app.state.db
    clients = {ANONYMOUS: TestClient(app, raise_server_exceptions=False)}
    with db.session() as s:
        if user_store.get_user_by_name(s, ACTOR_NAMES[Role.PUBLIC]) is None:
            # a public-role account in the reporter's organisation: it must still see no detail
            reporter = user_store.get_user_by_name(s, ACTOR_NAMES[Role.REPORTER])
            assert reporter is not None
            s.add(User(username=ACTOR_NAMES[Role.PUBLIC], password_hash="!", role=str(Role.PUBLIC),
                       display_name="Medborgare", organisation_id=reporter.organisation_id))
            s.flush()
        spare = user_store.get_user_by_name(s, "samordnare2")
        assert spare is not None
        user_store.create_token(s, spare, name="route-walk-spare")
        for role, username in ACTOR_NAMES.items():
            user = user_store.get_user_by_name(s, username)
            assert user is not None and user.role == role, username
            token = user_store.create_token(s, user, name="route-walk")
            clients[str(role)] = TestClient(app, headers={"Authorization": f"Bearer {token}"},
                                            raise_server_exceptions=False)
        s.commit()
    return clients


def request(client: TestClient, endpoint: Endpoint, ids: dict[str, str]) -> tuple[int, str]:
    """(status, location) of one request with an empty body (JSON for the API, a form otherwise)."""
    url = endpoint.url(ids)
    if "X-CSRF-Token" in client.headers and client.cookies.get("trygg_csrf"):
        # the anonymous client's token, renewed whenever a sign-out (also walked) renews the cookie
        client.headers["X-CSRF-Token"] = client.cookies.get("trygg_csrf") or ""
    if endpoint.method == "GET":
        r = client.get(url, follow_redirects=False)
    elif url.startswith(("/api/", "/open311/")):
        r = client.request(endpoint.method, url, json={}, follow_redirects=False)
    else:
        r = client.request(endpoint.method, url, data={}, follow_redirects=False)
    return r.status_code, r.headers.get("location", "")


__all__ = ["ACTOR_NAMES", "ANONYMOUS", "add_missing_objects", "Endpoint", "actors", "declared_permission", "endpoints",
           "real_ids", "request"]

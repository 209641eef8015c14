"""The access matrix: organisations × roles × endpoints × objects, each cell with its expected outcome.

Objects are the six reports of the ``world`` (tests/factories.py) under two sharing rules from
``access_world``. A read of a report whose details the user may not see answers 404 (never 403),
every list shows exactly the readable reports, and every read of the sensitive report is audited.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import World
from trygg.storage import audit
from trygg.storage.database import Database

#                 report: 0 vandalism  1 disorder   2 sexual_har. 3 littering  4 violence   5 unsafe_place
#                 owner:  bostad       bostad       skola         skola        polis        kommun
#                 audience: partners   coordination coordination  coordination none         partners
#                 writer: rapportor    rapportor    rapportor2    rapportor2   analytiker   samordnare
DETAIL_MATRIX = {
    "admin":         "YYYY-Y",  # kommun, cleared: everything but what polis shares with nobody
    "samordnare":    "YYYY-Y",  # kommun coordinator, cleared
    "analytiker":    "YYYYYY",  # polis analyst, cleared; report 4 is its own organisation's
    "analytiker_ej": "YY-YYY",  # polis analyst without clearance: no sensitive details
    "rapportor":     "YY----",  # bostad reporter: its own organisation only
    "rapportor2":    "--YY--",  # skola reporter: own organisation, incl. the sensitive one it wrote
    "lasare":        "YY---Y",  # bostad viewer: own organisation + audience "partners"
    "signatar":      "Y----Y",  # kommun signatory, not cleared: audience "partners" + own
    "kc":            "YY-Y-Y",  # Kontaktcenter: coordination audiences, not cleared
    "vakt_lasare":   "Y----Y",  # guard-company viewer: audience "partners" only
}
SENSITIVE_REPORT = 2


def _expected(username: str, world: World) -> set[int]:
    return {rid for rid, flag in zip(world.report_ids, DETAIL_MATRIX[username], strict=True) if flag == "Y"}


@pytest.mark.parametrize("username", sorted(DETAIL_MATRIX))
def test_report_detail_matrix(username: str, bearer: Callable[[str], TestClient], access_world: World,
                              database: Database) -> None:
    c = bearer(username)
    expected = _expected(username, access_world)
    for rid in access_world.report_ids:
        r = c.get(f"/api/v1/reports/{rid}")
        if rid in expected:
            assert r.status_code == 200, (username, rid, r.text)
            assert r.json()["id"] == rid
        else:
            assert r.status_code == 404, (username, rid, r.status_code)
            assert r.json()["error"]["code"] == "not_found"
    listed = {row["id"] for row in c.get("/api/v1/reports?limit=100").json()["reports"]}
    assert listed == expected, username
    features = c.get("/api/v1/reports.geojson").json()["features"]
    assert {f["id"] for f in features} == expected, username
    with database.session() as s:
        reads = audit.search(s, audit.AuditQuery(user_id=access_world.user_ids[username], action="read_sensitive"))
    sensitive_id = access_world.report_ids[SENSITIVE_REPORT]
    if sensitive_id in expected:
        # read once by id, once in the list and once on the map: each read is audited once
        assert [e.object_id for e in reads] == [str(sensitive_id)] * 3, "a sensitive read is audited once per read"
    else:
        assert reads == []


def test_unknown_and_hidden_reports_answer_alike(bearer: Callable[[str], TestClient], access_world: World) -> None:
    c = bearer("rapportor")
    hidden = c.get(f"/api/v1/reports/{access_world.report_ids[4]}")
    missing = c.get("/api/v1/reports/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_anonymous_visitors_read_no_report(client: TestClient, world: World) -> None:
    for path in ("/api/v1/reports", "/api/v1/reports.geojson", f"/api/v1/reports/{world.report_ids[0]}"):
        r = client.get(path)
        assert r.status_code == 401 and r.json()["error"]["code"] == "authentication_required"


ROLE_PAGES = ["/admin/users", "/admin/tokens", "/admin/sharing", "/admin/audit", "/admin/audit.csv"]
ACCOUNT_PAGES = ["/account", "/account/password", "/account/totp"]
OPEN_PAGES = ["/public", "/api/v1/public/counts?group=violence&year=2024", "/api/v1/public/groups"]


@pytest.mark.parametrize("username", ["admin", "samordnare", "analytiker", "rapportor", "lasare", "signatar", "kc"])
def test_page_matrix_by_role(username: str, sign_in: Callable[[str], TestClient]) -> None:
    c = sign_in(username)
    for path in ROLE_PAGES:
        expected = 200 if username == "admin" else 403
        assert c.get(path).status_code == expected, (username, path)
    for path in ACCOUNT_PAGES + ["/api/v1/me"]:
        assert c.get(path).status_code == 200, (username, path)
    for path in OPEN_PAGES:
        assert c.get(path).status_code == 200, (username, path)


def test_page_matrix_anonymous(totp_app: FastAPI) -> None:
    c = TestClient(totp_app)
    for path in ROLE_PAGES + ACCOUNT_PAGES + ["/api/v1/me"]:
        assert c.get(path).status_code == 401, path
    assert c.get("/public").status_code == 200
    assert c.get("/api/v1/public/groups").status_code == 200


def test_admin_writes_are_refused_to_other_roles(sign_in: Callable[[str], TestClient], access_world: World) -> None:
    c = sign_in("samordnare")
    target = access_world.user_ids["rapportor"]
    posts = [("/admin/users", {"username": "x1", "password": "long-enough", "role": "viewer", "organisation_id": "1"}),
             (f"/admin/users/{target}", {"role": "admin", "organisation_id": "1", "active": "true"}),
             (f"/admin/users/{target}/reset-totp", {}), (f"/admin/users/{target}/unlock", {}),
             ("/admin/sharing", {"organisation_id": "1", "category": "violence", "audience": "partners"})]
    for path, data in posts:
        assert c.post(path, data=data, follow_redirects=False).status_code == 403, path

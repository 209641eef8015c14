"""Public surfaces besides the open data tables (issue 16): ``/kontakt/nearby`` never shows a
sensitive category and is rate-limited; sensitive requests are never single public Open311
requests; public promise pages read report figures through the suppression gate; the open data
endpoints are rate-limited; the administrators' publication page and its republication action."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.factories import World
from tests.publication.helpers import centre
from trygg.config import Settings
from trygg.domain import clock
from trygg.domain.geo import to_sweref
from trygg.storage.database import Database
from trygg.storage.reports import insert_report
from trygg.storage.schema import AuditEntry, CitizenPromise, Indicator, PromiseCommitment, Report

READS = 5


@pytest.fixture
def settings(database: Database) -> Settings:
    return Settings(database_url=database.url, secure_cookies="false", secret_key="test-secret-key", require_totp=False,
                    public_read_rate_limit=READS)


def _resident(db: Database, world: World, category: str, area: str = "T004", *, days_ago: float = 1,
              status: str = "received") -> str:
    lon, lat = centre(area)
    x, y = to_sweref(lon, lat)
    now = clock.now()
    with db.session() as s:
        r = insert_report(s, category=category, description="", lon=lon, lat=lat, x=x, y=y, precision="exact",
                          area_id=world.area_ids[area], source="resident", status=status,
                          occurred_from=now - timedelta(days=days_ago), created_at=now - timedelta(days=days_ago))
        return r.public_id


def test_nearby_never_shows_a_sensitive_category(client: TestClient, database: Database, world: World) -> None:
    _resident(database, world, "sexual_harassment")
    _resident(database, world, "littering")
    lon, lat = centre("T004")
    near = client.get(f"/kontakt/nearby?lon={lon}&lat={lat}").json()["reports"]
    assert [r["category"] for r in near] == ["Nedskräpning"]
    assert client.get(f"/kontakt/nearby?lon={lon}&lat={lat}&category=sexual_harassment").json() == {"reports": []}
    bad = client.get(f"/kontakt/nearby?lon={lon}&lat={lat}&category=nonsense")
    assert bad.status_code == 422 and "category" in bad.json()["error"]["details"]


def test_nearby_and_the_open_data_are_rate_limited(client: TestClient, world: World) -> None:
    lon, lat = centre("T004")
    statuses = [client.get(f"/kontakt/nearby?lon={lon}&lat={lat}").status_code for _ in range(READS + 1)]
    assert statuses == [200] * READS + [429]
    statuses = [client.get("/api/v1/public/counts.csv").status_code for _ in range(READS + 1)]
    assert statuses[-1] == 429 and 429 not in statuses[:-1]
    r = client.get("/api/v1/public/counts?group=violence")
    assert r.status_code == 429 and set(r.json()["error"]) == {"code", "message", "details"}
    assert "retry-after" in {k.lower() for k in r.headers}


def test_a_sensitive_request_is_never_a_single_public_open311_request(client: TestClient, database: Database,
                                                                      world: World) -> None:
    secret = _resident(database, world, "sexual_harassment")
    shown = _resident(database, world, "littering")
    for fmt in ("json", "xml"):
        assert client.get(f"/open311/v2/requests/{secret}.{fmt}").status_code == 404
        assert client.get(f"/open311/v2/tokens/{secret}.{fmt}").status_code == 404
        assert client.get(f"/open311/v2/requests/{shown}.{fmt}").status_code == 200
    listed = client.get(f"/open311/v2/requests.json?service_request_id={secret},{shown}").json()
    assert [r["service_request_id"] for r in listed] == [shown]
    assert secret not in client.get("/open311/v2/requests.xml").text
    status = client.get(f"/kontakt/status/{secret}")  # the resident's own receipt still works
    assert status.status_code == 200


def _promise(db: Database, world: World, baseline: float) -> int:
    with db.session() as s:
        promise = CitizenPromise(year=2026, title="Medborgarlöfte", text="", status="active")
        c = PromiseCommitment(party="both", text="Tryggare Halvorstorp")
        c.indicators.append(Indicator(name="Sexuellt ofredande i Halvorstorp", source_kind="report_category",
                                      category="sexual_harassment", area_id=world.area_ids["T004"],
                                      baseline=baseline, target=0.0, unit="rapporter/år"))
        c.indicators.append(Indicator(name="Nedskräpning i hela kommunen", source_kind="report_category",
                                      category="littering", baseline=40.0, target=20.0, unit="rapporter/år"))
        promise.commitments.append(c)
        s.add(promise)
        s.flush()
        return promise.id


def test_a_public_promise_page_hides_a_small_sensitive_figure(client: TestClient, login: Any,
                                                              database: Database, world: World) -> None:
    """The finding: "Sexuellt ofredande i Halvorstorp … Nu 2,0 rapporter/år" on a public page."""
    for days in (40, 90):
        _resident(database, world, "sexual_harassment", days_ago=days, status="triaged")
    for k in range(60):  # littering across the municipality over the last year and more
        _resident(database, world, "littering", ["T001", "T002", "T003"][k % 3], days_ago=20 + 7 * k,
                  status="triaged")
    pid = _promise(database, world, baseline=3.0)
    page = client.get(f"/public/promises/{pid}")
    assert page.status_code == 200
    assert "Sexuellt ofredande i Halvorstorp" in page.text
    assert ">2,0 rapporter/år" not in page.text and ">3,0 rapporter/år" not in page.text  # value and baseline
    assert "Dold för att skydda den personliga integriteten" in page.text
    body = client.get(f"/api/v1/promises/{pid}").json()
    sexual, littering = body["commitments"][0]["indicators"]
    assert sexual["reading"]["value"] is None and sexual["baseline"] is None
    assert sexual["reading"]["status"] == "hidden" and sexual["reading"]["progress"] is None
    # an ordinary figure over the municipality: from the last twelve published months
    assert littering["reading"]["value"] is not None and littering["reading"]["value"] >= 5
    assert "–" in littering["reading"]["basis"]
    # signed-in partners still see their working figures on the editing page
    assert ">2,0 rapporter/år" in login("samordnare").get(f"/promises/{pid}").text


def test_administrators_republish_a_month_with_a_reason(client: TestClient, login: Any, database: Database,
                                                        world: World) -> None:
    assert client.get("/api/v1/public/groups").status_code == 200  # publishes the due months
    assert client.get("/admin/publication", follow_redirects=False).status_code in (302, 303, 401)
    assert login("samordnare").get("/admin/publication").status_code == 403
    admin = login("admin")
    page = admin.get("/admin/publication")
    assert page.status_code == 200 and "2024-05" in page.text and "Offentliga siffror" in page.text
    # A late report in May 2024 (published): nothing changes until it is republished
    with database.session() as s:
        report = s.get(Report, world.report_ids[0])
        assert report is not None
        lon, lat = report.lon, report.lat
        insert_report(s, category="vandalism", description="", lon=lon, lat=lat, x=report.x, y=report.y,
                      precision="exact", area_id=report.area_id, source="est", status="received",
                      occurred_from=report.occurred_from)
    assert "Rapporter ändrade sedan dess" in admin.get("/admin/publication").text
    no_reason = admin.post("/admin/publication/2024-05/republish", data={"reason": ""})
    assert no_reason.status_code == 422 and "field-error" in no_reason.text
    assert admin.post("/admin/publication/2025-13/republish", data={"reason": "x"}).status_code == 422
    done = admin.post("/admin/publication/2024-05/republish", data={"reason": "Sen rapport"}, follow_redirects=False)
    assert done.status_code == 303
    again = admin.post("/admin/publication/2024-05/republish", data={"reason": "Igen"})
    assert again.status_code == 409
    body = client.get("/api/v1/public/counts?group=property&year=2024").json()
    assert body["revised"] == ["2024-05"] and body["versions"]["2024-05"]["version"] == 2
    assert "reviderad" in client.get("/public?group=property&year=2024").text
    with database.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "republish")).one()
        assert entry.user_id == world.user_ids["admin"] and entry.detail["reason"] == "Sen rapport"

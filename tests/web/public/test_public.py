"""The public dashboard and open data: no login, only published (stored, suppressed) counts per
area × month × group, for every view and filter combination; no free text, no points, no times
finer than a month. Publication itself, republication and the attacks are in tests/publication/."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import AREA_BOXES, World
from trygg.config import Settings
from trygg.domain import clock
from trygg.domain.geo import to_sweref
from trygg.storage.database import Database
from trygg.storage.reports import insert_report
from trygg.web.public.api import GROUPS, GROUPS_BY_CODE

# (category, area, year, month, how many) added to the world's six reports (May 2024)
EXTRA = [("vandalism", "T001", 2024, 3, 7), ("vandalism", "T002", 2024, 3, 2), ("burglary", "T003", 2024, 3, 6),
         ("vandalism", "T001", 2024, 4, 5), ("sexual_harassment", "T002", 2024, 3, 12),
         ("sexual_harassment", "T001", 2024, 3, 6), ("sexual_harassment", "T003", 2024, 4, 10),
         ("violence", "T004", 2023, 11, 1), ("traffic", "T004", 2024, 6, 30)]


@pytest.fixture
def settings(database: Database) -> Settings:
    """These tests read every view many times: a rate limit that does not get in the way."""
    return Settings(database_url=database.url, secure_cookies="false", secret_key="test-secret-key", require_totp=False,
                    public_read_rate_limit=100_000)


@pytest.fixture
def public_world(database: Database, world: World) -> World:
    """The world with enough reports for a mix of published and hidden counts."""
    with database.session() as s:
        for category, area, year, month, n in EXTRA:
            box = AREA_BOXES[area][2]
            lon, lat = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            x, y = to_sweref(lon, lat)
            for k in range(n):
                insert_report(s, category=category, description=f"Hemlig text {k}", lon=lon, lat=lat, x=x, y=y,
                              precision="exact", area_id=world.area_ids[area], source="est", status="received",
                              occurred_from=datetime(year, month, 1 + k % 27, 12, tzinfo=UTC),
                              organisation_id=world.org_ids["bostad"])
    return world


def _values(body: dict[str, Any]) -> list[int | None]:
    out = list(body["month_totals"]) + [body["total"]]
    for row in body.get("rows", []):
        out += row["counts"] + [row["total"]]
    return out


def test_no_view_publishes_a_small_count(client: TestClient, public_world: World) -> None:
    years = client.get("/api/v1/public/groups").json()["years"]
    assert years[:2] == [2023, 2024]  # from the first report's month (2023-11) to the last settled month
    checked = 0
    for g in GROUPS:
        for year in years:
            for level in ("regso", "municipality"):
                for area in (None, "T001", "T002", "T003", "T004"):
                    q = f"/api/v1/public/counts?group={g.code}&year={year}&level={level}"
                    body = client.get(q + (f"&area={area}" if area else "")).json()
                    for v in _values(body):
                        assert v is None or v == 0 or v >= g.threshold, (q, area, v)
                        checked += 1
    assert checked > 500


def test_small_counts_are_hidden_and_totals_do_not_give_them_away(client: TestClient, public_world: World) -> None:
    body = client.get("/api/v1/public/counts?group=property&year=2024").json()
    march = body["months"].index("2024-03")
    rows = {r["area_code"]: r for r in body["rows"]}
    assert rows["T002"]["counts"][march] is None  # 2 vandalism reports
    hidden_in_march = [r["counts"][march] for r in body["rows"]].count(None)
    assert hidden_in_march >= 2 or body["month_totals"][march] is None
    sensitive = client.get("/api/v1/public/counts?group=sexual_offences&year=2024").json()
    assert sensitive["threshold"] == 10
    rows = {r["area_code"]: r for r in sensitive["rows"]}
    assert rows["T001"]["counts"][march] is None  # 6 < 10
    assert rows["T003"]["counts"][sensitive["months"].index("2024-04")] in (None, 10)


def test_open_data_has_no_text_points_or_times_finer_than_a_month(client: TestClient, public_world: World) -> None:
    r = client.get("/api/v1/public/counts.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "Hemlig" not in r.text and "Testrapport" not in r.text
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert set(rows[0]) == {"group", "year", "month", "area_code", "area_name", "count", "suppressed", "revised"}
    for row in rows:
        assert row["month"] == "total" or len(row["month"]) == 7  # YYYY-MM
        threshold = GROUPS_BY_CODE[row["group"]].threshold
        assert row["count"] == "" or int(row["count"]) == 0 or int(row["count"]) >= threshold
    body = client.get("/api/v1/public/counts?group=property&year=2024").text
    assert "lon" not in body and "lat" not in body and "description" not in body


def test_the_running_month_is_not_published(client: TestClient, database: Database, world: World) -> None:
    now = clock.now()
    with database.session() as s:
        x, y = to_sweref(12.27, 58.285)
        for k in range(6):
            insert_report(s, category="littering", lon=12.27, lat=58.285, x=x, y=y, precision="exact",
                          area_id=world.area_ids["T001"], source="est", status="received",
                          occurred_from=now - timedelta(minutes=k))
    body = client.get(f"/api/v1/public/counts?group=environment&year={now.year}")
    if body.status_code == 422:  # January, or February before January has settled
        assert now.month <= 2
    else:
        assert f"{now.year}-{now.month:02d}" not in body.json()["months"]


def test_the_dashboard_page_needs_no_login_and_shows_the_table(client: TestClient, public_world: World) -> None:
    r = client.get("/public?group=property&year=2024")
    assert r.status_code == 200
    assert "Öppen statistik" in r.text and "Centrum" in r.text and "2024-03" in r.text
    assert "<table" in r.text and "Hemlig" not in r.text
    assert client.get("/public?group=nonsense&year=1999&area=zzz&level=x").status_code == 200


def test_bad_filters_answer_422_in_the_error_shape(client: TestClient, public_world: World) -> None:
    for q in ("group=nonsense", "year=1999", "area=ZZZ", "level=deso"):
        r = client.get(f"/api/v1/public/counts?{q}")
        assert r.status_code == 422 and set(r.json()["error"]) == {"code", "message", "details"}, q

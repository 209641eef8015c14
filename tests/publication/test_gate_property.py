"""A property test of the suppression gate over every public surface (issue 16, "Done when").

For any mix of reports — every category group, four districts, twelve published months, residents'
reports of sensitive and ordinary categories, a public citizen promise with indicators of both —
every page and API a person without login can read shows only what the gate allows:

- the open data JSON (every group, year, level and district), its CSV and the dashboard page: only
  0 or numbers at or above the threshold, the same stored number for the same cell in every view,
  and no hidden small cell that the published numbers pin down (a linear programme tries);
- the public promise page and API: report figures only from the published months, hidden where
  they would be small or rest on a hidden number; staff-entered baselines and targets likewise;
- ``/kontakt/nearby`` and Open311 (lists, single requests, tokens): never a sensitive category;
- area pages: not public at all (they send to the login page).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from tests.factories import World
from tests.publication.helpers import add_reports, centre, latest_due_month
from tests.publication.test_attack import _year_lp
from trygg.config import Settings
from trygg.domain import clock
from trygg.domain.categories import DEFAULT_TAXONOMY
from trygg.domain.geo import to_sweref
from trygg.publication.groups import GROUP_OF_CATEGORY, GROUPS
from trygg.publication.schedule import publish_due_months
from trygg.storage.database import Database
from trygg.storage.reports import insert_report
from trygg.storage.schema import (
    AuditEntry,
    CitizenPromise,
    Indicator,
    PromiseCommitment,
    Publication,
    Report,
)

AREAS = ("T001", "T002", "T003", "T004")
CATEGORIES = [c for g in GROUPS for c in g.categories]
RESIDENT_CATEGORIES = [c.code for c in DEFAULT_TAXONOMY.by_code.values() if c.public]
# (category, area code or None, area types) of the promise's report indicators
INDICATORS = [("sexual_harassment", "T004", ()), ("sexual_harassment", None, ()), ("vandalism", "T002", ()),
              ("traffic", None, (1, 2)), ("youth", "T001", ()), ("littering", None, ())]


@pytest.fixture
def settings_(database: Database) -> Settings:
    return Settings(database_url=database.url, secure_cookies="false", secret_key="test-secret-key", require_totp=False,
                    public_read_rate_limit=1_000_000)


@pytest.fixture
def app(database: Database, settings_: Settings, world: World):  # type: ignore[no-untyped-def]
    from trygg.web.app import create_app

    return create_app(settings_, database)


def _months(now: datetime) -> list[tuple[int, int]]:
    year, month = latest_due_month(now)
    out = []
    for _ in range(12):
        out.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def _reset(db: Database) -> None:
    with db.session() as s:
        for table in (Indicator, PromiseCommitment, CitizenPromise, Publication, AuditEntry, Report):
            s.execute(delete(table))


def _seed(db: Database, world: World, now: datetime, cells: list[tuple[str, str, int, int]],
          residents: list[tuple[str, str]], baselines: list[int]) -> int:
    months = _months(now)
    for category, area, k, n in cells:
        if n:
            add_reports(db, world, category, area, *months[k], n)
    lon, lat = centre("T001")
    x, y = to_sweref(lon, lat)
    with db.session() as s:
        for category, status in residents:
            insert_report(s, category=category, description="", lon=lon, lat=lat, x=x, y=y, precision="exact",
                          area_id=world.area_ids["T001"], source="resident", status=status,
                          occurred_from=now - timedelta(days=1), created_at=now - timedelta(hours=1))
        promise = CitizenPromise(year=now.year, title="Löfte", text="", status="active")
        commitment = PromiseCommitment(party="both", text="Vi lovar")
        for (category, area, types), base in zip(INDICATORS, baselines, strict=True):
            commitment.indicators.append(Indicator(
                name=f"{category} {area}", source_kind="report_category", category=category,
                area_id=world.area_ids[area] if area else None, area_types=list(types) or None,
                baseline=float(base), target=float(max(base - 3, 0)), unit="rapporter/år"))
        promise.commitments.append(commitment)
        s.add(promise)
        s.flush()
        promise_id = promise.id
    with db.session() as s:
        publish_due_months(s, now)
    return promise_id


def _ok(value: float | None, threshold: int) -> bool:
    return value is None or value == 0 or value >= threshold


def _check_tables(client: Any, db: Database) -> dict[tuple[str, int], dict[str, Any]]:
    years = client.get("/api/v1/public/groups").json()["years"]
    tables: dict[tuple[str, int], dict[str, Any]] = {}
    for g in GROUPS:
        for year in years:
            base = f"/api/v1/public/counts?group={g.code}&year={year}"
            full = client.get(base).json()
            tables[(g.code, year)] = full
            cells = {(r["area_code"], m): v for r in full["rows"] for m, v in zip(full["months"], r["counts"],
                                                                                   strict=True)}
            values = list(cells.values()) + [r["total"] for r in full["rows"]] + full["month_totals"] + [full["total"]]
            assert all(_ok(v, g.threshold) for v in values), (g.code, year, values)
            for area in AREAS:  # overlapping filters: the same stored numbers
                one = client.get(f"{base}&area={area}").json()
                assert [r["counts"] for r in one["rows"]] == [[cells[(area, m)] for m in full["months"]]]
            muni = client.get(f"{base}&level=municipality").json()
            assert muni["month_totals"] == full["month_totals"] and muni["total"] == full["total"]
            assert "rows" not in muni
            page = client.get(f"/public?group={g.code}&year={year}").text
            table = page.split('<table class="public-counts">', 1)[1].split("</table>", 1)[0]
            shown = [int(n) for n in re.findall(r"<td>(\d+)</td>", table)]
            assert all(_ok(v, g.threshold) for v in shown)
            assert sorted(shown) == sorted(v for v in values if v is not None)
    for row in csv.DictReader(io.StringIO(client.get("/api/v1/public/counts.csv").text)):
        g = next(x for x in GROUPS if x.code == row["group"])
        assert row["count"] == "" or _ok(int(row["count"]), g.threshold)
        body = tables[(row["group"], int(row["year"]))]
        if row["area_code"] not in ("total",) and row["month"] != "total":
            r = next(x for x in body["rows"] if x["area_code"] == row["area_code"])
            expected = r["counts"][body["months"].index(row["month"])]
            assert row["count"] == ("" if expected is None else str(expected))
    return tables


def _check_derivation(db: Database, tables: dict[tuple[str, int], dict[str, Any]],
                      cells: list[tuple[str, str, int, int]], now: datetime) -> None:
    """No hidden small cell is pinned down by the published numbers of its year."""
    months = _months(now)
    truth: dict[tuple[str, str, str], int] = {}
    for category, area, k, n in cells:
        key = (GROUP_OF_CATEGORY[category].code, area, f"{months[k][0]}-{months[k][1]:02d}")
        truth[key] = truth.get(key, 0) + n
    for (group, area, month), n in truth.items():
        g = next(x for x in GROUPS if x.code == group)
        if not 0 < n < g.threshold:
            continue
        body = tables[(group, int(month[:4]))]
        kinds = {a: ("small" if 0 < truth.get((group, a, month), 0) < g.threshold else "large") for a in AREAS
                 if next(r for r in body["rows"] if r["area_code"] == a)["counts"][body["months"].index(month)] is None}
        assert area in kinds, (group, area, month, n)
        low, high = _year_lp([body], month, area, g.threshold, {}, kinds)
        assert high - low >= 1, (group, area, month, n, low, high)


def _check_promise(client: Any, promise_id: int, tables: dict[tuple[str, int], dict[str, Any]]) -> None:
    body = client.get(f"/api/v1/promises/{promise_id}").json()
    page = client.get(f"/public/promises/{promise_id}")
    assert page.status_code == 200
    indicators = [i for c in body["commitments"] for i in c["indicators"]]
    assert len(indicators) == len(INDICATORS)
    for ind, (category, area, _types) in zip(indicators, INDICATORS, strict=True):
        threshold = 10 if DEFAULT_TAXONOMY.is_sensitive(category) else 5
        value = ind["reading"]["value"]
        for v in (value, ind["baseline"], ind["target"]):
            assert _ok(v, threshold), (category, area, v)
        if ind["baseline"] is None or value is None:
            assert ind["reading"]["progress"] is None
        group = GROUP_OF_CATEGORY[category]
        if group.categories == (category,) and area is not None and value is not None:
            published = []  # a group of its own: the sum of published numbers, never more
            for (code, _year), t in tables.items():
                if code == group.code:
                    row = next(r for r in t["rows"] if r["area_code"] == area)
                    published += row["counts"]
            assert None not in published[-12:] and value == sum(published[-12:])


def _check_single_reports(client: Any, db: Database) -> None:
    from sqlalchemy import select

    with db.session() as s:
        residents = [(r.public_id, r.category) for r in s.scalars(select(Report).where(Report.source == "resident"))]
    listed = client.get("/open311/v2/requests.json").json()
    assert not any(DEFAULT_TAXONOMY.is_sensitive(r["service_code"]) for r in listed)
    ids = ",".join(p for p, _c in residents)
    if ids:
        by_id = client.get(f"/open311/v2/requests.json?service_request_id={ids}").json()
        assert not any(DEFAULT_TAXONOMY.is_sensitive(r["service_code"]) for r in by_id)
    for public_id, category in residents:
        for path in (f"/open311/v2/requests/{public_id}.json", f"/open311/v2/tokens/{public_id}.json"):
            assert client.get(path).status_code == (404 if DEFAULT_TAXONOMY.is_sensitive(category) else 200)
    lon, lat = centre("T001")
    near = client.get(f"/kontakt/nearby?lon={lon}&lat={lat}").json()["reports"]
    names = {n for c in DEFAULT_TAXONOMY.categories if c.sensitive for n in (c.name_sv, c.name_en)}
    assert not any(r["category"] in names for r in near)
    for code in DEFAULT_TAXONOMY.by_code:
        if DEFAULT_TAXONOMY.is_sensitive(code):
            assert client.get(f"/kontakt/nearby?lon={lon}&lat={lat}&category={code}").json() == {"reports": []}


cell_lists = st.lists(st.tuples(st.sampled_from(CATEGORIES), st.sampled_from(AREAS), st.integers(0, 11),
                                st.integers(0, 13)), max_size=25)
resident_lists = st.lists(st.tuples(st.sampled_from(RESIDENT_CATEGORIES),
                                    st.sampled_from(["received", "triaged", "in_progress"])), max_size=6)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cells=cell_lists, residents=resident_lists,
       baselines=st.lists(st.integers(0, 30), min_size=len(INDICATORS), max_size=len(INDICATORS)))
def test_every_public_surface_shows_only_what_the_gate_allows(
        client: Any, database: Database, world: World, cells: list[tuple[str, str, int, int]],
        residents: list[tuple[str, str]], baselines: list[int]) -> None:
    now = clock.now()
    _reset(database)
    promise_id = _seed(database, world, now, cells, residents, baselines)
    tables = _check_tables(client, database)
    _check_derivation(database, tables, cells, now)
    _check_promise(client, promise_id, tables)
    _check_single_reports(client, database)
    r = client.get(f"/areas/{world.area_ids['T004']}", follow_redirects=False)
    assert r.status_code in (302, 303, 401) and "login" in r.headers.get("location", "/login")

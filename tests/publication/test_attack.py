"""The attacks of issue 16 against the public figures, played out over HTTP; each one fails.

A district has one sexual harassment report (hidden: below 10) and two disorder reports (hidden:
below 5) in the latest published month. The attacker, anonymous, tries to recover them:

1. by submissions: nine residents' reports backdated into the month (and nine current ones) —
   the published month does not move, and even after the Kontaktcenter triages them and an
   administrator republishes the month, the cell stays hidden;
2. by overlapping filters: every view (one district, all districts, the municipality level, the
   CSV, the dashboard, a promise indicator) shows the same stored numbers, hidden in all of them;
3. by differencing totals: a linear programme that knows every published number of every
   version, the attacker's own additions and the suppression rules still finds at least two
   values for each hidden cell.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
import pytest
from scipy.optimize import linprog
from sqlalchemy import update

from tests.factories import World
from tests.publication.helpers import add_reports, centre, latest_due_month
from trygg.analysis.suppression import SENSITIVE_THRESHOLD
from trygg.config import Settings
from trygg.domain import clock
from trygg.storage.database import Database
from trygg.storage.schema import Report

SECRET_AREA = "T004"


@pytest.fixture
def settings(database: Database) -> Settings:
    # The attacker has many addresses: no rate limit stands in the way of the attack itself.
    return Settings(database_url=database.url, secure_cookies="false", secret_key="test-secret-key", require_totp=False,
                    public_rate_limit=1000, public_read_rate_limit=100_000)


@pytest.fixture
def month() -> tuple[int, int]:
    return latest_due_month(clock.now())


@pytest.fixture
def secret_world(database: Database, world: World, month: tuple[int, int]) -> World:
    year, m = month
    for category, area, n in [("sexual_harassment", SECRET_AREA, 1), ("sexual_harassment", "T001", 12),
                              ("sexual_harassment", "T002", 11), ("disorder", SECRET_AREA, 2),
                              ("disorder", "T001", 9), ("disorder", "T002", 7), ("disorder", "T003", 6)]:
        add_reports(database, world, category, area, year, m, n)
    return world


def _views(client: Any, year: int) -> dict[str, Any]:
    """Everything the public can read about the year, in every form."""
    out: dict[str, Any] = {}
    for group in ("sexual_offences", "disorder"):
        for level in ("regso", "municipality"):
            for area in ("", "T001", "T002", "T003", "T004"):
                q = f"/api/v1/public/counts?group={group}&year={year}&level={level}" + (f"&area={area}" if area else "")
                r = client.get(q)
                assert r.status_code == 200, r.text
                out[q] = r.json()
    r = client.get(f"/api/v1/public/counts.csv?year={year}")
    assert r.status_code == 200
    out["csv"] = r.text
    page = client.get(f"/public?group=sexual_offences&year={year}")
    assert page.status_code == 200
    out["page"] = page.text.split('<table class="public-counts">', 1)[1].split("</table>", 1)[0]
    return out


def _post(client: Any, category: str, when: str, occurred: str = "") -> None:
    client.get("/kontakt")
    lon, lat = centre(SECRET_AREA)
    r = client.post("/kontakt", data={"category": category, "lon": str(lon), "lat": str(lat), "when": when,
                                      "occurred": occurred, "description": "Det hände här",
                                      "csrf_token": client.cookies.get("trygg_csrf")}, follow_redirects=False)
    assert r.status_code == 303, r.text


def _cell(views: dict[str, Any], group: str, year: int, key: str, area: str) -> int | None:
    body = views[f"/api/v1/public/counts?group={group}&year={year}&level=regso"]
    row = next(r for r in body["rows"] if r["area_code"] == area)
    return row["counts"][body["months"].index(key)]


def _year_lp(bodies: list[dict[str, Any]], month_key: str, area: str, threshold: int,
             deltas: dict[str, int], kinds: dict[str, str]) -> tuple[float, float]:
    """The smallest and largest value of the hidden cell (`area`, `month_key`) in the first version
    consistent with every published number of every version (`bodies`), the attacker's own
    additions between versions (`deltas` per area; other cells unchanged) and the rules: a hidden
    number is at least 1; a cell known to be small (`kinds[area] == "small"`) is below the
    threshold, one hidden to protect it at least the threshold."""
    index: dict[tuple[int, str, str], int] = {}

    def var(v: int, row: str, col: str) -> int:
        return index.setdefault((v, row, col), len(index))

    eqs: list[tuple[dict[int, int], float]] = []
    fixed: dict[int, float] = {}
    for v, body in enumerate(bodies):
        months = body["months"]
        areas = [r["area_code"] for r in body["rows"]]
        for r in body["rows"]:
            for m, value in zip(months, r["counts"], strict=True):
                if value is not None:
                    fixed[var(v, r["area_code"], m)] = value
            if r["total"] is not None:
                fixed[var(v, r["area_code"], "total")] = r["total"]
            eqs.append(({**{var(v, r["area_code"], m): 1 for m in months}, var(v, r["area_code"], "total"): -1}, 0))
        for m, value in zip(months, body["month_totals"], strict=True):
            if value is not None:
                fixed[var(v, "total", m)] = value
            eqs.append(({**{var(v, a, m): 1 for a in areas}, var(v, "total", m): -1}, 0))
        if body["total"] is not None:
            fixed[var(v, "total", "total")] = body["total"]
        eqs.append(({**{var(v, "total", m): 1 for m in months}, var(v, "total", "total"): -1}, 0))
        if v > 0:  # what the attacker knows changed between versions: only their own reports
            for a in areas:
                eqs.append(({var(v, a, month_key): 1, var(v - 1, a, month_key): -1}, deltas.get(a, 0)))
            for m in months:
                if m != month_key:
                    for a in areas:
                        eqs.append(({var(v, a, m): 1, var(v - 1, a, m): -1}, 0))
    n = len(index)
    bounds: list[tuple[float, float | None]] = []
    for (v, row, col), k in sorted(index.items(), key=lambda kv: kv[1]):
        if k in fixed:
            bounds.append((fixed[k], fixed[k]))
        elif v == 0 and row != "total" and col != "total" and col == month_key and row in kinds:
            bounds.append((1, threshold - 1) if kinds[row] == "small" else (threshold, None))
        else:
            bounds.append((1, None))
    a_eq = np.zeros((len(eqs), n))
    b_eq = np.zeros(len(eqs))
    for i, (coef, rhs) in enumerate(eqs):
        for k, c in coef.items():
            a_eq[i, k] = c
        b_eq[i] = rhs
    target = np.zeros(n)
    target[index[(0, area, month_key)]] = 1
    low = linprog(target, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    high = linprog(-target, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert low.status == 0, low.message
    return float(low.fun), (float("inf") if high.status == 3 else float(-high.fun))


def test_anonymous_submissions_overlapping_filters_and_differencing_recover_no_hidden_cell(
        client: Any, login: Any, database: Database, secret_world: World, month: tuple[int, int]) -> None:
    year, m = month
    key = f"{year}-{m:02d}"
    before = _views(client, year)
    assert _cell(before, "sexual_offences", year, key, SECRET_AREA) is None
    assert _cell(before, "disorder", year, key, SECRET_AREA) is None

    # 1. Submissions: nine backdated into the published month, nine current, one more disorder.
    for _ in range(9):
        _post(client, "sexual_harassment", "exact", f"{key}-10T12:00")
        _post(client, "sexual_harassment", "now")
    _post(client, "disorder", "exact", f"{key}-11T21:00")
    after = _views(client, year)
    assert after == before  # the published month does not move, in any view

    # 2. Overlapping filters: the hidden cells are hidden in every view and slice.
    for group in ("sexual_offences", "disorder"):
        for level_area in ("", "&area=T004"):
            body = after[f"/api/v1/public/counts?group={group}&year={year}&level=regso{level_area}"]
            row = next(r for r in body["rows"] if r["area_code"] == SECRET_AREA)
            assert row["counts"][body["months"].index(key)] is None and row["total"] is None
    csv_rows = [r for r in csv.DictReader(io.StringIO(after["csv"]))
                if r["area_code"] == SECRET_AREA and r["month"] in (key, "total")
                and r["group"] in ("sexual_offences", "disorder")]
    assert csv_rows and all(r["count"] == "" and r["suppressed"] == "yes" for r in csv_rows)

    # The Kontaktcenter triages the attacker's reports; an administrator republishes the month.
    with database.session() as s:
        s.execute(update(Report).where(Report.source == "resident").values(status="triaged"))
    admin = login("admin")
    preview = admin.get(f"/admin/publication/{key}")
    assert preview.status_code == 200
    r = admin.post(f"/admin/publication/{key}/republish", data={"reason": "Sena invånarrapporter"},
                   follow_redirects=False)
    assert r.status_code == 303, r.text
    revised = _views(client, year)
    body = revised[f"/api/v1/public/counts?group=sexual_offences&year={year}&level=regso"]
    assert key in body["revised"]
    assert _cell(revised, "sexual_offences", year, key, SECRET_AREA) is None  # 10 now, still hidden
    assert _cell(revised, "disorder", year, key, SECRET_AREA) is None

    # 3. Differencing: every published number of both versions, the attacker's own additions
    # (9 sexual harassment and 1 disorder, both backdated, now triaged) — still no unique value.
    for group, delta, threshold in (("sexual_offences", 9, SENSITIVE_THRESHOLD), ("disorder", 1, 5)):
        q = f"/api/v1/public/counts?group={group}&year={year}&level=regso"
        with database.session() as s:
            small = {a: n < threshold for a, n in _true_counts(s, group, year, m).items()}
        kinds = {a: ("small" if is_small else "large") for a, is_small in small.items()
                 if _cell(before, group, year, key, a) is None}
        low, high = _year_lp([before[q], revised[q]], key, SECRET_AREA, threshold, {SECRET_AREA: delta}, kinds)
        assert high - low >= 1, (group, low, high)


def _true_counts(session: Any, group: str, year: int, month: int) -> dict[str, int]:
    """The counts of the first version (from the stored publication, never served)."""
    from sqlalchemy import select

    from trygg.storage.schema import Area, Publication, PublicationCell
    pub = session.scalar(select(Publication).where(Publication.year == year, Publication.month == month,
                                                   Publication.version == 1))
    rows = session.execute(select(Area.code, PublicationCell.count).join(Area, Area.id == PublicationCell.area_id)
                           .where(PublicationCell.publication_id == pub.id, PublicationCell.group_code == group))
    return {str(code): int(n) for code, n in rows}


def test_the_attackers_linear_programme_finds_what_totals_give_away() -> None:
    """The attacker above is competent: a cell hidden alone next to a published total, or one
    moved by a known amount between two versions, is found exactly."""
    alone = {"months": ["2026-10"], "month_totals": [24], "total": 24,
             "rows": [{"area_code": "T001", "counts": [12], "total": 12},
                      {"area_code": "T002", "counts": [11], "total": 11},
                      {"area_code": "T004", "counts": [None], "total": None}]}
    assert _year_lp([alone], "2026-10", "T004", 10, {}, {"T004": "small"}) == (1.0, 1.0)
    v1 = {"months": ["2026-10"], "month_totals": [24], "total": 24,
          "rows": [{"area_code": "T001", "counts": [12], "total": 12},
                   {"area_code": "T002", "counts": [None], "total": None},
                   {"area_code": "T004", "counts": [None], "total": None}]}
    v2 = {**v1, "rows": [{"area_code": "T001", "counts": [12], "total": 12},
                         {"area_code": "T002", "counts": [None], "total": None},
                         {"area_code": "T004", "counts": [10], "total": 10}]}
    assert _year_lp([v1], "2026-10", "T004", 10, {}, {"T004": "small", "T002": "large"})[1] == 2.0
    assert _year_lp([v1, {**v2, "month_totals": [33], "total": 33}], "2026-10", "T004", 10, {"T004": 9},
                    {"T004": "small", "T002": "large"}) == (1.0, 1.0)

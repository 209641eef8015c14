"""CSV, Excel and GeoJSON importers: column mappings, line numbers, good rows kept, re-import adds nothing."""

from __future__ import annotations

import io
import json
from datetime import datetime

from openpyxl import Workbook
from sqlalchemy import func, select

from trygg.ingest import open_importer, run_import
from trygg.ingest.csv_source import guess_mapping, parse_when
from trygg.ingest.service import IntakeContext
from trygg.storage import intake as intake_store
from trygg.storage.database import Database
from trygg.storage.schema import Report

CSV = ("Löpnummer;Kategori;Datum;Tid;Lat;Long;Otrygghet;Polis tillkallad;Beskrivning\n"
       "1;Skadegörelse / klotter;2024-05-03;22.15;58,285;12,27;4;ja;Krossad ruta\n"
       "2;Nedskräpning;2024-05-04;;58,275;12,29;2;nej;Skräp\n"
       "3;okänd;2024-05-04;;58,275;12,29;2;nej;fel kategori\n"
       "4;Narkotika;förra veckan;;58,275;12,29;2;nej;fel datum\n"
       "5;Narkotika;2024-05-04;;57,7;11,97;2;nej;Göteborg\n"
       "6;Narkotika;2024-05-04;;58,275;12,29;2;nej;pnr 811218-9876\n")


def _count(db: Database, source: str = "import") -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(Report.id)).where(Report.source == source)) or 0)


def test_headers_are_recognised_and_values_read_the_swedish_way() -> None:
    mapping = guess_mapping(["Löpnummer", "Kategori", "Datum", "Tid", "Lat", "Long", "Otrygghet", "Beskrivning"])
    assert mapping["category"] == "Kategori" and mapping["time"] == "Tid" and mapping["lon"] == "Long"
    assert parse_when("2024-05-03", "Datum", "22.15") == datetime.fromisoformat("2024-05-03T22:15:00+02:00")
    assert parse_when("3/5/2024 07:30", "Datum").isoformat() == "2024-05-03T07:30:00+02:00"


def test_a_csv_file_keeps_its_good_rows_and_lists_each_bad_one_with_its_line(database: Database, world) -> None:  # type: ignore[no-untyped-def]
    with database.session() as s:
        summary = run_import(s, open_importer(CSV.encode("cp1252"), "csv", filename="est.csv"), IntakeContext())
    assert (summary.total, summary.imported) == (6, 2)
    reasons = {i.line: i.reason for i in summary.rejected}
    assert set(reasons) == {4, 5, 6, 7}  # header is line 1
    assert "category" in reasons[4] and "Datum" in reasons[5] and "location" in reasons[6]
    assert "19" not in reasons[7] and "description" in reasons[7]
    assert _count(database) == 2
    with database.session() as s:
        again = run_import(s, open_importer(CSV.encode("utf-8-sig"), "csv"), IntakeContext())
        run = intake_store.get_run(s, again.run_id or 0)
        assert run is not None and run.duplicates == 2 and len(run.issues or []) == 4
    assert again.imported == 0 and again.duplicates == 2 and _count(database) == 2


def test_a_saved_mapping_reads_an_excel_file_with_other_headers(database: Database, world) -> None:  # type: ignore[no-untyped-def]
    wb = Workbook()
    ws = wb.active
    ws.append(["När", "Vad", "Stadsdel", "Bedömning 1-5"])
    ws.append([datetime(2024, 5, 3, 21, 0), "vandalism", "T001", 3])
    ws.append([datetime(2024, 5, 3, 23, 0), "disorder", "Nowhere", 3])
    buf = io.BytesIO()
    wb.save(buf)
    mapping = {"occurred_from": "När", "category": "Vad", "area": "Stadsdel", "insecurity": "Bedömning 1-5"}
    with database.session() as s:
        intake_store.save_mapping(s, "Vaktbolaget veckofil", "excel", mapping)
    with database.session() as s:
        saved = intake_store.get_mapping(s, "Vaktbolaget veckofil")
        summary = run_import(s, open_importer(buf.getvalue(), "excel", mapping=dict(saved.mapping)),
                             IntakeContext(), dry_run=True)
    assert summary.imported == 1 and [i.line for i in summary.rejected] == [3]
    assert _count(database) == 0  # a dry run stores nothing


def test_geojson_points_are_imported_once_and_other_geometries_refused(database: Database, world) -> None:  # type: ignore[no-untyped-def]
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "a1", "geometry": {"type": "Point", "coordinates": [12.27, 58.285]},
         "properties": {"kategori": "littering", "datum": "2024-05-01 10:00"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [12.29, 58.275]},
         "properties": {"kategori": "vandalism", "datum": "2024-05-02T11:00:00+02:00"}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[12.27, 58.28], [12.28, 58.28]]},
         "properties": {"kategori": "vandalism"}},
    ]}
    content = json.dumps(fc).encode()
    with database.session() as s:
        first = run_import(s, open_importer(content, "geojson"), IntakeContext())
        second = run_import(s, open_importer(content, "geojson"), IntakeContext())
    assert first.imported == 2 and [i.line for i in first.rejected] == [3]
    assert "LineString" in first.rejected[0].reason
    assert second.imported == 0 and second.duplicates == 2
    with database.session() as s:
        broken = run_import(s, open_importer(b"{", "geojson"), IntakeContext(), record=False)
    assert broken.rejected[0].reason.startswith("not valid JSON")

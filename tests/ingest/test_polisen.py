"""The police open events format: its quirks, and the real file of 913 events."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from trygg.ingest import open_importer, run_import
from trygg.ingest.polisen import incident_time, parse_published
from trygg.ingest.service import IntakeContext
from trygg.storage.database import Database
from trygg.storage.schema import Report

POLICE_FILE = "data/polisen_events_2023-04-13_to_04-25.json"


def test_publication_time_with_an_unpadded_hour_is_read() -> None:
    assert parse_published("2023-04-20 9:22:45 +02:00").isoformat() == "2023-04-20T09:22:45+02:00"


def test_the_incident_time_comes_from_the_name_in_both_notations() -> None:
    pub = parse_published("2023-04-20 13:19:17 +02:00")
    assert incident_time("20 april 10:27, Stöld, Luleå", pub).isoformat() == "2023-04-20T10:27:00+02:00"
    assert incident_time("19 april 14.32, Rån, Malmö", pub).isoformat() == "2023-04-19T14:32:00+02:00"
    new_year = parse_published("2024-01-01 0:40:00 +01:00")
    assert incident_time("31 december 23:50, Brand, Trollhättan", new_year) == datetime.fromisoformat(
        "2023-12-31T23:50:00+01:00")
    assert incident_time("Sammanfattning", pub) is None


def _events(*events: dict) -> bytes:  # type: ignore[type-arg]
    return json.dumps(list(events), ensure_ascii=False).encode()


def _event(i: int, etype: str, place: str = "Trollhättan", gps: str = "58.283489,12.285821") -> dict:  # type: ignore[type-arg]
    return {"id": i, "datetime": "2023-04-20 9:22:45 +02:00", "name": f"20 april 08:05, {etype}, {place}",
            "summary": "Kontakta polisen på 070-123 45 67 vid tips.", "url": "/x", "type": etype,
            "location": {"name": place, "gps": gps}}


def test_quirks_commas_summaries_centroids_and_personal_data(database: Database, world) -> None:  # type: ignore[no-untyped-def]
    content = _events(_event(1, "Stöld, försök"), _event(2, "Sammanfattning natt"), _event(3, "Trafikolycka"),
                      _event(4, "Misshandel", "Göteborg", "57.70887,11.97456"), {"no": "id"})
    with database.session() as s:
        summary = run_import(s, open_importer(content, "polisen"), IntakeContext())
    assert (summary.total, summary.imported) == (5, 1)
    reasons = {i.line: i.reason for i in summary.skipped + summary.rejected}
    assert "summary row" in reasons[2] and "'Trafikolycka' has no Trygg category" in reasons[3]
    assert "outside Trollhättan (Göteborg)" in reasons[4] and "no id" in reasons[5]
    outside = next(i for i in summary.skipped if i.line == 4).as_dict()  # the import page translates it
    from trygg.web.i18n import gettext_for
    assert gettext_for("sv")(outside["msgid"], **outside["params"]) == "utanför Trollhättan (Göteborg)"
    with database.session() as s:
        r = s.scalar(select(Report).where(Report.source == "police_events"))
        assert r.category == "burglary" and r.precision == "municipality_centroid" and r.area_id is None
        assert r.external_id == "1" and "45 67" not in r.description
        assert r.occurred_from.isoformat() == "2023-04-20T06:05:00+00:00"


def test_a_police_type_mapped_by_an_administrator_is_imported_as_its_category(database: Database, world) -> None:  # type: ignore[no-untyped-def]
    from trygg.setup import categories as category_service

    content = _events(_event(1, "Trafikolycka"), _event(2, "Brand"))
    with database.session() as s:
        before = run_import(s, open_importer(content, "polisen"), IntakeContext(), dry_run=True)
    assert before.imported == 1 and "'Trafikolycka' has no Trygg category" in before.skipped[0].reason
    with database.session() as s:
        category_service.update(s, "traffic", user_id=None, police_types=(
            "Trafikbrott", "Olovlig körning", "Rattfylleri", "Vårdslöshet i trafik", "Trafikolycka"))
        category_service.merge(s, "arson", "vandalism", user_id=None)  # Brand moves to vandalism
    with database.session() as s:
        summary = run_import(s, open_importer(content, "polisen"), IntakeContext())
    assert (summary.total, summary.imported) == (2, 2)
    with database.session() as s:
        got = dict(s.execute(select(Report.external_id, Report.category).where(Report.source == "police_events")).all())
    assert got == {"1": "traffic", "2": "vandalism"}


@pytest.mark.shared_data
def test_the_real_file_accounts_for_all_913_events_and_a_second_import_adds_nothing(
        shared_dir: Path, database: Database, world) -> None:  # type: ignore[no-untyped-def]
    content = (shared_dir / POLICE_FILE).read_bytes()
    with database.session() as s:
        first = run_import(s, open_importer(content, "polisen", filename="polisen.json"), IntakeContext())
    assert first.total == 913
    assert first.imported + first.duplicates + len(first.skipped) + len(first.rejected) == 913
    assert first.rejected == []  # every event is readable; the rest are skipped with a reason
    assert all(i.reason and i.ref.startswith("id ") for i in first.skipped)
    assert len({i.line for i in first.skipped}) == len(first.skipped)
    with database.session() as s:
        stored = s.scalar(select(func.count(Report.id)).where(Report.source == "police_events"))
    assert stored == first.imported == 3  # Trollhättan's events with a category in the file
    with database.session() as s:
        second = run_import(s, open_importer(content, "polisen"), IntakeContext())
    assert second.imported == 0 and second.duplicates == first.imported
    # kept as their own source with all of Sweden when the organisation keeps events outside
    with database.session() as s:
        everywhere = run_import(s, open_importer(content, "polisen"), IntakeContext(allow_outside=True))
        assert s.scalar(select(func.count(Report.id)).where(Report.source == "police_events",
                                                            Report.outside.is_(True))) == everywhere.imported
    assert everywhere.imported + 3 == 913 - 120 - 15 - 1 - sum(
        1 for i in everywhere.skipped if "no Trygg category" in i.reason)

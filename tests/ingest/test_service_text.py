"""Characters no database can store (NUL, other control characters, lone surrogates) and digits
Python cannot convert are refused by `prepare_report` with a message per field — the one check
every way in shares (API, Open311, both forms, importers). Found by tests/reliability: NUL was
stored on SQLite and a 500 on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import World
from trygg.errors import PersonalDataError, ValidationError
from trygg.ingest import open_importer, run_import
from trygg.ingest import service as intake_service
from trygg.ingest.service import IntakeContext, ReportInput, create_report, prepare_report
from trygg.storage.database import Database
from trygg.storage.schema import Report

INSIDE: dict[str, Any] = {"lon": 12.29, "lat": 58.285}  # Kronogården (tests.factories.AREA_BOXES)


@pytest.fixture
def session(database: Database, world: World) -> Iterator[Session]:
    s = database.new_session()
    yield s
    s.rollback()
    s.close()


def _refused(session: Session, lang: str = "en", **fields: Any) -> ValidationError:
    data = ReportInput(category=fields.pop("category", "vandalism"), **fields)
    with pytest.raises(ValidationError) as info:
        prepare_report(session, data, IntakeContext(lang=lang))
    return info.value


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", "\ud800"])
def test_a_control_character_in_the_description_is_a_field_error(session: Session, char: str) -> None:
    exc = _refused(session, description=f"Krossad ruta{char}", **INSIDE)
    assert not isinstance(exc, PersonalDataError)
    assert set(exc.fields) == {"description"} and "control character" in exc.fields["description"]
    assert f"U+{ord(char):04X}" in exc.fields["description"]


def test_the_message_is_swedish_for_swedish_writers(session: Session) -> None:
    exc = _refused(session, lang="sv", description="nul\x00byte", **INSIDE)
    assert "kontrolltecken (U+0000)" in exc.fields["description"]


def test_tabs_and_line_breaks_are_text(session: Session) -> None:
    prepared = prepare_report(session, ReportInput(category="vandalism", description="Rad ett\r\nRad\ttvå", **INSIDE),
                              IntakeContext())
    assert prepared.values["description"] == "Rad ett\r\nRad\ttvå"


def test_every_string_field_is_checked_and_a_bad_place_is_not_looked_up(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_lookup(*_a: Any) -> None:
        raise AssertionError("a place holding NUL was looked up in the database")

    monkeypatch.setattr(intake_service, "_resolve_place", no_lookup)
    exc = _refused(session, place="Resecentrum\x00", external_id="ext\x00", span="friday\x00night")
    assert {"place", "external_id", "span"} <= set(exc.fields)
    assert "location" not in exc.fields  # the place is wrong, not missing
    assert set(_refused(session, area="T00\x001").fields) == {"area"}
    assert set(_refused(session, category="vandal\x00ism", **INSIDE).fields) == {"category"}


@pytest.mark.parametrize("ref", ["²", "9" * 5000, "١٢"])
def test_digits_python_cannot_read_as_an_id_are_an_unknown_place_or_area(session: Session, ref: str) -> None:
    assert set(_refused(session, place=ref).fields) == {"place"}
    assert set(_refused(session, area=ref).fields) == {"area"}


def test_an_import_refuses_the_row_with_nul_and_keeps_the_others(database: Database, world: World) -> None:
    csv = ("Kategori;Datum;Lat;Long;Beskrivning\n"
           "Skadegörelse / klotter;2024-05-03;58,285;12,29;Krossad ruta\n"
           "Nedskräpning;2024-05-04;58,285;12,29;Skräp\x00 vid entrén\n").encode()
    with database.session() as s:
        summary = run_import(s, open_importer(csv, "csv", filename="nul.csv"), IntakeContext(lang="en"),
                             dry_run=False)
    assert summary.imported == 1 and [(r.line, r.kind) for r in summary.rejected] == [(3, "rejected")]
    assert "U+0000" in summary.rejected[0].reason
    with database.session() as s:
        assert s.scalar(select(func.count(Report.id)).where(Report.description.like("%Skräp%"))) == 0


def test_create_report_stores_nothing_for_a_refused_text(session: Session) -> None:
    before = session.scalar(select(func.count(Report.id)))
    with pytest.raises(ValidationError):
        create_report(session, ReportInput(category="vandalism", description="a\x00b", **INSIDE), IntakeContext())
    session.flush()
    assert session.scalar(select(func.count(Report.id))) == before

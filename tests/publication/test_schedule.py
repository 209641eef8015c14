"""Publication: a month is published once, after it has closed and settled, from triaged reports,
and stored; later or backdated reports reach the public only through an audited republication."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import World
from tests.publication.helpers import add_reports, due_at
from trygg.config import Settings
from trygg.errors import ConfigError, Conflict, ValidationError
from trygg.publication import schedule
from trygg.publication.gate import public_table, published_years
from trygg.publication.groups import GROUPS_BY_CODE
from trygg.storage.database import Database
from trygg.storage.schema import AuditEntry, Publication

PROPERTY = GROUPS_BY_CODE["property"]
SEXUAL = GROUPS_BY_CODE["sexual_offences"]


def _cell(db: Database, group: str, year: int, month: int, area_code: str) -> int | None:
    with db.session() as s:
        t = public_table(s, GROUPS_BY_CODE[group], year)
        col = t.month_keys.index(f"{year}-{month:02d}")
        row = [a.code for a in t.areas].index(area_code)
        return t.cells[row][col]


def test_a_month_is_published_once_only_after_it_has_closed_and_settled(database: Database, world: World) -> None:
    add_reports(database, world, "vandalism", "T001", 2024, 3, 7)
    with database.session() as s:
        assert schedule.publish_due_months(s, due_at(2024, 3) - timedelta(seconds=1)) == []  # not settled yet
        assert published_years(s) == []
    with database.session() as s:
        done = schedule.publish_due_months(s, due_at(2024, 3))
        assert [(p.year, p.month, p.version) for p in done] == [(2024, 3, 1)]
    with database.session() as s:
        assert schedule.publish_due_months(s, due_at(2024, 3) + timedelta(days=1)) == []  # published once
        assert s.scalars(select(AuditEntry.object_id).where(AuditEntry.action == "publish")).all() == ["2024-03"]
    assert _cell(database, "property", 2024, 3, "T001") == 7
    with database.session() as s:  # the settling delay is a setting
        assert [(p.year, p.month) for p in schedule.publish_due_months(s, due_at(2024, 4, 3), 3)] == [(2024, 4)]


def test_the_settling_delay_is_validated(database: Database, world: World) -> None:
    with pytest.raises(ConfigError):
        Settings(publication_settling_days=-1).validate()
    with database.session() as s, pytest.raises(ValidationError):
        schedule.publish_due_months(s, due_at(2024, 5), -1)


def test_residents_reports_count_only_once_triaged(database: Database, world: World) -> None:
    add_reports(database, world, "vandalism", "T002", 2024, 3, 6, source="resident", status="received")
    add_reports(database, world, "vandalism", "T002", 2024, 3, 5, source="resident", status="triaged")
    add_reports(database, world, "vandalism", "T002", 2024, 3, 4, source="resident", status="rejected")
    add_reports(database, world, "vandalism", "T003", 2024, 3, 5, source="est")
    with database.session() as s:
        schedule.publish_due_months(s, due_at(2024, 3))
    assert _cell(database, "property", 2024, 3, "T002") == 5
    assert _cell(database, "property", 2024, 3, "T003") == 5


def test_later_and_backdated_reports_do_not_move_a_published_month(database: Database, world: World) -> None:
    add_reports(database, world, "sexual_harassment", "T004", 2024, 3, 1)
    add_reports(database, world, "sexual_harassment", "T001", 2024, 3, 12)
    add_reports(database, world, "sexual_harassment", "T002", 2024, 3, 11)
    now = due_at(2024, 3)
    with database.session() as s:
        schedule.publish_due_months(s, now)
        before = public_table(s, SEXUAL, 2024)
    assert _cell(database, "sexual_offences", 2024, 3, "T004") is None
    # Nine more, backdated into March and already triaged, created after the publication
    add_reports(database, world, "sexual_harassment", "T004", 2024, 3, 9, status="triaged",
                created_at=now + timedelta(hours=1))
    with database.session() as s:
        assert schedule.publish_due_months(s, now + timedelta(days=40)) != []  # April, May …
        after = public_table(s, SEXUAL, 2024)
    march = before.month_keys.index("2024-03")
    assert [row[march] for row in before.cells] == [row[march] for row in after.cells]
    assert before.month_totals[march] == after.month_totals[march]
    # … and a report backdated before the first published month starts no new publication
    add_reports(database, world, "vandalism", "T001", 2023, 6, 7)
    with database.session() as s:
        schedule.publish_due_months(s, now + timedelta(days=41))
        assert (2023, 6) not in {(p.year, p.month) for p in s.scalars(select(Publication))}


def test_a_republication_is_versioned_audited_and_keeps_hidden_numbers_hidden(database: Database,
                                                                              world: World) -> None:
    add_reports(database, world, "sexual_harassment", "T004", 2024, 3, 1)
    add_reports(database, world, "sexual_harassment", "T001", 2024, 3, 12)
    add_reports(database, world, "sexual_harassment", "T002", 2024, 3, 11)
    now = due_at(2024, 3)
    with database.session() as s:
        schedule.publish_due_months(s, now)
    add_reports(database, world, "sexual_harassment", "T004", 2024, 3, 9, status="triaged",
                created_at=now + timedelta(hours=1))
    later = now + timedelta(days=2)
    with database.session() as s:
        with pytest.raises(ValidationError) as exc:
            schedule.republish(s, 2024, 3, user_id=world.user_ids["admin"], reason="  ", now=later)
        assert "reason" in exc.value.fields
        with pytest.raises(Conflict):
            schedule.republish(s, 2024, 5, user_id=None, reason="x", now=later)  # not published
        rev = schedule.preview(s, 2024, 3, later)
        assert rev.changed and any(c.area_id == world.area_ids["T004"] and c.new == 10 for c in rev.changes)
        pub = schedule.republish(s, 2024, 3, user_id=world.user_ids["admin"], reason="Sena rapporter", now=later)
        assert pub.version == 2
    with database.session() as s:
        t = public_table(s, SEXUAL, 2024)
        march = t.month_keys.index("2024-03")
        assert t.months[march].revised and t.months[march].version == 2
        rows = {a.code: row for a, row in zip(t.areas, t.cells, strict=True)}
        assert rows["T004"][march] is None  # 10 now, but hidden before: stays hidden
        hidden = [r[march] for r in t.cells].count(None)
        assert hidden >= 2 or t.month_totals[march] is None
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "republish")).one()
        assert entry.user_id == world.user_ids["admin"] and entry.object_id == "2024-03"
        assert entry.detail["reason"] == "Sena rapporter" and entry.detail["version"] == 2
        with pytest.raises(Conflict):  # nothing changed since version 2
            schedule.republish(s, 2024, 3, user_id=None, reason="igen", now=later + timedelta(hours=1))


def test_a_republication_shows_a_late_report_in_a_published_number(database: Database, world: World) -> None:
    add_reports(database, world, "vandalism", "T001", 2024, 3, 7)
    now = due_at(2024, 3)
    with database.session() as s:
        schedule.publish_due_months(s, now)
    add_reports(database, world, "vandalism", "T001", 2024, 3, 2, created_at=now + timedelta(hours=1))
    assert _cell(database, "property", 2024, 3, "T001") == 7
    with database.session() as s:
        schedule.republish(s, 2024, 3, user_id=None, reason="Polisens sena rapporter", now=now + timedelta(days=1))
    assert _cell(database, "property", 2024, 3, "T001") == 9


def test_months_are_parsed_with_a_field_error() -> None:
    assert schedule.parse_month("2026-11") == (2026, 11)
    for bad in ("2026-13", "26-11", "november", ""):
        with pytest.raises(ValidationError) as exc:
            schedule.parse_month(bad)
        assert "month" in exc.value.fields

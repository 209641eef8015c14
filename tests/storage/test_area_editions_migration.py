"""Migration 0009: a database with districts, reports and routing rules gets edition 1 of its level,
loses nothing (SQLite recreates the areas table) and keeps enforcing foreign keys afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from trygg.storage.database import Database

NOW = "2026-01-05 10:00:00.000000"
SQUARE = "MULTIPOLYGON (((12.26 58.27, 12.3 58.27, 12.3 58.29, 12.26 58.29, 12.26 58.27)))"


def _before_editions(path: Path) -> Database:
    db = Database(str(path))
    cfg = db.alembic_config()
    for head in sorted(ScriptDirectory.from_config(cfg).get_heads()):
        command.upgrade(cfg, "0008_trust" if head == "0009_area_editions" else head)
    return db


def test_existing_areas_become_edition_one_and_nothing_is_lost(tmp_path: Path) -> None:
    db = _before_editions(tmp_path / "old.db")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO areas (id, code, name, level, vulnerable, geom, centroid_lon, centroid_lat) "
                          "VALUES (1, '1488', 'Trollhättan', 'municipality', 0, :g, 12.28, 58.28), "
                          "(2, '1488R001', 'Centrum', 'regso', 0, :g, 12.28, 58.28)"), {"g": SQUARE})
        conn.execute(text("UPDATE areas SET parent_id = 1 WHERE id = 2"))
        conn.execute(text("INSERT INTO organisations (id, name, short_name, kind, shares_details, allow_outside, "
                          "active, created_at) VALUES (1, 'Polisen', 'polis', 'police', 1, 0, 1, :t)"), {"t": NOW})
        conn.execute(text("INSERT INTO routing_rules (area_id, category, organisation_id, note, created_at) "
                          "VALUES (2, NULL, 1, '', :t)"), {"t": NOW})
        conn.execute(text(
            "INSERT INTO reports (public_id, category, description, lon, lat, x, y, precision, area_id, outside, "
            "occurred_from, status, source, feedback_note, created_at, updated_at) VALUES "
            "('p1', 'vandalism', '', 12.28, 58.28, 0, 0, 'exact', 2, 0, :t, 'received', 'est', '', :t, :t)"),
            {"t": NOW})
    db.upgrade()
    with db.engine.connect() as conn:
        editions = conn.execute(text("SELECT id, level, name, active FROM area_editions")).all()
        assert [(e[1], e[2], bool(e[3])) for e in editions] == [("regso", "first import", True)]
        areas = dict(conn.execute(text("SELECT code, edition_id FROM areas")).all())
        assert areas == {"1488": None, "1488R001": editions[0][0]}
        assert conn.execute(text("SELECT area_id FROM reports")).scalar() == 2
        assert conn.execute(text("SELECT count(*) FROM routing_rules")).scalar() == 1, "no cascade on the copy"
        assert conn.execute(text("SELECT parent_id FROM areas WHERE id = 2")).scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(Exception, match="FOREIGN KEY"), db.engine.begin() as conn:
        conn.execute(text("UPDATE reports SET area_id = 99"))
    db.dispose()

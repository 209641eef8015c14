"""The keyed, anchored audit chain: `trygg audit anchor` and `trygg audit verify --anchor` (issue 16, item 6)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from trygg.cli import app
from trygg.storage import audit
from trygg.storage.database import Database
from trygg.storage.schema import AuditChain, AuditEntry

runner = CliRunner()


def _fill(database: Database, n: int = 60) -> list[int]:
    with database.session() as s:
        return [audit.record(s, 7, "read_sensitive", "report", i, {"category": "youth"}).id for i in range(n)]


def _anchor(database: Database, path: Path) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["audit", "anchor", "--db", database.url, "--output", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text())


def _verify(database: Database, anchor: Path | None = None) -> tuple[int, str]:
    args = ["audit", "verify", "--db", database.url] + (["--anchor", str(anchor)] if anchor else [])
    result = runner.invoke(app, args)
    return result.exit_code, " ".join(result.output.split())  # rich wraps long lines


def _recompute_without_key(database: Database, from_id: int, mac: bool = False) -> None:
    """What someone with the database but not the key can do: rewrite the chain after an edit."""
    with database.session() as s:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.id >= from_id).order_by(AuditEntry.id)))
        prev = s.scalar(select(AuditEntry.hash).where(AuditEntry.id < from_id).order_by(AuditEntry.id.desc())
                        .limit(1)) or audit.GENESIS
        for e in rows:
            e.prev_hash = prev
            e.hash = (audit._mac(b"a guessed key", prev, e.at, e.user_id, e.action, e.object_type, e.object_id,
                                 e.detail) if mac else
                      audit._digest(prev, e.at, e.user_id, e.action, e.object_type, e.object_id, e.detail))
            prev = e.hash
        s.flush()


def test_the_anchor_holds_the_head_and_verify_reaches_it(database: Database, tmp_path: Path) -> None:
    ids = _fill(database)
    anchor = _anchor(database, tmp_path / "a.anchor")
    assert anchor["sequence"] == ids[-1] and anchor["entries"] == len(ids) and len(anchor["mac"]) == 64
    assert "key" not in anchor and set(anchor) >= {"at", "key_id", "anchor_mac", "format"}
    _fill(database, 3)  # the trail grows after the anchor: still fine
    code, output = _verify(database, tmp_path / "a.anchor")
    assert code == 0, output
    assert f"reaches the anchored head: entry {ids[-1]}" in output


def test_verify_with_the_anchor_fails_after_the_last_rows_are_deleted(database: Database, tmp_path: Path) -> None:
    ids = _fill(database)
    _anchor(database, tmp_path / "a.anchor")
    with database.session() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.id > ids[-51]))  # the last 50 rows
    assert _verify(database)[0] == 0  # the shorter chain is whole: only the anchor notices
    code, output = _verify(database, tmp_path / "a.anchor")
    assert code == 1
    assert f"entry {ids[-1]} is missing" in output and "deleted" in output


def test_deleting_rows_and_appending_new_ones_does_not_reach_the_anchor(database: Database, tmp_path: Path) -> None:
    ids = _fill(database)
    _anchor(database, tmp_path / "a.anchor")
    with database.session() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.id > ids[-6]))
    _fill(database, 10)  # new entries take the deleted ids again (SQLite) or later ones
    code, output = _verify(database, tmp_path / "a.anchor")
    assert code == 1 and ("rewritten" in output or "missing" in output), output


def test_a_changed_row_with_the_chain_recomputed_without_the_key_fails(database: Database, tmp_path: Path) -> None:
    ids = _fill(database)
    _anchor(database, tmp_path / "a.anchor")
    with database.session() as s:
        s.execute(update(AuditEntry).where(AuditEntry.id == ids[10]).values(user_id=99))
    _recompute_without_key(database, ids[10])  # plain SHA-256, as the chain was before the key
    code, output = _verify(database)
    assert code == 1 and f"entry id {ids[10]}" in output and "without the key" in output
    assert _verify(database, tmp_path / "a.anchor")[0] == 1
    _recompute_without_key(database, ids[10], mac=True)  # an HMAC under a guessed key fails the same way
    assert _verify(database)[0] == 1


def test_a_forged_or_foreign_anchor_is_refused(database: Database, tmp_path: Path) -> None:
    _fill(database, 5)
    data = _anchor(database, tmp_path / "a.anchor")
    data["sequence"] = 3
    (tmp_path / "forged.anchor").write_text(json.dumps(data))
    code, output = _verify(database, tmp_path / "forged.anchor")
    assert code == 2 and "altered" in output
    (tmp_path / "k").write_text("another key")
    result = runner.invoke(app, ["audit", "verify", "--db", database.url, "--key-file", str(tmp_path / "k"),
                                 "--anchor", str(tmp_path / "a.anchor")])
    assert result.exit_code == 2 and "another audit key" in " ".join(result.output.split())


def test_an_existing_unkeyed_trail_is_kept_and_keyed_from_a_marker(database: Database, tmp_path: Path) -> None:
    """A database from before the key: its plain SHA-256 entries still verify; the keyed chain starts
    at a chain_keyed marker whose id is recorded in audit_chain."""
    with database.session() as s:
        prev = audit.GENESIS
        for i in range(4):
            e = AuditEntry(at=audit.utcnow(), user_id=1, action="update", object_type="report", object_id=str(i),
                           detail=None, prev_hash=prev, hash="")
            e.hash = audit._digest(prev, e.at, e.user_id, e.action, e.object_type, e.object_id, e.detail)
            s.add(e)
            s.flush()
            prev = e.hash
    code, output = _verify(database)
    assert code == 0 and "not keyed yet" in output
    _fill(database, 3)
    with database.session() as s:
        state = s.get(AuditChain, 1)
        assert state is not None
        marker = s.get(AuditEntry, state.keyed_from)
        assert marker is not None and marker.action == audit.CHAIN_KEYED
        assert marker.detail == {"key_id": audit.key_id(database.audit_key), "unkeyed_entries": 4}
    code, output = _verify(database)
    assert code == 0 and f"keyed (HMAC) from entry {state.keyed_from}" in output
    with database.session() as s:  # dropping the record of the start does not turn the chain plain
        s.execute(delete(AuditChain))
    assert _verify(database)[0] == 1


def test_the_server_key_must_match_the_chain(database: Database) -> None:
    from trygg.config import Settings
    from trygg.errors import ConfigError
    from trygg.web.app import create_app

    _fill(database, 2)
    try:
        create_app(Settings(database_url=database.url, secret_key="s", audit_key="not the chain's key"), database)
    except ConfigError as exc:
        assert "not the key the audit chain was started with" in exc.message
    else:
        raise AssertionError("a server with another audit key must not start")

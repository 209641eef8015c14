"""Backup and restore of a whole Trygg database, each followed by a check.

SQLite: the online backup API copies the database in one step (a consistent snapshot; writers
carry on in WAL mode), the copy is switched to a single self-contained file (journal_mode=DELETE)
and must pass ``PRAGMA integrity_check`` before it replaces FILE. Restoring copies it back with
the same API; ``Database`` turns WAL on again when it next connects.

PostgreSQL: ``pg_dump -Fc`` (the binary of the server's major version) inside an exported
snapshot whose row counts are taken in the same transaction; the archive is then read back with
``pg_restore`` and must hold exactly those rows. Restoring runs ``pg_restore --single-transaction``
and compares the rows again. The PostgreSQL parts live in :mod:`trygg.storage.backup_pg`.

Both directions refuse to overwrite something that holds data unless ``force=True``, and a
restore always ends with the app's own integrity check.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from trygg.errors import ConfigError
from trygg.storage.database import Database

Progress = Callable[[str, int, int], None]
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote and what it holds."""

    path: Path
    backend: str
    size_bytes: int
    row_counts: dict[str, int]
    seconds: float
    checks: tuple[str, ...] = field(default=())  # what was verified, in words

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())


@dataclass(frozen=True)
class RestoreResult:
    """What a restore put into the target database and how it was checked."""

    target: str
    backend: str
    row_counts: dict[str, int]
    replaced: bool  # the target held data that --force replaced
    up_to_date: bool  # the restored schema is at this version's migrations
    seconds: float
    checks: tuple[str, ...] = field(default=())

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())


def _noop(_stage: str, _done: int, _total: int) -> None:
    return None


def backup_format(path: Path) -> str:
    """``"sqlite"`` or ``"pg_dump"`` from the file's first bytes; ConfigError for anything else."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        raise ConfigError(f"The backup file {path} does not exist.",
                          hint="Give the path of a file written by 'trygg backup'.") from None
    except IsADirectoryError:
        raise ConfigError(f"{path} is a folder, not a backup file.",
                          hint="Give the path of a file written by 'trygg backup'.") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "pg_dump"
    raise ConfigError(f"{path} is neither a SQLite database nor a pg_dump archive.",
                      hint="Give the path of a file written by 'trygg backup'.")


def row_counts(db: Database) -> dict[str, int]:
    """Rows per table of `db` (tables of extensions such as PostGIS left out)."""
    with db.engine.connect() as conn:
        if db.backend == "sqlite":
            names = [r[0] for r in conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"))]
        else:
            from trygg.storage.backup_pg import USER_TABLES_SQL

            names = [r[0] for r in conn.execute(text(USER_TABLES_SQL))]
        return {n: int(conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar() or 0) for n in names}


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_output(output: Path, force: bool) -> None:
    if output.is_dir():
        raise ConfigError(f"{output} is a folder.", hint="Give a file name, e.g. --output trygg-backup.db.")
    if not output.parent.is_dir():
        raise ConfigError(f"The folder {output.parent} does not exist.", hint="Create it or choose another path.")
    if output.exists() and not force:
        raise ConfigError(f"{output} exists already; a backup never overwrites a file by itself.",
                          hint="Choose a new file name (e.g. with the date in it), or pass --force to replace it.")


def backup(db: Database, output: Path, *, force: bool = False, progress: Progress | None = None) -> BackupResult:
    """Write a consistent, checked backup of `db` to `output`.

    Everything committed before the call is in the backup. The file only appears at `output`
    (atomically renamed) once it has passed its check.
    """
    progress = progress or _noop
    output = Path(output).expanduser().resolve()
    _check_output(output, force)
    db.check_connection()
    started = time.perf_counter()
    if db.backend == "sqlite":
        counts, checks = _backup_sqlite(db, output, progress)
    else:
        from trygg.storage.backup_pg import backup_postgres

        counts, checks = backup_postgres(db, output, progress)
    return BackupResult(path=output, backend=db.backend, size_bytes=output.stat().st_size, row_counts=counts,
                        seconds=time.perf_counter() - started, checks=tuple(checks))


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {n: int(conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}


def _sqlite_problems(conn: sqlite3.Connection) -> list[str]:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    problems = [r for r in rows if r != "ok"]
    problems += [f"foreign key violation in {r[0]} row {r[1]}" for r in conn.execute("PRAGMA foreign_key_check")]
    return problems


def _backup_sqlite(db: Database, output: Path, progress: Progress) -> tuple[dict[str, int], list[str]]:
    src_path = db.sqlite_path
    if src_path is None or str(src_path) == ":memory:":
        raise ConfigError("An in-memory database cannot be backed up.", hint="Use a SQLite file.")
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(str(src_path), timeout=30)
    dst = sqlite3.connect(str(partial))
    try:
        src.execute("PRAGMA busy_timeout=30000")

        def step(_status: int, remaining: int, total: int) -> None:
            progress("Copying pages", total - remaining, total)

        # pages=-1: the whole database in one step, so the copy is one consistent snapshot.
        src.backup(dst, pages=-1, progress=step)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        progress("Checking the copy", 0, 1)
        problems = _sqlite_problems(dst)
        if problems:
            raise ConfigError("The backup copy failed its integrity check: " + "; ".join(problems[:5]),
                              hint="The source database may be damaged: run 'trygg db check' on it.")
        progress("Checking the copy", 1, 1)
        counts = _sqlite_counts(dst)
    except BaseException:
        dst.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    dst.close()
    _fsync_path(partial)
    os.replace(partial, output)
    _fsync_path(output.parent)
    return counts, ["sqlite online backup (one step)", "PRAGMA integrity_check ok", "foreign_key_check ok"]


def restore(source: Path, db: Database, *, force: bool = False, progress: Progress | None = None) -> RestoreResult:
    """Restore the backup file `source` into `db`.

    `db` may be new or empty. If it already holds tables, the restore is refused unless
    `force` is true, in which case its whole content is replaced. The result has been checked:
    row counts equal the backup's and the integrity check passes; otherwise ConfigError.
    """
    progress = progress or _noop
    source = Path(source).expanduser().resolve()
    fmt = backup_format(source)
    started = time.perf_counter()
    if fmt == "sqlite":
        if db.backend != "sqlite":
            raise ConfigError(f"{source} is a SQLite backup; it cannot be restored into PostgreSQL.",
                              hint="Restore it into a SQLite file path (--db trygg.db).")
        counts, replaced = _restore_sqlite(source, db, force, progress)
    else:
        if db.backend != "postgresql":
            raise ConfigError(f"{source} is a PostgreSQL (pg_dump) backup; it cannot be restored into SQLite.",
                              hint="Restore it into a PostgreSQL database (--db postgresql://user@host/dbname).")
        from trygg.storage.backup_pg import restore_postgres

        counts, replaced = restore_postgres(source, db, force, progress)
    checks = _check_restored(db, counts, progress)
    return RestoreResult(target=db.display_url, backend=db.backend, row_counts=counts, replaced=replaced,
                         up_to_date=db.is_up_to_date(), seconds=time.perf_counter() - started,
                         checks=tuple(checks))


def _check_restored(db: Database, expected: dict[str, int], progress: Progress) -> list[str]:
    progress("Checking the restored database", 0, 2)
    db.engine.dispose()  # new connections: see the restored content and re-apply the pragmas
    actual = row_counts(db)
    wrong = {t: (n, actual.get(t, 0)) for t, n in expected.items() if actual.get(t, 0) != n}
    if wrong:
        detail = ", ".join(f"{t}: {got} rows instead of {want}" for t, (want, got) in sorted(wrong.items()))
        raise ConfigError(f"The restored database does not hold what the backup holds: {detail}.",
                          hint="Restore again into a new, empty database; keep the backup file.")
    progress("Checking the restored database", 1, 2)
    problems = db.integrity_check() + db.durability_problems()
    if problems:
        raise ConfigError("The restored database failed its check: " + "; ".join(problems[:5]),
                          hint="Restore again into a new, empty database; keep the backup file.")
    progress("Checking the restored database", 2, 2)
    return ["row counts equal the backup's", "integrity check ok", "durability settings ok"]


def _restore_sqlite(source: Path, db: Database, force: bool, progress: Progress) -> tuple[dict[str, int], bool]:
    target = db.sqlite_path
    if target is None or str(target) == ":memory:":
        raise ConfigError("Cannot restore into an in-memory database.", hint="Give a SQLite file path with --db.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        progress("Checking the backup", 0, 1)
        try:
            problems = _sqlite_problems(src)
            expected = _sqlite_counts(src)
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"{source} cannot be read as a SQLite database: {exc}.",
                              hint="The backup file is damaged; use another backup.") from None
        if problems:
            raise ConfigError(f"The backup {source} fails its integrity check: " + "; ".join(problems[:5]),
                              hint="The backup file is damaged; use another backup.")
        progress("Checking the backup", 1, 1)
        db.engine.dispose()
        dst = sqlite3.connect(str(target), timeout=30)
        try:
            existing = _sqlite_counts(dst)
            if existing and not force:
                raise _not_empty(db, existing)

            def step(_status: int, remaining: int, total: int) -> None:
                progress("Restoring pages", total - remaining, total)

            src.backup(dst, pages=-1, progress=step)
        finally:
            dst.close()
    finally:
        src.close()
    return expected, bool(existing)


def _not_empty(db: Database, existing: dict[str, int]) -> ConfigError:
    reports = existing.get("reports")
    what = f"{len(existing)} tables" + (f", {reports} reports" if reports is not None else "")
    return ConfigError(
        f"The database {db.display_url} is not empty ({what}); restore refuses to overwrite it.",
        hint="Restore into a new database (another --db), or pass --force to replace everything in it "
        "with the backup (stop the server first).")

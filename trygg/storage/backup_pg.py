"""The PostgreSQL half of :mod:`trygg.storage.backup`: ``pg_dump -Fc`` and ``pg_restore``, checked.

The tools must be at least the server's major version; Debian keeps one set per version in
``/usr/lib/postgresql/<major>/bin``, and ``/usr/bin/pg_dump`` may be a wrapper for another one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from trygg.errors import ConfigError
from trygg.storage.database import Database

Progress = Callable[[str, int, int], None]

# Tables of this database's schema that belong to no extension (PostGIS's spatial_ref_sys is
# an extension table: pg_dump writes only rows a user added to it).
USER_TABLES_SQL = (
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind = 'r' AND n.nspname = current_schema() "
    "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
    "AND d.objid = c.oid AND d.deptype = 'e') ORDER BY c.relname"
)
_COPY = re.compile(r'^COPY (?:"?[\w]+"?\.)?"?([^" (]+)"? \(')
_DATA_LINE = re.compile(r'(?:dumping contents of table|processing data for table) "(?:[^".]+\.)?([^"]+)"')


def server_major(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SHOW server_version_num")).scalar() or 0) // 10000


def _tool_major(path: str) -> int:
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    m = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(m.group(1)) if m else 0


def find_tool(name: str, major: int) -> str:
    """The `name` binary (pg_dump, pg_restore) able to handle a server of version `major`."""
    versioned = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if versioned.is_file():
        return str(versioned)
    found = shutil.which(name)
    if found and _tool_major(found) >= major:
        return found
    raise ConfigError(
        f"{name} for PostgreSQL {major} was not found (looked in {versioned.parent} and on PATH).",
        hint=f"Install the client tools of the server's version, e.g. 'apt-get install postgresql-client-{major}'.")


def libpq_target(db: Database) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for the command-line tools, with the password moved to PGPASSWORD."""
    url = make_url(db.url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    bare = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                      query=url.query)
    uri = bare.render_as_string(hide_password=False)
    return uri, env


def _run_with_progress(args: list[str], env: dict[str, str], stage: str, total: int,
                       progress: Progress) -> None:
    """Run a verbose pg tool, counting its per-table lines as progress; ConfigError on failure."""
    tail: deque[str] = deque(maxlen=8)
    done = 0
    progress(stage, 0, total)
    with subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          encoding="utf-8", errors="replace") as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            line = line.rstrip()
            if _DATA_LINE.search(line):
                done += 1
                progress(stage, min(done, total), total)
            elif line:
                tail.append(line)
    if proc.returncode != 0:
        errors = [ln for ln in tail if "error" in ln.lower()] or list(tail)
        raise ConfigError(f"{Path(args[0]).name} failed: " + " | ".join(errors[-3:]),
                          hint="Check the message above; the database itself was left as it was "
                          "(a restore runs in one transaction).")
    progress(stage, total, total)


def archive_row_counts(tool: str, archive: Path, progress: Progress | None = None) -> dict[str, int]:
    """Rows per table inside a pg_dump archive, by reading all of its data back (proves it is readable)."""
    with tempfile.TemporaryFile() as errors, subprocess.Popen(
            [tool, "--data-only", "-f", "-", str(archive)], stdout=subprocess.PIPE, stderr=errors, text=True,
            encoding="utf-8", errors="replace") as proc:
        assert proc.stdout is not None
        counts = _count_copy_rows(proc.stdout, progress)
        proc.wait()
        errors.seek(0)
        err = errors.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise ConfigError(f"The archive {archive} cannot be read: {err.strip()[:500]}",
                          hint="The backup file is damaged or incomplete; use another backup.")
    return counts


def _count_copy_rows(lines: Iterable[str], progress: Progress | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    table: str | None = None
    for line in lines:
        if table is None:
            m = _COPY.match(line)
            if m:
                table = m.group(1)
                counts[table] = 0
                if progress:
                    progress("Reading the archive back", len(counts), len(counts))
        elif line == "\\.\n" or line == "\\.":
            table = None
        else:
            counts[table] += 1  # COPY text format: one line per row (newlines are escaped)
    return counts


def _compare(expected: dict[str, int], found: dict[str, int], what: str) -> None:
    wrong = {t: (n, found.get(t, 0)) for t, n in expected.items() if found.get(t, 0) != n}
    if wrong:
        detail = ", ".join(f"{t}: {got} rows instead of {want}" for t, (want, got) in sorted(wrong.items()))
        raise ConfigError(f"{what} does not hold what the database held: {detail}.",
                          hint="Run the backup again; if it repeats, check the disk and the server log.")


def backup_postgres(db: Database, output: Path, progress: Progress) -> tuple[dict[str, int], list[str]]:
    major = server_major(db)
    pg_dump, pg_restore = find_tool("pg_dump", major), find_tool("pg_restore", major)
    uri, env = libpq_target(db)
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    # One REPEATABLE READ transaction exports its snapshot to pg_dump and counts rows in it, so
    # the counts are exactly what the archive must hold.
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        conn.execute(text("SET TRANSACTION READ ONLY"))
        snapshot = str(conn.execute(text("SELECT pg_export_snapshot()")).scalar())
        tables = [r[0] for r in conn.execute(text(USER_TABLES_SQL))]
        counts = {t: int(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() or 0) for t in tables}
        try:
            _run_with_progress([pg_dump, "-Fc", "-v", f"--snapshot={snapshot}", "-f", str(partial),
                                f"--dbname={uri}"], env, "Dumping tables", len(tables), progress)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        conn.rollback()
    try:
        found = archive_row_counts(pg_restore, partial, progress)
        _compare(counts, found, f"The archive {output.name}")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    fd = os.open(partial, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(partial, output)
    return counts, [f"pg_dump {major} -Fc in one snapshot", "archive read back with pg_restore",
                    "row counts equal the snapshot's"]


def ensure_database_exists(db: Database) -> None:
    """Create the target database when the server answers but the database is missing."""
    try:
        db.check_connection()
        return
    except ConfigError as exc:
        if "does not exist" not in exc.message:
            raise
    from sqlalchemy import create_engine

    url = make_url(db.url)
    name = url.database or ""
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        raise ConfigError(f"The database {name!r} does not exist and could not be created: {exc.orig}",
                          hint=f"Create it first (createdb {name}) and restore again.") from None
    finally:
        admin.dispose()
    db.engine.dispose()
    db.check_connection()


def restore_postgres(source: Path, db: Database, force: bool, progress: Progress) -> tuple[dict[str, int], bool]:
    ensure_database_exists(db)
    major = server_major(db)
    pg_restore = find_tool("pg_restore", major)
    progress("Reading the archive back", 0, 1)
    expected = archive_row_counts(pg_restore, source, progress)  # before anything is touched
    with db.engine.connect() as conn:
        existing = [r[0] for r in conn.execute(text(USER_TABLES_SQL))]
    if existing and not force:
        from trygg.storage.backup import _not_empty, row_counts

        raise _not_empty(db, row_counts(db))
    if existing:
        with db.engine.connect() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
            conn.commit()
    db.engine.dispose()
    uri, env = libpq_target(db)
    _run_with_progress([pg_restore, "-v", "--no-owner", "--no-privileges", "--no-comments", "--exit-on-error",
                        "--single-transaction", f"--dbname={uri}", str(source)], env, "Restoring tables",
                       len(expected), progress)
    user_tables = set(expected)
    with db.engine.connect() as conn:
        user_tables = {r[0] for r in conn.execute(text(USER_TABLES_SQL))}
    return {t: n for t, n in expected.items() if t in user_tables}, bool(existing)

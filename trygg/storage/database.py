"""The one place that opens database connections: SQLite (embedded default) or PostgreSQL + PostGIS."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from trygg.errors import ConfigError
from trygg.storage.sqlite_busy import BUSY_TIMEOUT_MS, RETRY_SECONDS, RetryingConnection, gate_for

MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(db: str) -> str:
    """Turn a SQLite path or a database URL into a SQLAlchemy URL; raise ConfigError if malformed."""
    db = db.strip()
    if not db:
        raise ConfigError("No database given.", hint="Pass --db PATH_OR_URL or set TRYGG_DATABASE_URL.")
    if "://" not in db:
        return f"sqlite:///{Path(db).expanduser().resolve()}"
    try:
        url = make_url(db)
    except (ArgumentError, ValueError):
        raise ConfigError(
            f"{db!r} is not a database URL.",
            hint="Use a SQLite file path, sqlite:///path/to.db or postgresql://user@host:5432/dbname.",
        ) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        return str(url)
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    raise ConfigError(
        f"Database backend {backend!r} is not supported.",
        hint="Trygg runs on SQLite (a file path) or PostgreSQL with PostGIS (postgresql://…).",
    )


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


@functools.cache
def code_heads() -> frozenset[str]:
    """The newest revisions of the migrations in this code (read once per process: alembic compiles
    every migration file to find them, 20 ms, and every app checks them at start)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(cfg).get_heads())


class Database:
    """A connection pool to one Trygg database, with its migrations and health checks."""

    def __init__(self, db: str, *, echo: bool = False) -> None:
        self.url = normalise_url(db)
        self.backend = "postgresql" if self.url.startswith("postgresql") else "sqlite"
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.backend == "sqlite":
            path = self.url.split("///", 1)[1]
            if path and path != ":memory:":
                parent = Path(path).parent
                if not parent.exists():
                    raise ConfigError(
                        f"The folder {parent} for the SQLite database does not exist.",
                        hint="Create the folder or give another --db path.",
                    )
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30, "factory": RetryingConnection}
            # Connections are cheap on SQLite, and a writer waits for the one write lock (sqlite_busy): a
            # request waits for a connection as long as for the lock, never failing sooner with a 500.
            kwargs.update(pool_size=10, max_overflow=40, pool_timeout=RETRY_SECONDS)
        else:
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20,
                          connect_args={"connect_timeout": 5})
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.backend == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            if path and path != ":memory:":
                gate = gate_for(path)

                def _queue_writers(dbapi_conn: Any, _record: Any) -> None:
                    if isinstance(dbapi_conn, RetryingConnection):
                        dbapi_conn.gate = gate

                event.listen(self.engine, "connect", _queue_writers)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, info={"trygg_db": self})
        self._audit_key: bytes | None = None

    @property
    def audit_key(self) -> bytes:
        """The key of the audit trail's HMAC chain (kept outside the database; `trygg.config.resolve_audit_key`)."""
        if self._audit_key is None:
            from trygg.config import Settings, resolve_audit_key

            self._audit_key = resolve_audit_key(Settings.from_env(database_url=self.url))
        return self._audit_key

    @audit_key.setter
    def audit_key(self, key: bytes) -> None:
        self._audit_key = key

    @property
    def display_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def sqlite_path(self) -> Path | None:
        return Path(self.url.split("///", 1)[1]) if self.backend == "sqlite" else None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back on an exception."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def new_session(self) -> Session:
        return self._sessions()

    def check_connection(self) -> None:
        """Connect once; raise ConfigError with a hint when the server is not reachable."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                if self.backend == "postgresql":
                    self._ensure_postgis(conn)
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise ConfigError(
                f"Cannot connect to the database {self.display_url}: {reason}",
                hint="Is the server running and the URL right? Start PostgreSQL with "
                "'pg_ctlcluster <version> main start', or use a SQLite file path instead.",
            ) from None

    def _ensure_postgis(self, conn: Any) -> None:
        have = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname='postgis'")).first()
        if have:
            return
        available = conn.execute(
            text("SELECT 1 FROM pg_available_extensions WHERE name='postgis'")
        ).first()
        if not available:
            raise ConfigError(
                f"PostGIS is not installed on the PostgreSQL server behind {self.display_url}.",
                hint="Install it (Debian: apt-get install postgresql-<version>-postgis-3) and retry.",
            )
        try:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
            conn.commit()
        except Exception as exc:  # noqa: BLE001 - reported with its reason
            raise ConfigError(
                f"PostGIS is available but could not be enabled: {exc}",
                hint="Run 'CREATE EXTENSION postgis;' in the database as a superuser.",
            ) from None

    def durability_problems(self) -> list[str]:
        """Settings that could lose an acknowledged commit; empty when the database is safe."""
        problems: list[str] = []
        with self.engine.connect() as conn:
            if self.backend == "sqlite":
                mode = conn.execute(text("PRAGMA journal_mode")).scalar()
                sync = conn.execute(text("PRAGMA synchronous")).scalar()
                if str(mode).lower() != "wal":
                    problems.append(f"SQLite journal_mode is {mode}, expected wal")
                if int(sync or 0) < 2:
                    problems.append(f"SQLite synchronous is {sync}, expected 2 (FULL)")
            else:
                for name in ("fsync", "synchronous_commit", "full_page_writes"):
                    value = conn.execute(text(f"SHOW {name}")).scalar()
                    if str(value).lower() not in ("on", "remote_apply", "remote_write"):
                        problems.append(f"PostgreSQL {name} is {value}, expected on")
        return problems

    def check_durability(self) -> None:
        problems = self.durability_problems()
        if problems:
            raise ConfigError(
                "The database is configured so that it can lose acknowledged reports: "
                + "; ".join(problems) + ".",
                hint="For PostgreSQL set fsync = on, synchronous_commit = on and full_page_writes = on "
                "in postgresql.conf and reload; SQLite is set up by Trygg itself.",
            )

    def upgrade(self, revision: str = "heads") -> None:
        """Bring the schema up to date with the Alembic migrations."""
        from alembic import command

        self.check_connection()
        command.upgrade(self.alembic_config(), revision)

    def alembic_config(self) -> Any:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        cfg.attributes["engine"] = self.engine
        return cfg

    def current_revisions(self) -> set[str]:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads())

    def is_up_to_date(self) -> bool:
        return self.current_revisions() == code_heads()

    def integrity_check(self) -> list[str]:
        """Database integrity problems (empty when sound)."""
        with self.engine.connect() as conn:
            if self.backend == "sqlite":
                rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
                fk = list(conn.execute(text("PRAGMA foreign_key_check")))
                problems = [r for r in rows if r != "ok"]
                problems += [f"foreign key violation in {r[0]} row {r[1]}" for r in fk]
                return problems
            conn.execute(text("SELECT count(*) FROM reports"))
            return []

    def dispose(self) -> None:
        self.engine.dispose()

"""Shared fixtures: real databases on both backends, a seeded municipality, app clients.

Storage and web tests take the ``database`` fixture, which runs each test on SQLite and — when
``TRYGG_TEST_POSTGRES_URL`` names a PostgreSQL server with PostGIS (CI always sets it) — again on
PostgreSQL. Every test gets a fresh, migrated database copied from a template migrated once.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import queue
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from trygg.config import Settings
from trygg.domain import clock
from trygg.storage import users as user_store
from trygg.storage.database import Database, normalise_url

# argon2id is slow on purpose: about 0.15 s per hash and per check with the library's parameters,
# and the tests sign in thousands of times. Test passwords are hashed (and so checked: a hash
# carries its parameters) with argon2id at its smallest cost. tests/storage/test_users.py checks
# that the application itself still uses the library's recommended parameters.
user_store._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

# The audit trail's HMAC key for every database the tests make, on both backends (in production it
# comes from TRYGG_AUDIT_KEY, a key file beside a SQLite database, or the secret key).
os.environ.setdefault("TRYGG_AUDIT_KEY", "trygg-test-audit-key")

# In CI (CI=true) every Hypothesis test draws the same examples run after run, so a red build is
# reproducible; locally they stay random and keep looking for new failures.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    hypothesis_settings.load_profile("ci")

# The suite runs on a pinned calendar, so that it passes on any date: the demo is built as on this
# day (its data ends the day before) and every "now" and "today" of the app reads the same clock.
# Subprocesses (the live server, CLI runs) inherit TRYGG_TODAY.
TEST_TODAY = date(2026, 11, 23)
clock.pin(TEST_TODAY)
os.environ["TRYGG_TODAY"] = TEST_TODAY.isoformat()

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TRYGG_SHARED_DIR") or ROOT.parent / "shared")  # a worktree elsewhere sets it
PG_ENV = "TRYGG_TEST_POSTGRES_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False, help="run tests marked slow")
    parser.addoption("--long", action="store_true", default=False,
                     help="run the reliability suite in its long form")


#: The files that take longest (`--durations`), run first: one process per core takes a whole file at a time
#: (`--dist loadfile --no-loadscope-reorder` in scripts/test), and a long file started last would run alone at
#: the end. Each process starts with two files, taken in this order: the first builds the demo and crawls it
#: (`demo_crawl`); the files next in line need neither, so the other process works meanwhile instead of
#: waiting for the build, and the browser crawl, which reuses the link crawl, comes after them.
SLOWEST_FILES = (
    "tests/web/test_crawl.py", "tests/reliability/test_bad_input.py", "tests/access/test_every_route.py",
    "tests/reliability/test_crash.py", "tests/reliability/test_soak.py", "tests/browser/test_crawled_pages.py",
    "tests/reliability/test_backup_under_load.py", "tests/web/test_openapi_fuzz.py", "tests/browser/test_lagesbild.py",
    "tests/jobs/test_worker.py", "tests/cli/test_two_servers.py", "tests/browser/test_going_live.py",
    "tests/publication/test_gate_property.py", "tests/access/test_matrix.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    first = {name: rank for rank, name in enumerate(SLOWEST_FILES)}
    items.sort(key=lambda item: first.get(item.nodeid.split("::", 1)[0], len(first)))  # stable: the rest keep order
    if config.getoption("--runslow"):
        return
    skip_slow = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared folder with real data; tests skip when it is absent."""
    if not (SHARED / "data").is_dir():
        pytest.skip(f"needs the shared data folder at {SHARED} (present in CI, absent in a fresh clone)")
    return SHARED


# --------------------------------------------------------------------------- databases


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole Trollhättan demo in a SQLite file, built once per test run with the real generator.

    Treat it as read-only: a test that writes (a server, a browser) works on a copy
    (`shutil.copy`), so the demo tests see exactly what the generator built. When the suite runs in
    several processes (pytest-xdist), the first one to ask builds it and the others wait for that build.
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.getbasetemp().parent / "demo-build"
        folder.mkdir(exist_ok=True)
        with (folder / "lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            path = folder / "demo.db"
            if not path.exists():
                _build_demo_file(path)
            else:
                _DEMO_BUILDS[str(path)] = pickle.loads((folder / "build-info.pickle").read_bytes())
            return path
    return _build_demo_file(tmp_path_factory.mktemp("demo-build") / "demo.db")


def _build_demo_file(path: Path) -> Path:
    from trygg.demo.builder import build_demo

    partial = path.with_suffix(".building")
    db = Database(str(partial))
    db.upgrade()
    stages: list[tuple[str, int, int]] = []
    summary = build_demo(db, seed=2022, today=TEST_TODAY,
                         progress=lambda stage, done, total: stages.append((stage, done, total)))
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    _DEMO_BUILDS[str(path)] = (summary, tuple(stages))
    (path.parent / "build-info.pickle").write_bytes(pickle.dumps(_DEMO_BUILDS[str(path)]))
    partial.rename(path)
    return path


_DEMO_BUILDS: dict[str, tuple[object, tuple[tuple[str, int, int], ...]]] = {}


@pytest.fixture(scope="session")
def demo_crawl(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """{role: {url: page}}: every page each demo role reaches by links (`tests.web.crawler.crawl_every_role`),
    crawled once per test run on a copy of the demo and shared by the processes like the demo itself.
    tests/web/test_crawl.py checks these pages; the browser crawl (tests/browser/test_crawled_pages.py)
    opens them in Chromium."""
    from tests.web.crawler import crawl_every_role

    folder = demo_db_file.parent
    with (folder / "crawl.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        done = folder / "crawl.pickle"
        if done.exists():
            return pickle.loads(done.read_bytes())
        copy = folder / "crawl.db"
        shutil.copy(demo_db_file, copy)
        pages = crawl_every_role(copy)
        done.write_bytes(pickle.dumps(pages))
        return pages


def demo_build_info(path: Path) -> tuple[object, tuple[tuple[str, int, int], ...]]:
    """The DemoSummary and progress stages of the build behind `demo_db_file`."""
    return _DEMO_BUILDS[str(path)]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test copies it."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(str(path))
    db.upgrade()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str | None]:
    """A PostgreSQL database migrated once, used as CREATE DATABASE … TEMPLATE."""
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        yield None
        return
    admin = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
    name = f"trygg_tpl_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_url(admin_url)).set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    db.upgrade()
    db.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class PostgresPool:
    """Fresh databases made from the migrated template ahead of the tests that take them, and dropped
    after them, on a thread of their own.

    CREATE DATABASE … TEMPLATE and DROP DATABASE take about 0.15 s together; made here while the
    previous test runs, a PostgreSQL test waits for neither.
    """

    AHEAD = 4

    def __init__(self, admin_url: str, template: str) -> None:
        self.admin_url, self.template = admin_url, template
        self.ready: queue.Queue[str] = queue.Queue(maxsize=self.AHEAD)
        self.used: queue.Queue[str] = queue.Queue()
        self.stop = threading.Event()
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="postgres-pool", daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return make_url(normalise_url(self.admin_url)).set(database=name).render_as_string(hide_password=False)

    def take(self) -> str:
        while True:
            try:
                return self.ready.get(timeout=1)
            except queue.Empty:
                if self.failure is not None or not self.thread.is_alive():
                    raise RuntimeError(f"the PostgreSQL pool stopped: {self.failure!r}") from self.failure

    def give_back(self, name: str) -> None:
        self.used.put(name)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(60)

    def _run(self) -> None:
        admin = create_engine(normalise_url(self.admin_url), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                while not self.stop.is_set():
                    self._drop_used(conn)
                    if self.ready.full():
                        time.sleep(0.02)
                        continue
                    name = f"trygg_t_{uuid.uuid4().hex[:10]}"
                    conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
                    self.ready.put(name)
                self._drop_used(conn)
                while not self.ready.empty():
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{self.ready.get()}" WITH (FORCE)'))
        except BaseException as exc:  # noqa: BLE001 - reported to the test that waits for a database
            self.failure = exc
        finally:
            admin.dispose()

    def _drop_used(self, conn: Any) -> None:
        while not self.used.empty():
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.used.get()}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_pool(postgres_template: str | None) -> Iterator[PostgresPool | None]:
    admin_url = os.environ.get(PG_ENV)
    if not admin_url or postgres_template is None:
        yield None
        return
    pool = PostgresPool(admin_url, postgres_template)
    yield pool
    pool.close()


def _backends() -> list[str]:
    return ["sqlite", "postgresql"]


@pytest.fixture(params=_backends())
def database(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """A fresh, migrated Trygg database: SQLite, then PostgreSQL + PostGIS (when configured)."""
    if request.param == "sqlite":
        path = tmp_path / "trygg.db"
        shutil.copy(sqlite_template, path)
        db = Database(str(path))
        yield db
        db.dispose()
        return
    pool: PostgresPool | None = request.getfixturevalue("postgres_pool")
    if pool is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (set by .ci/run and scripts/test)")
    name = pool.take()
    db = Database(pool.url(name))
    yield db
    db.dispose()
    pool.give_back(name)


@pytest.fixture
def sqlite_database(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """A fresh migrated SQLite database only (for tests about SQLite itself)."""
    path = tmp_path / "trygg.db"
    shutil.copy(sqlite_template, path)
    db = Database(str(path))
    yield db
    db.dispose()


# --------------------------------------------------------------------------- seeded data and apps


@pytest.fixture
def world(database: Database):  # type: ignore[no-untyped-def]
    """A small municipality: 4 areas, 5 organisations, one user per role, a few reports."""
    from tests.factories import seed_world

    return seed_world(database)


@pytest.fixture
def settings(database: Database) -> Settings:
    # Plain http://testserver: cookies without Secure, or the test client would not send them back.
    return Settings(database_url=database.url, secret_key="test-secret-key", require_totp=False,
                    secure_cookies="false")


@pytest.fixture
def app(database: Database, settings: Settings, world):  # type: ignore[no-untyped-def]
    """The web app over the seeded database."""
    from trygg.web.app import create_app

    return create_app(settings, database)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    """An anonymous browser-like client (keeps cookies)."""
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture
def login(app):  # type: ignore[no-untyped-def]
    """login(username) → a TestClient signed in as that seeded user (see tests.factories.USERS)."""
    from fastapi.testclient import TestClient

    from tests.factories import password_of

    clients: list[TestClient] = []

    def _login(username: str) -> TestClient:
        c = TestClient(app)
        clients.append(c)
        c.get("/login")
        token = c.cookies.get("trygg_csrf")
        r = c.post("/login", data={"username": username, "password": password_of(username),
                                   "csrf_token": token, "next": "/"}, follow_redirects=False)
        assert r.status_code == 303, r.text
        c.headers["X-CSRF-Token"] = c.cookies.get("trygg_csrf") or ""  # renewed at sign-in, tied to the session
        return c

    yield _login
    for c in clients:
        c.close()


@pytest.fixture
def api(app, world):  # type: ignore[no-untyped-def]
    """api(username) → a TestClient sending that user's Bearer token."""
    from fastapi.testclient import TestClient

    from trygg.storage import users as user_store

    db: Database = app.state.db

    def _api(username: str) -> TestClient:
        with db.session() as s:
            user = user_store.get_user_by_name(s, username)
            assert user is not None
            token = user_store.create_token(s, user, name="test")
        return TestClient(app, headers={"Authorization": f"Bearer {token}"})

    return _api

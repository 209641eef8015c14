"""The import pages and API: preview with mapping and rejected lines, the import in the background
with its progress, summary, failed and interrupted runs, who sees a run, no double import."""

from __future__ import annotations

import base64
import re
import threading
import time
from collections.abc import Collection, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from trygg.domain import clock
from trygg.ingest import Importer, RowIssue, SourceRow, base, jobs, open_importer
from trygg.storage import intake as intake_store
from trygg.storage import users as user_store
from trygg.storage.database import Database
from trygg.storage.schema import AuditEntry, Report

CSV = "Vad;När;Var\nvandalism;2024-05-03 22:00;T001\nlittering;2024-05-04 10:00;Mars\n"


def _count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(Report.id)).where(Report.source == "import")) or 0)


def test_preview_map_columns_import_and_see_the_summary(login, database: Database) -> None:  # type: ignore[no-untyped-def]
    c = login("samordnare")
    assert c.get("/imports").status_code == 200
    preview = c.post("/imports/preview", data={"fmt": "csv"}, files={"file": ("eidar.csv", CSV.encode(), "text/csv")})
    assert preview.status_code == 200 and _count(database) == 0
    content = re.search(r'name="content" value="([^"]+)"', preview.text).group(1)  # type: ignore[union-attr]
    form = {"content": content, "filename": "eidar.csv", "fmt": "csv", "map_category": "Vad",
            "map_occurred_from": "När", "map_area": "Var", "mapping_name": "Eidar", "save_mapping": "1"}
    again = c.post("/imports/preview", data=form)
    assert "Mars" in again.text and "Importera raderna (1)" in again.text
    done = c.post("/imports/run", data=form, follow_redirects=False)
    assert done.status_code == 303
    assert jobs.wait(database, _run_id(done.headers["location"]), 30) and _count(database) == 1
    summary = c.get(done.headers["location"])
    assert summary.status_code == 200 and "Mars" in summary.text
    again = c.post("/imports/run", data={**form, "map_category": "", "map_occurred_from": "", "map_area": ""},
                   follow_redirects=False)
    assert jobs.wait(database, _run_id(again.headers["location"]), 30)
    assert _count(database) == 1  # the saved mapping "Eidar" is used; nothing imported twice


def test_the_imports_api_reports_every_rejected_row(api, database: Database) -> None:  # type: ignore[no-untyped-def]
    c = api("samordnare")
    mapping = '{"category": "Vad", "occurred_from": "När", "area": "Var"}'
    r = c.post("/api/v1/imports", data={"fmt": "csv", "mapping": mapping},
               files={"file": ("x.csv", CSV.encode(), "text/csv")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["imported"] == 1 and body["rejected"] == [
        {"line": 3, "ref": "", "reason": body["rejected"][0]["reason"], "kind": "rejected"}]
    run = c.get(f"/api/v1/imports/{body['run_id']}").json()
    assert run["imported"] == 1 and run["issues"][0]["line"] == 3
    assert c.post("/api/v1/imports", data={"fmt": "pdf"}, files={"file": ("x", b"x")}).status_code == 422
    assert api("rapportor").get("/api/v1/imports").status_code == 403


# --------------------------------------------------------------------------- the import in the background

MAPPING = {"map_category": "Vad", "map_occurred_from": "När", "map_area": "Var"}


def _run_id(location: str) -> int:
    match = re.fullmatch(r"/imports/(\d+)", location)
    assert match, location
    return int(match.group(1))


def _csv(rows: int, bad: Collection[int] = ()) -> bytes:
    """`rows` distinct rows (lines 2…rows+1); the rows numbered in `bad` (0-based) name no known area."""
    lines = ["Vad;När;Var"]
    for n in range(rows):
        lines.append(f"vandalism;2024-05-{n // 2 + 1:02d} {10 + n % 2}:00;{'Mars' if n in bad else 'T001'}")
    return ("\n".join(lines) + "\n").encode()


def _form(content: bytes) -> dict[str, str]:
    return {"content": base64.b64encode(content).decode(), "filename": "natt.csv", "fmt": "csv", **MAPPING}


class PausingImporter(Importer):
    """A real importer whose worker stops before row `after + 1` until the test releases it — or raises
    `fail` there. Deterministic: the test waits on events, never on the clock."""

    def __init__(self, inner: Importer, after: int, fail: BaseException | None = None) -> None:
        self.inner, self.after, self.fail = inner, after, fail
        self.fmt, self.source, self.filename = inner.fmt, inner.source, inner.filename
        self.mapping = getattr(inner, "mapping", {})
        self.headers = getattr(inner, "headers", [])
        self.reached, self.release = threading.Event(), threading.Event()

    def bind(self, session: Any, ctx: Any) -> None:
        self.inner.bind(session, ctx)

    def size(self) -> int | None:
        return self.inner.size()

    def rows(self) -> Iterator[SourceRow | RowIssue]:
        for n, item in enumerate(self.inner.rows()):
            if n == self.after:
                self.reached.set()
                if self.fail is not None:
                    raise self.fail
                assert self.release.wait(30), "the test never released the worker"
            yield item


def _worker_importer(made: dict[str, Any]) -> PausingImporter:
    """The importer the job worker opened (it starts a moment after the page answered)."""
    deadline = time.monotonic() + 30
    while "importer" not in made and time.monotonic() < deadline:
        time.sleep(0.02)
    return made["importer"]  # type: ignore[no-any-return]


@pytest.fixture
def pausing(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Makes the import page's next import a `PausingImporter` (settings in the returned dict); the
    run's progress is written every 10 rows and never on the clock, so what the page shows is exact."""
    real = jobs.open_importer
    made: dict[str, Any] = {"after": 20, "fail": None}

    def open_paused(*args: Any, **kwargs: Any) -> Importer:
        made["importer"] = PausingImporter(real(*args, **kwargs), made["after"], made["fail"])
        return made["importer"]

    monkeypatch.setattr(jobs, "open_importer", open_paused)
    monkeypatch.setattr(base, "CHECKPOINT_ROWS", 10)
    monkeypatch.setattr(base, "CHECKPOINT_SECONDS", 3600.0)
    yield made
    if "importer" in made:
        made["importer"].release.set()  # never leave a worker waiting


def test_the_import_runs_in_the_background_and_shows_its_progress(  # type: ignore[no-untyped-def]
        login, api, database: Database, pausing: dict[str, Any]) -> None:
    c = login("samordnare")
    started = time.monotonic()
    r = c.post("/imports/run", data=_form(_csv(40, bad={1, 30})), follow_redirects=False)
    assert r.status_code == 303 and time.monotonic() - started < 10
    run_id = _run_id(r.headers["location"])
    importer = _worker_importer(pausing)
    assert importer.reached.wait(30)  # the worker stands before row 21; the answer came before it ended

    fragment = c.get(f"/imports/{run_id}/progress")
    assert fragment.status_code == 200 and fragment.headers["cache-control"] == "no-store"
    assert 'hx-trigger="every 1s"' in fragment.text and f'hx-get="/imports/{run_id}/progress"' in fragment.text
    assert re.search(r'<progress max="40" value="20" aria-labelledby="import-progress-text">', fragment.text)
    assert 'role="status"' in fragment.text and "20 av 40 rader" in fragment.text
    assert "20 of 40 rows" in c.get(f"/imports/{run_id}/progress", params={"lang": "en"}).text
    page = c.get(f"/imports/{run_id}", params={"lang": "sv"})
    assert page.status_code == 200 and 'id="import-run"' in page.text and "20 av 40 rader" in page.text
    mid = api("samordnare").get(f"/api/v1/imports/{run_id}").json()
    assert (mid["status"], mid["processed"], mid["total"], mid["imported"], mid["rejected"]) == (
        "running", 20, 40, 19, 1)
    assert _count(database) == 19  # what the run says is stored is stored

    importer.release.set()
    assert jobs.wait(database, run_id, 30)
    done = c.get(f"/imports/{run_id}/progress")
    assert "hx-trigger" not in done.text and "<progress" not in done.text and "Importen är klar." in done.text
    assert "Mars" in done.text and re.search(r'<td class="num">3</td>.*<td class="num">32</td>', done.text, re.S)
    body = api("samordnare").get(f"/api/v1/imports/{run_id}").json()
    assert (body["status"], body["processed"], body["total"], body["imported"], body["rejected"]) == (
        "done", 40, 40, 38, 2)
    assert [i["line"] for i in body["issues"]] == [3, 32] and body["error"] is None
    assert _count(database) == 38
    with database.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "import",
                                                   AuditEntry.object_id == str(run_id))).one()
        assert entry.object_type == "import_run" and entry.detail is not None
        assert (entry.detail["status"], entry.detail["imported"]) == ("done", 38)


def test_a_failing_import_ends_failed_with_the_error_and_keeps_what_was_stored(  # type: ignore[no-untyped-def]
        login, api, database: Database, pausing: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    pausing.update(after=25, fail=RuntimeError("the disk is full"))
    c = login("samordnare")
    content = _csv(40, bad={1, 22})
    r = c.post("/imports/run", data=_form(content), follow_redirects=False)
    run_id = _run_id(r.headers["location"])
    assert r.status_code == 303 and jobs.wait(database, run_id, 30)

    page = c.get(f"/imports/{run_id}")
    assert 'role="alert"' in page.text and "RuntimeError: the disk is full" in page.text
    assert "Importen avbröts av ett fel efter 20 av 40 rader." in page.text and "hx-trigger" not in page.text
    body = api("samordnare").get(f"/api/v1/imports/{run_id}").json()
    # the rows of the last checkpoint (20) are stored and listed; rows 21–25 were rolled back
    assert (body["status"], body["processed"], body["imported"], body["rejected"]) == ("failed", 20, 19, 1)
    assert body["error"] == "RuntimeError: the disk is full" and [i["line"] for i in body["issues"]] == [3]
    assert _count(database) == 19
    with database.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.object_id == str(run_id))).one()
        assert entry.detail is not None and (entry.detail["status"], entry.detail["imported"]) == ("failed", 19)

    monkeypatch.setattr(jobs, "open_importer", open_importer)  # the same file, without the fault
    again = c.post("/imports/run", data=_form(content), follow_redirects=False)
    again_id = _run_id(again.headers["location"])
    assert jobs.wait(database, again_id, 30)
    rerun = api("samordnare").get(f"/api/v1/imports/{again_id}").json()
    assert (rerun["status"], rerun["imported"], rerun["duplicates"], rerun["rejected"]) == ("done", 19, 19, 2)
    assert _count(database) == 38  # nothing lost, nothing twice


def test_another_organisations_user_cannot_see_the_run(login, api, world, database: Database) -> None:  # type: ignore[no-untyped-def]
    c = login("samordnare")  # the municipality
    r = c.post("/imports/run", data=_form(_csv(3)), follow_redirects=False)
    run_id = _run_id(r.headers["location"])
    assert jobs.wait(database, run_id, 30)
    assert c.get(f"/imports/{run_id}").status_code == 200
    assert login("admin").get(f"/imports/{run_id}").status_code == 200

    police = login("analytiker")  # an importing role, but of the police
    for path in (f"/imports/{run_id}", f"/imports/{run_id}/progress"):
        assert police.get(path).status_code == 404
    assert f'href="/imports/{run_id}"' not in police.get("/imports").text
    analyst = api("analytiker")
    hidden, missing = analyst.get(f"/api/v1/imports/{run_id}"), analyst.get(f"/api/v1/imports/{run_id + 1000}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() and hidden.json()["error"]["code"]
    assert run_id not in [x["id"] for x in analyst.get("/api/v1/imports").json()["runs"]]
    assert run_id in [x["id"] for x in api("samordnare").get("/api/v1/imports").json()["runs"]]
    refused = api("rapportor").get(f"/api/v1/imports/{run_id}")
    assert refused.status_code == 403 and set(refused.json()["error"]) >= {"code", "message"}


def test_a_run_left_running_by_an_earlier_process_is_shown_as_interrupted(  # type: ignore[no-untyped-def]
        login, api, database: Database) -> None:
    with database.session() as s:
        user = user_store.get_user_by_name(s, "samordnare")
        assert user is not None
        dead = intake_store.start_run(s, "csv", "gammal.csv", "import", None, user.id, False, total=100)
        dead.processed, dead.updated_at = 40, clock.now() - jobs.STALE - timedelta(minutes=5)  # no job, no beat
        alive = intake_store.start_run(s, "csv", "ny.csv", "import", None, user.id, False, total=100)
        alive.updated_at = clock.now()
        ids = dead.id, alive.id
    page = login("samordnare").get(f"/imports/{ids[0]}")
    assert 'role="alert"' in page.text and "Servern stoppades innan importen var klar." in page.text
    assert "hx-trigger" not in page.text
    c = api("samordnare")
    assert c.get(f"/api/v1/imports/{ids[0]}").json()["status"] == "failed"
    assert c.get(f"/api/v1/imports/{ids[0]}").json()["error"] == jobs.INTERRUPTED
    assert c.get(f"/api/v1/imports/{ids[1]}").json()["status"] == "running"  # its worker is alive

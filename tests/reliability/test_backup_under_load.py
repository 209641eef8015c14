"""A backup taken while reporters write: its restore holds every report acknowledged before the
backup began, passes the integrity check, and the server starts on it and serves those reports.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from tests.reliability.harness import LoadResult, Server, check_stored, run_reporters, write_artifact
from trygg.storage.backup import backup, restore
from trygg.storage.database import Database

REPORTERS = 8


def test_restore_of_a_backup_under_load_keeps_everything_acknowledged_before_it(
        database: Database, server: Server, reporter_token: str, scratch_url: str, tmp_path: Path) -> None:
    stop = threading.Event()
    result = LoadResult()
    load = threading.Thread(target=run_reporters, args=(lambda: server.base_url, reporter_token), kwargs={
        "threads": REPORTERS, "seconds": 60.0, "max_requests": 50_000, "seed": 3, "retry": False, "stop": stop,
        "retry_window": 0.0, "result": result}, daemon=True)
    load.start()
    try:
        time.sleep(3.0)
        before = result.acknowledged  # acknowledged before the backup began
        taken = backup(database, tmp_path / "under-load.bak")
        writes_during = len(result.acknowledged) - len(before)
        time.sleep(1.0)
    finally:
        stop.set()
        load.join(timeout=60)

    restored = Database(scratch_url)
    try:
        done = restore(taken.path, restored)
        check = check_stored(restored, before)
        write_artifact(f"backup_under_load/{database.backend}", {
            "acknowledged_before_backup": len(before), "acknowledged_during_backup": writes_during,
            "acknowledged_total": len(result.acknowledged), "reports_in_backup": taken.row_counts["reports"],
            "backup_seconds": round(taken.seconds, 2), "restore_seconds": round(done.seconds, 2),
            "backup_bytes": taken.size_bytes})

        assert len(before) > 0 and result.server_errors == [] and result.unexpected == []
        assert check.missing == [], f"{len(check.missing)} reports acknowledged before the backup are missing"
        assert check.duplicates == {} and check.wrong_id == []
        assert restored.integrity_check() == []
        # the server starts on the restored database and serves a report acknowledged before the backup
        again = Server(scratch_url, tmp_path / "restored-server.log")
        again.start()
        try:
            r = httpx.get(f"{again.base_url}/api/v1/reports/{before[0].report_id}",
                          headers={"Authorization": f"Bearer {reporter_token}"}, timeout=10)
            assert r.status_code == 200 and r.json()["description"].startswith(before[0].marker)
        finally:
            again.stop()
    finally:
        restored.dispose()

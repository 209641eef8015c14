"""Soak: 16 partner reporters write reports to the real server for a while; every acknowledged
report is stored, nothing else is, and no request fails with a 5xx. Latency percentiles go to
test-artifacts/reliability.json.
"""

from __future__ import annotations

from tests.reliability.harness import Server, check_stored, run_reporters, write_artifact
from trygg.storage.database import Database

REPORTERS = 16
SHORT_S, LONG_S = 10.0, 60.0
MAX_REQUESTS = 200_000


def test_soak_every_acknowledged_report_is_stored(database: Database, server: Server, reporter_token: str,
                                                  long_run: bool) -> None:
    seconds = LONG_S if long_run else SHORT_S
    result = run_reporters(lambda: server.base_url, reporter_token, threads=REPORTERS, seconds=seconds,
                           max_requests=MAX_REQUESTS, seed=1, retry=False, retry_window=0)
    server.stop()
    check = check_stored(database, result.outcomes)
    summary = result.summary()
    write_artifact(f"soak/{database.backend}", {**summary, "reporters": REPORTERS, "planned_seconds": seconds,
                                                "stored": check.stored})

    assert result.server_errors == [], result.server_errors[:5]
    assert result.unexpected == [], result.unexpected[:5]
    assert result.transport_errors == 0
    assert len(result.acknowledged) >= REPORTERS  # every reporter got through at least once
    assert check.missing == [], f"{len(check.missing)} acknowledged reports are not stored"
    assert check.wrong_id == [] and check.duplicates == {}
    assert check.stored == len(result.acknowledged)  # nothing stored that was not acknowledged
    assert server.server_errors() == [], server.log_tail()

"""Crash: the server is killed with SIGKILL again and again while reporters write and retry with
their Idempotency-Keys. After the last restart every acknowledged report is stored exactly once,
no retried report is doubled and the database passes its integrity check.
"""

from __future__ import annotations

import random
import threading
import time

from tests.reliability.harness import LoadResult, Server, check_stored, run_reporters, write_artifact
from trygg.storage.database import Database

REPORTERS = 8
SHORT_KILLS, LONG_KILLS = 3, 12


def test_sigkill_loses_no_acknowledged_report_and_doubles_none(database: Database, server: Server,
                                                               reporter_token: str, long_run: bool) -> None:
    kills = LONG_KILLS if long_run else SHORT_KILLS
    rng = random.Random(8)
    stop = threading.Event()
    result = LoadResult()
    load = threading.Thread(target=run_reporters, args=(lambda: server.base_url, reporter_token), kwargs={
        "threads": REPORTERS, "seconds": 10.0 + kills * 8.0, "max_requests": 100_000, "seed": 2, "retry": True,
        "stop": stop, "retry_window": 30.0, "result": result}, daemon=True)
    load.start()
    acknowledged_at_kill: list[int] = []
    try:
        deadline = time.monotonic() + 60  # on a loaded machine the first answers take a while
        while not result.acknowledged and time.monotonic() < deadline:
            time.sleep(0.1)
        for _ in range(kills):
            time.sleep(rng.uniform(0.8, 2.0))  # let writes pile up in flight
            server.kill()
            acknowledged_at_kill.append(len(result.acknowledged))
            time.sleep(rng.uniform(0.0, 0.4))  # reporters meet a closed port and keep retrying
            server.start()
            # the next kill must hit a server that writes again: wait for a new acknowledgement (reporters back
            # off while the port was closed; on a busy machine the first answers after a start take a while)
            recovering = time.monotonic() + 60
            while len(result.acknowledged) <= acknowledged_at_kill[-1] and time.monotonic() < recovering:
                time.sleep(0.1)
        time.sleep(1.0)
    finally:
        stop.set()  # no new reports; the ones in flight are retried until acknowledged
        load.join(timeout=120)
    server.stop()

    check = check_stored(database, result.outcomes)
    unanswered = [o.key for o in result.outcomes if not o.acknowledged]
    retried = sum(1 for o in result.outcomes if o.attempts > 1 and o.acknowledged)
    replayed = sum(1 for o in result.outcomes if o.replayed)
    write_artifact(f"crash/{database.backend}", {
        **result.summary(), "kills": kills, "server_starts": server.starts, "retried_and_acknowledged": retried,
        "answered_by_replay": replayed,
        "acknowledged_at_each_kill": acknowledged_at_kill, "stored": check.stored,
        "missing": len(check.missing), "duplicates": len(check.duplicates)})

    assert server.starts == kills + 1
    assert result.server_errors == [], result.server_errors[:5]
    assert result.unexpected == [], result.unexpected[:5]
    assert unanswered == [], f"{len(unanswered)} reports never acknowledged despite retries"
    assert check.missing == [], f"{len(check.missing)} acknowledged reports lost"
    assert check.duplicates == {}, f"{len(check.duplicates)} reports stored twice"
    assert check.wrong_id == []
    assert check.stored == len(result.acknowledged)
    assert acknowledged_at_kill[-1] > acknowledged_at_kill[0] > 0  # the kills hit a server that was writing
    assert database.integrity_check() == []
    assert server.server_errors() == [], server.log_tail()

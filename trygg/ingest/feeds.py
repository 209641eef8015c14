"""Feeds polled on a schedule: the police's open events feed, imported idempotently every N minutes.

`add_feed` stores a schedule (``trygg feeds add polisen --every 10m``); the job worker enqueues a
``feeds.poll`` job when it is due (`trygg.storage.jobs.enqueue_due_schedules`) and `poll_feed`
fetches the feed and imports it with the police events importer (`trygg.ingest.polisen`) as an
ordinary import run. The event id is the external id, so each poll stores only the events it has
not seen: polling twice, or two workers polling at once, stores nothing twice (the unique
``(source, external_id)`` key has the last word). A failed fetch is retried with backoff.
"""

from __future__ import annotations

import re
import urllib.request
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from trygg.errors import ValidationError
from trygg.ingest import open_importer
from trygg.ingest.base import run_import
from trygg.ingest.service import IntakeContext
from trygg.jobs import JobContext, job_handler
from trygg.storage import jobs as job_store
from trygg.storage import users as user_store
from trygg.storage.schema import JobSchedule

KIND = "feeds.poll"
FEEDS = {"polisen": "https://polisen.se/api/events"}  # feed name → default URL
FORMAT = {"polisen": "polisen"}  # feed name → importer format
MAX_BYTES = 20 * 1024 * 1024
TIMEOUT_S = 30.0
MIN_EVERY_S = 60
_EVERY = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Feed:
    name: str
    url: str
    every_s: int
    organisation: str | None
    next_at: str


def parse_every(text: str) -> int:
    """``"10m"`` → 600 seconds (s, m, h, d; a bare number is seconds); at least a minute."""
    m = _EVERY.match(text)
    if not m:
        raise ValidationError(f"{text!r} is not an interval.", fields={"--every": "e.g. 10m, 1h or 600"})
    seconds = int(m.group(1)) * _UNIT[m.group(2)]
    if seconds < MIN_EVERY_S:
        raise ValidationError("Poll at most once a minute.", fields={"--every": f"at least {MIN_EVERY_S // 60}m"})
    return seconds


def schedule_name(feed: str) -> str:
    return f"feed:{feed}"


def add_feed(session: Session, feed: str, *, every_s: int, url: str | None = None,
             organisation: str | None = None) -> JobSchedule:
    """Poll `feed` every `every_s` seconds from now on (replacing its earlier schedule); the caller commits."""
    if feed not in FEEDS:
        raise ValidationError(f"Unknown feed {feed!r}.", fields={"feed": ", ".join(sorted(FEEDS))})
    if organisation:
        user_store.get_organisation(session, organisation)  # NotFound (with a hint) when there is none
    target = url or FEEDS[feed]
    if not target.startswith(("http://", "https://")):
        raise ValidationError("The feed URL must be http:// or https://.", fields={"--url": target[:80]})
    payload = {"feed": feed, "url": target, "organisation": organisation}
    return job_store.upsert_schedule(session, schedule_name(feed), KIND, payload, every_s)


def list_feeds(session: Session) -> list[Feed]:
    return [Feed(s.name.removeprefix("feed:"), str(s.payload.get("url")), s.every_s, s.payload.get("organisation"),
                 s.next_at.isoformat(timespec="seconds"))
            for s in job_store.list_schedules(session) if s.kind == KIND]


def remove_feed(session: Session, feed: str) -> bool:
    return job_store.remove_schedule(session, schedule_name(feed))


def fetch(url: str) -> bytes:
    """The feed's body (at most `MAX_BYTES`); raises OSError when the server cannot be read."""
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "trygg-feeds"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 - http(s) checked on add
        body: bytes = response.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise OSError(f"The feed {url} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    return body


@job_handler(KIND, max_attempts=3, lease_s=120.0, backoff_s=30.0)
def poll_feed(ctx: JobContext) -> dict[str, Any]:
    """The handler of kind ``feeds.poll``: fetch the feed and import what is new."""
    feed, url = str(ctx.payload["feed"]), str(ctx.payload["url"])
    body = fetch(url)  # an unreachable feed raises: the job is retried with backoff
    org_ref = ctx.payload.get("organisation")
    org = user_store.get_organisation(ctx.session, org_ref) if org_ref else None
    importer = open_importer(body, FORMAT[feed], filename=url)
    summary = run_import(ctx.session, importer, IntakeContext(organisation=org))
    return {"feed": feed, "run_id": summary.run_id, "total": summary.total, "imported": summary.imported,
            "duplicates": summary.duplicates, "skipped": len(summary.skipped), "rejected": len(summary.rejected)}

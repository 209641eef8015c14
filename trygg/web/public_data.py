"""What the public (no login) routes share: months published when due, and a rate limit on reads.

``public_db`` is the session dependency of every route that shows published figures: before it
hands out the session it publishes the months that have become due
(``trygg.publication.schedule.publish_due_months``) in a short transaction of its own. The check
runs at most once per month boundary per process (``app.state.publication_next_check``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from fastapi import Depends, Request
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.publication.months import month_of, month_start, next_month
from trygg.publication.schedule import publish_due_months
from trygg.storage import publication as publication_store
from trygg.web.deps import db_session, get_database, get_settings
from trygg.web.ratelimit import limit


def _now() -> datetime:
    return clock.now()


def ensure_published(request: Request) -> None:
    """Publish what is due (once per month boundary per process); a concurrent publisher wins."""
    now = _now()
    state = request.app.state
    next_check: datetime | None = getattr(state, "publication_next_check", None)
    if next_check is not None and now < next_check:
        return
    settling = get_settings(request).publication_settling_days
    anything = True
    try:
        with get_database(request).session() as s:
            publish_due_months(s, now, settling)
            anything = bool(publication_store.published_years(s))
    except IntegrityError:
        pass  # another process published the same month first: theirs is the publication
    except OperationalError:
        return  # the database is busy (a long write): serve what is stored, publish on a later read
    if not anything:
        return  # no data yet: look again on the next read (an import may come any time)
    days = timedelta(days=settling)
    state.publication_next_check = month_start(*next_month(*month_of(now - days))) + days


def public_db(request: Request, session: Session = Depends(db_session)) -> Iterator[Session]:
    """The request's session, after the due months are published."""
    ensure_published(request)
    yield session


def limit_public_read(request: Request, bucket: str) -> None:
    """Count one anonymous read of public figures; 429 past the configured rate per minute."""
    limit(request, f"public_read:{bucket}", get_settings(request).public_read_rate_limit, 60.0)

"""Request-scoped dependencies: the database session, the signed-in user, the language.

Write endpoints call ``session.commit()`` themselves before they answer, so that nothing is
acknowledged before it is durable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta

from fastapi import Depends, Request
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from trygg.config import Settings
from trygg.domain.categories import DEFAULT_TAXONOMY, Taxonomy
from trygg.errors import ValidationError
from trygg.storage import users as user_store
from trygg.storage.database import Database
from trygg.storage.schema import User
from trygg.web.i18n import pick_language
from trygg.web.signin_audit import record_signin

SESSION_COOKIE = "trygg_session"
LANG_COOKIE = "trygg_lang"


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def wake_jobs(request: Request) -> None:
    """A job was enqueued and committed: let this process's worker loop look for it now."""
    worker = getattr(request.app.state, "jobs", None)
    if worker is not None:
        worker.wake()


def get_settings(request: Request) -> Settings:
    """The app's settings with the municipality's details an administrator edited in the browser
    (`trygg.storage.municipality_details`), looked up at most every ``_MUNICIPALITY_TTL`` seconds."""
    settings: Settings = request.app.state.settings
    overrides = _details(request)
    if overrides and any(getattr(settings, k) != v for k, v in overrides.items()):
        settings = dataclasses.replace(settings, **overrides)  # type: ignore[arg-type]
    return settings


def _details(request: Request) -> dict[str, str]:
    import time

    from sqlalchemy.exc import SQLAlchemyError

    from trygg.storage import municipality_details

    cached = getattr(request.app.state, "municipality_details", None)
    if cached is not None and time.monotonic() - cached[1] < _MUNICIPALITY_TTL:
        return dict(cached[0])
    db = getattr(request.app.state, "db", None)
    if db is None:
        return {}
    try:
        with db.session() as s:
            values = municipality_details.details(s)
    except SQLAlchemyError:  # a database not migrated yet: the settings as they are
        values = {}
    request.app.state.municipality_details = (values, time.monotonic())
    return values


def taxonomy(request: Request) -> Taxonomy:
    """The category taxonomy for this request (`trygg.storage.categories.taxonomy`, cached per data
    version): read once per request, through the request's session when it has one."""
    from sqlalchemy.exc import SQLAlchemyError

    from trygg.storage import categories

    found: Taxonomy | None = getattr(request.state, "taxonomy", None)
    if found is not None:
        return found
    session: Session | None = getattr(request.state, "db_session", None)
    try:
        if session is not None:
            found = categories.taxonomy(session)
        else:
            with get_database(request).session() as s:
                found = categories.taxonomy(s)
    except SQLAlchemyError:  # a database not migrated yet (an error page at start-up): the defaults
        found = DEFAULT_TAXONOMY
    request.state.taxonomy = found
    return found


def forget_taxonomy(request: Request) -> None:
    """Read the taxonomy again (after this request changed it)."""
    request.state.taxonomy = None


def forget_details(request: Request) -> None:
    """Drop the cached details (after an administrator saved them)."""
    request.app.state.municipality_details = None
    request.app.state.municipality_name = None


async def db_session(request: Request) -> AsyncIterator[Session]:
    """A session for this request; rolled back at the end unless the endpoint committed.

    A coroutine, not a thread: making a session does no I/O, and closing one returns its connection
    (a rollback of a read, microseconds). As a plain function FastAPI would run its start and its end
    each on a pool thread, two thread hand-overs per request that cost more than the work."""
    session = get_database(request).new_session()
    request.state.db_session = session
    try:
        yield session
    except (OverflowError, DataError):
        # A number or text the database cannot hold (an id beyond 64 bits, a string over a column's
        # length on PostgreSQL): the request is invalid, not the server broken (422, not 500).
        # close(), not rollback(): rollback() would expire the signed-in user, and the error page
        # (rendered after the session is closed) could no longer read it.
        session.close()
        raise ValidationError("A value in the request is out of range.",
                              hint="Use ids and numbers as listed by the API, and shorter texts.") from None
    finally:
        # close() rolls back what was not committed but, unlike rollback(), does not expire the
        # loaded objects: an error page rendered after this still reads the signed-in user.
        session.close()


def language(request: Request) -> str:
    if getattr(request.state, "lang", None):
        return str(request.state.lang)
    settings = get_settings(request)
    lang = pick_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                         settings.default_language)
    request.state.lang = lang
    return lang


def _resolve_user(request: Request, session: Session) -> User | None:
    settings = get_settings(request)
    auth = request.headers.get("authorization", "")
    user: User | None = None
    if auth.lower().startswith("bearer "):
        user = user_store.token_user(session, auth[7:].strip())
        request.state.auth_method = "token"
    else:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            found = user_store.session_lookup(
                session, token, timedelta(minutes=settings.session_idle_minutes),
                timedelta(hours=settings.session_absolute_hours),
                on_expired=lambda ws, reason: record_signin(session, request, "session_expired", ws.user_id,
                                                            reason=reason))
            request.state.auth_method = "session"
            if found is not None:
                if found[1].second_factor_done:
                    user = found[0]
                else:
                    # Password given, second factor (TOTP) still to do: signed in for nothing else.
                    request.state.pending_user = found[0]
            session.commit()  # last_seen_at, or the deletion of an expired session
    if user is not None and request.state.auth_method == "token":
        session.commit()  # last_used_at
    return user


def current_user(request: Request, session: Session = Depends(db_session)) -> User | None:
    """The signed-in user (session cookie or Bearer token), or None for an anonymous visitor.

    A session whose second factor is still to be given counts as anonymous here; its user is
    available as ``pending_user`` for the TOTP step and the enrolment pages only.
    """
    if not hasattr(request.state, "user"):
        request.state.user = _resolve_user(request, session)
    user: User | None = request.state.user
    return user


def pending_user(request: Request, session: Session = Depends(db_session)) -> User | None:
    """The user of a session that has given the password but not yet the second factor."""
    current_user(request, session)
    pending: User | None = getattr(request.state, "pending_user", None)
    return pending


def municipality_name(request: Request) -> str:
    """The municipality's name as stored by `trygg init` (the municipality area), else the setting.

    Looked up at most every ``_MUNICIPALITY_TTL`` seconds per app (every page shows it)."""
    import time

    from trygg.storage import areas as area_store

    cached = getattr(request.app.state, "municipality_name", None)
    if cached is not None and time.monotonic() - cached[1] < _MUNICIPALITY_TTL:
        return str(cached[0])
    with get_database(request).session() as s:
        muni = area_store.municipality(s)
        name = muni.name if muni is not None else get_settings(request).municipality_name
    request.app.state.municipality_name = (name, time.monotonic())
    return name


_MUNICIPALITY_TTL = 30.0

"""The FastAPI application factory: one app serving pages, the JSON API and Open311."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute

from trygg import __version__
from trygg.config import Settings, resolve_audit_key
from trygg.domain import clock
from trygg.errors import ConfigError
from trygg.jobs.worker import BackgroundWorker
from trygg.storage import audit
from trygg.storage.database import Database
from trygg.web import anchor_timer
from trygg.web.csrf import CSRFMiddleware
from trygg.web.errors import UnexpectedErrorMiddleware, install_error_handlers
from trygg.web.json_depth import JsonDepthMiddleware
from trygg.web.lang import LanguageCookieMiddleware
from trygg.web.proxies import TrustedProxyMiddleware
from trygg.web.ratelimit import RateLimiter
from trygg.web.route_index import prefilter_all
from trygg.web.security import SecurityHeadersMiddleware

STATIC = Path(__file__).parent / "static"

IDLE_EXIT_S = 2.0  # a worker loop started by an enqueue outside the server's lifespan (tests) stops when idle
API_DESCRIPTION = """Trygg's JSON API. Authenticate with `Authorization: Bearer <token>`
(`trygg tokens create --user NAME`). Every error has the shape
`{"error": {"code", "message", "details"}}`; `details` maps field names to messages for 422."""


def _audit_key(settings: Settings, db: Database) -> bytes:
    """The audit key named by `settings`, else the database's own (environment, key file, secret key)."""
    if settings.audit_key or settings.audit_key_file:
        return resolve_audit_key(settings)
    try:
        return db.audit_key
    except ConfigError:
        return resolve_audit_key(settings)


@asynccontextmanager
async def _notification_sender(app: FastAPI) -> AsyncIterator[None]:
    """Run the e-mail sender (`trygg.notify.sender`) beside the server while it serves."""
    from trygg.web.notify import sender_thread

    thread = sender_thread(app.state.settings, app.state.db)
    if thread is not None:
        thread.start()
    try:
        yield
    finally:
        if thread is not None:
            thread.stop()


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """What runs beside the server: the e-mail sender and the periodic audit anchor."""
    async with _notification_sender(app), anchor_timer.lifespan(app):
        yield


def create_app(settings: Settings | None = None, db: Database | None = None, *,
               check_schema: bool = True) -> FastAPI:
    """Build the app for `settings` (from the environment by default) on database `db`."""
    settings = settings or Settings.from_env()
    if settings.pinned_today():
        clock.pin(settings.pinned_today())
    db = db or Database(settings.database_url)
    db.check_connection()
    db.check_durability()
    if check_schema and not db.is_up_to_date():
        raise ConfigError(
            f"The database {db.display_url} is not at the current schema version.",
            hint=f"Run 'trygg db upgrade --db {db.display_url}' first.",
        )
    db.audit_key = _audit_key(settings, db)
    with db.session() as s:
        audit.check_key(s, db.audit_key)  # a wrong key would break the chain at the next entry
    from trygg.web import jobs as _job_kinds  # noqa: F401  registers the job handlers

    jobs = BackgroundWorker(db, idle_exit_s=IDLE_EXIT_S)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.run_jobs:
            jobs.start()
        try:
            async with _notification_sender(_app), anchor_timer.lifespan(_app):
                yield
        finally:
            jobs.stop()

    app = FastAPI(title="Trygg", version=__version__, description=API_DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json")
    app.state.settings = settings
    app.state.db = db
    app.state.secret = settings.resolved_secret()
    app.state.rate_limiter = RateLimiter(db)
    app.state.jobs = jobs if settings.run_jobs else None

    install_error_handlers(app)
    app.add_middleware(UnexpectedErrorMiddleware)  # innermost: a route's crash keeps the connection
    app.add_middleware(JsonDepthMiddleware)
    app.add_middleware(CSRFMiddleware, secret=app.state.secret, secure=settings.cookies_secure)
    app.add_middleware(LanguageCookieMiddleware, secure=settings.cookies_secure)
    app.add_middleware(SecurityHeadersMiddleware, tile_url=settings.tile_url)
    app.add_middleware(TrustedProxyMiddleware, trusted_proxies=settings.trusted_proxies)  # outermost
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    app.router.routes.extend(_feature_routes())
    return app


@cache
def _feature_routes() -> tuple[BaseRoute, ...]:
    """Every feature's routes, included once per process and shared by every app the process makes.

    FastAPI works out a route's request handling (its dependencies, from the endpoint's signature) when
    an app first matches a request against it, once per app; with the routes included here that work
    is done once per process. A server makes one app; the test suite makes one per test (with each app
    including the routers itself, the first requests of a test took 0.1–0.35 s more).
    """
    holder = FastAPI(docs_url=None, redoc_url=None, openapi_url=None).router  # an app's router settings
    # Routers, one per page group or API resource. Feature work adds its line here.
    from trygg.web import open311  # intake
    from trygg.web.account import auth as auth_routes
    from trygg.web.account import email as account_email_routes
    from trygg.web.account import invitation as invitation_routes
    from trygg.web.account import pages as account_routes
    from trygg.web.admin import categories as admin_category_routes
    from trygg.web.admin import notifications as notification_routes
    from trygg.web.admin import pages as admin_routes
    from trygg.web.admin import publication as publication_admin_routes
    from trygg.web.admin import setup as admin_setup_routes
    from trygg.web.fieldwork import api as api_fieldwork
    from trygg.web.fieldwork import outreach as outreach_routes
    from trygg.web.fieldwork import pages as fieldwork_routes
    from trygg.web.fieldwork import premises as premises_routes
    from trygg.web.fieldwork import walks as walk_routes
    from trygg.web.fieldwork import watch as watch_routes
    from trygg.web.home import pages as home_routes
    from trygg.web.imports import api as api_imports
    from trygg.web.imports import pages as import_routes
    from trygg.web.inbox import api as api_actions  # inbox and notifications
    from trygg.web.inbox import pages as inbox_routes
    from trygg.web.lagesbild import api as api_lagesbild  # lägesbild
    from trygg.web.lagesbild import areas as area_routes
    from trygg.web.lagesbild import areas_api as api_areas
    from trygg.web.lagesbild import pages as lagesbild_routes
    from trygg.web.lagesbild import pdf as lagesbild_pdf_routes
    from trygg.web.meetings import est_groups as est_group_routes
    from trygg.web.meetings import pages as meeting_routes
    from trygg.web.meta import api as api_meta
    from trygg.web.meta import docs as api_docs
    from trygg.web.plans import api as api_plans
    from trygg.web.plans import edit as plan_edit_routes
    from trygg.web.plans import followup as followup_routes
    from trygg.web.plans import followup_api as api_followup  # plans and follow-up
    from trygg.web.plans import pages as plan_routes
    from trygg.web.plans import promise as promise_routes
    from trygg.web.public import api as api_public
    from trygg.web.public import pages as public_routes
    from trygg.web.reports import api as api_reports
    from trygg.web.reports import detail as report_page_routes
    from trygg.web.reports import reporting as reporting_routes
    from trygg.web.reports import resident as resident_routes
    from trygg.web.reports import triage as triage_routes

    for module in (api_meta, api_docs, api_areas, api_reports, auth_routes, home_routes,
                   account_routes, admin_routes, admin_setup_routes, admin_category_routes, api_public, public_routes,
                   api_fieldwork, fieldwork_routes, walk_routes, premises_routes, watch_routes, outreach_routes,
                   api_imports, open311, reporting_routes, resident_routes, triage_routes, import_routes,
                   api_lagesbild, lagesbild_routes, lagesbild_pdf_routes, meeting_routes, est_group_routes,
                   area_routes, invitation_routes,
                   api_plans, api_followup, plan_routes, plan_edit_routes, followup_routes, promise_routes,
                   api_actions, inbox_routes, report_page_routes, notification_routes,
                   account_email_routes, publication_admin_routes):
        holder.include_router(module.router)
    prefilter_all(holder.routes)  # a request asks only the routers its path could reach
    return tuple(holder.routes)


def app_from_env() -> FastAPI:
    """The app for `uvicorn --factory` (``trygg serve --workers N``): settings from the environment."""
    app = create_app(Settings.from_env())
    settle_heap()
    return app


def settle_heap() -> None:
    """Take what start-up made (modules, routes, table metadata: several hundred thousand objects) out of
    the garbage collector's full passes (`gc.freeze`), in a server process once its app is built.

    Each full pass walked all of it: a pause of 100 ms or more in whichever request set it off
    (`GET /healthz` under load: p99 166 ms with, 42 ms without). Objects made later are collected as
    before. Not for the test suite, which builds an app per test: frozen objects are never freed."""
    gc.collect()
    gc.freeze()

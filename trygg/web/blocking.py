"""Blocking work of `async def` endpoints, off the event loop.

An endpoint that must ``await`` something (``request.form()``, an upload) but then talks to the
database hands the synchronous part to `run_blocking`: it runs in the threadpool, like a plain
``def`` endpoint, so a query waiting on a lock never stalls the event loop (and with it every
other request, including the clean-up of the request that holds the lock). When the work raises,
its transaction is ended at once — before the error travels on — so that no row lock (PostgreSQL)
or write lock (SQLite) is held while the error answer is made::

    @router.post("/things")
    async def create_thing(request: Request, session: Session = Depends(db_session)) -> Response:
        form = await request.form()
        return await run_blocking(session, _create_thing, request, session, dict(form))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

P = ParamSpec("P")
T = TypeVar("T")


def end_transaction_on_error(session: Session, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Call `fn`; if it raises, end the session's transaction (releasing its locks) and re-raise.

    ``close()`` rather than ``rollback()``: it rolls back just the same but leaves the loaded
    objects readable (not expired), so the error page can still show the signed-in user."""
    try:
        return fn(*args, **kwargs)
    except BaseException:
        session.close()
        raise


async def run_blocking(session: Session, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` in the threadpool, with `end_transaction_on_error` around it."""
    def call() -> T:
        return end_transaction_on_error(session, fn, *args, **kwargs)

    return await run_in_threadpool(call)


async def read_form(request: Request) -> FormData:
    """The request's form, read on the event loop: a dependency that lets an endpoint that needs the
    form be a plain ``def`` (run in the threadpool) — ``form: FormData = Depends(read_form)``."""
    return await request.form()

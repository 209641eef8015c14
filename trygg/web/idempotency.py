"""Idempotent create endpoints: a retried request never creates a second object.

Use it in ANY endpoint that creates something (reports, Open311 requests, walk observations, …)::

    from trygg.web.idempotency import idempotent

    @router.post("/api/v1/things", status_code=201)
    def create_thing(request: Request, body: ThingIn, user: User = Depends(require_user),
                     session: Session = Depends(db_session)) -> Response:
        def create() -> tuple[int, dict[str, Any]]:
            thing = thing_store.create(session, ...)      # flush, do NOT commit
            return 201, thing_json(thing)

        return idempotent(request, session, scope=f"user:{user.id} POST /api/v1/things",
                          payload=body.model_dump(mode="json"), create=create)

What it does, given the request header ``Idempotency-Key`` (1–200 printable ASCII characters):

- no header: `create()` runs, the session is committed and its answer returned (plain behaviour);
- a new key: `create()` runs; its answer is stored with the key *in the same transaction* as the
  object, then committed — so the object and the stored answer exist together or not at all;
- the same key and the same `payload` again (in the same `scope`): nothing runs, the first answer
  is returned with the same status and body, and the header ``Idempotent-Replayed: true``;
- the same key with a different `payload`: 422 (field ``Idempotency-Key``) saying the key was used
  for another request — pick a new key for a new request;
- two requests with the same new key at the same moment: the database's unique constraint lets
  one win; the other is rolled back and answered with the winner's stored answer.

Errors raised by `create()` (e.g. ValidationError → 422) are not stored: a corrected retry may
reuse the key. `scope` should name the caller and the operation (``"user:12 POST /api/v1/reports"``,
``"open311:3 POST requests"``) so that keys of different callers never collide. `render` turns the
stored body into a response (default JSON); pass your own for XML.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trygg.errors import ValidationError
from trygg.storage import intake as intake_store

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


def request_hash(payload: Any) -> str:
    """A stable hash of a JSON-able payload (key order does not matter)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _json(status: int, body: Any, headers: dict[str, str]) -> Response:
    return JSONResponse(body, status_code=status, headers=headers)


def idempotency_key(request: Request) -> str | None:
    """The request's Idempotency-Key, validated; None when absent."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 200 or not key.isascii() or not key.isprintable():
        raise ValidationError("The Idempotency-Key header is not valid.",
                              fields={HEADER: "1–200 printable ASCII characters, e.g. a UUID"})
    return key


def idempotent(request: Request, session: Session, *, scope: str, payload: Any,
               create: Callable[[], tuple[int, Any]],
               render: Callable[[int, Any, dict[str, str]], Response] = _json) -> Response:
    """Run `create` at most once per (scope, Idempotency-Key); see the module docstring."""
    key = idempotency_key(request)
    if key is None:
        status, body = create()
        session.commit()
        return render(status, body, {})
    scope = scope[:120]
    digest = request_hash(payload)
    stored = intake_store.find_idempotency(session, scope, key)
    if stored is None:
        status, body = create()
        try:
            intake_store.store_idempotency(session, scope, key, digest, status,
                                           json.dumps(body, ensure_ascii=False, default=str))
            session.commit()
            return render(status, body, {})
        except IntegrityError:
            session.rollback()  # a concurrent request with the same key won: answer as it did
            stored = intake_store.find_idempotency(session, scope, key)
            if stored is None:
                raise
    if stored.request_hash != digest:
        raise ValidationError(
            "This Idempotency-Key was already used for a different request.",
            fields={HEADER: "already used with another request body; use a new key for a new request"})
    return render(stored.status_code, json.loads(stored.response_body), {REPLAYED: "true"})

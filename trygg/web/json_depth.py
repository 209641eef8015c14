"""Refuse a JSON body nested more deeply than any Trygg request needs, before it is parsed.

Python's JSON decoder recurses once per level: a body of 5,000 nested brackets is refused by it only at
the interpreter's recursion limit, after running that close to the limit. Anything else that runs there
(the garbage collector's finalizers, logging) can fail with a RecursionError of its own. No request body
of Trygg's API nests deeper than a few levels, so a body deeper than `MAX_DEPTH` is answered with a 422
in the API's error shape, naming the field ``body`` (as a body the API cannot read is answered), and never
reaches the decoder.
"""

from __future__ import annotations

import re

import numpy as np
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trygg.web.errors import render_error

MAX_DEPTH = 64
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_OPEN = np.zeros(256, dtype=np.int8)
_OPEN[[ord("["), ord("{")]] = 1
_OPEN[[ord("]"), ord("}")]] = -1


def nesting_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (brackets inside strings do not count).

    >>> nesting_depth(b'{"a": [1, {"b": "[[["}]}'), nesting_depth(b"[]"), nesting_depth(b"1")
    (3, 1, 0)
    """
    steps = _OPEN[np.frombuffer(_STRING.sub(b"", body), dtype=np.uint8)].astype(np.int64)
    return int(np.cumsum(steps).max()) if steps.size else 0


class JsonDepthMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        ctype = dict(scope.get("headers") or []).get(b"content-type", b"").lower()
        if b"json" not in ctype:
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        body = bytearray()
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        if body.count(b"[") + body.count(b"{") > MAX_DEPTH and nesting_depth(bytes(body)) > MAX_DEPTH:
            response = render_error(Request(scope), 422, "validation_error",
                                    "The request has invalid or missing fields.",
                                    {"body": f"The JSON is nested more than {MAX_DEPTH} levels deep."})
            await response(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

"""Remember a language chosen with ?lang= in a cookie."""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trygg.web.deps import LANG_COOKIE, language
from trygg.web.i18n import LANGUAGES


def lang_of(request: Request) -> str:
    return language(request)


class LanguageCookieMiddleware:
    def __init__(self, app: ASGIApp, secure: bool = True) -> None:
        self.app = app
        self.flags = "; Secure" if secure else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chosen = Request(scope).query_params.get("lang")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and chosen in LANGUAGES:
                MutableHeaders(scope=message).append(
                    "set-cookie", f"{LANG_COOKIE}={chosen}; Path=/; Max-Age=31536000; SameSite=Lax{self.flags}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)

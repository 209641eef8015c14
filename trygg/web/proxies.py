"""The client's address behind a reverse proxy, believed only from proxies named in TRYGG_TRUSTED_PROXIES.

``X-Forwarded-For`` is a header anyone can send. When the connecting address is one of the trusted
proxies, the client is the right-most address in the header that is not itself a trusted proxy,
and ``X-Forwarded-Proto`` gives the scheme; from anyone else both headers are ignored. Everything
that needs the client's address (rate limits, the sign-in trail) reads ``request.client``, which
this middleware sets. The server itself (`trygg serve`) runs uvicorn without its own proxy
handling, so that this is the one place that decides.
"""

from __future__ import annotations

import ipaddress

from starlette.types import ASGIApp, Receive, Scope, Send

from trygg.config import proxy_networks

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(value: str, networks: list[Network]) -> bool:
    address = _address(value)
    return address is not None and any(address in net for net in networks)


def forwarded_client(peer: str, forwarded_for: str, networks: list[Network]) -> str:
    """The client's address: `peer`, or — when `peer` is a trusted proxy — the right-most untrusted
    address of `forwarded_for`.

    >>> nets = proxy_networks("10.0.0.0/8")
    >>> forwarded_client("10.0.0.2", "203.0.113.9, 10.0.0.7", nets), forwarded_client("192.0.2.1", "1.2.3.4", nets)
    ('203.0.113.9', '192.0.2.1')
    """
    if not networks or not _trusted(peer, networks) or not forwarded_for.strip():
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if _address(hop) is None:
            return peer  # a garbled header: believe nothing in it
        if not _trusted(hop, networks):
            return str(_address(hop))
    return str(_address(hops[0])) if hops else peer


class TrustedProxyMiddleware:
    def __init__(self, app: ASGIApp, trusted_proxies: str = "") -> None:
        self.app = app
        self.networks = proxy_networks(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.networks and scope.get("client"):
            peer, port = scope["client"]
            if _trusted(peer, self.networks):
                headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
                client = forwarded_client(peer, headers.get("x-forwarded-for", ""), self.networks)
                scope = dict(scope, client=(client, port))
                proto = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
                if proto in ("http", "https"):
                    scope["scheme"] = proto if scope["type"] == "http" else ("wss" if proto == "https" else "ws")
        await self.app(scope, receive, send)

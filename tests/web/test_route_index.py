"""The route index: a request reaches the same route as without it, for every route of the app."""

from __future__ import annotations

import re

import pytest
from starlette.routing import BaseRoute, Match, Route

from trygg.web.app import _feature_routes
from trygg.web.route_index import can_match, starts_of, static_start


def _scope(path: str, method: str = "GET") -> dict[str, object]:
    return {"type": "http", "path": path, "method": method, "root_path": "", "headers": [], "query_string": b""}


def _first(routes: tuple[BaseRoute, ...], scope: dict[str, object], *, indexed: bool) -> tuple[int, Match]:
    """The router a request is handled by (the first full match, else the first partial one), as
    Starlette's router picks it; `indexed` False asks every router the way FastAPI does."""
    partial = -1
    for i, route in enumerate(routes):
        match, _ = route.matches(scope) if indexed else type(route).matches(route, scope)
        if match == Match.FULL:
            return i, match
        if match == Match.PARTIAL and partial < 0:
            partial = i
    return partial, Match.PARTIAL if partial >= 0 else Match.NONE


def _example(path: str) -> str:
    """A concrete path for a route's pattern: every parameter filled in by its kind."""
    return re.sub(r"\{(\w+)(?::(\w+))?\}", lambda m: {"int": "7", "path": "a/b"}.get(m.group(2) or "", "x7"), path)


def _every_path() -> list[tuple[str, str]]:
    out = []
    for router in _feature_routes():
        for route in router.original_router.routes:  # type: ignore[attr-defined]
            assert isinstance(route, Route)
            for method in sorted(route.methods or {"GET"}):
                out.append((_example(route.path), method))
    return out


def test_static_starts() -> None:
    assert static_start("/api/v1/reports/{report_id}") == ("api", "v1", "reports")
    assert static_start("/") == ("",)
    assert static_start("/{anything:path}") == ()
    starts = starts_of([Route("/plans/{n:int}", lambda r: None), Route("/", lambda r: None)])
    assert starts is not None
    assert can_match(starts, "/plans/2") and can_match(starts, "/") and can_match(starts, "/plans")
    assert not can_match(starts, "/inbox") and not can_match(starts, "/plansx/2")


def test_every_route_of_the_app_is_reached_as_without_the_index() -> None:
    routes = _feature_routes()
    paths = _every_path()
    assert len(paths) > 250
    for path, method in paths:
        for variant in (path, path.rstrip("/") + "/", path + "/extra"):
            for m in (method, "PATCH"):  # a method the route may not have: 405 decided the same way
                scope = _scope(variant, m)
                assert _first(routes, scope, indexed=True) == _first(routes, scope, indexed=False), (variant, m)


@pytest.mark.parametrize("path", ["/", "/nothing-here", "/api", "/api/v1", "/api/v1/nothing", "/static/x.css",
                                  "//double", "/lagesbild/", "/%C3%A5"])
def test_paths_without_a_route_or_odd_ones_are_answered_the_same(path: str) -> None:
    routes = _feature_routes()
    scope = _scope(path)
    assert _first(routes, scope, indexed=True) == _first(routes, scope, indexed=False)

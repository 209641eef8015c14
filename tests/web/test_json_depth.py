"""A JSON body nested deeper than any request needs is refused before it is parsed (422, the field
``body``, in the error shape);
a body within the limit, or brackets inside strings, pass."""

from __future__ import annotations

from typing import Any

from trygg.web.json_depth import MAX_DEPTH, nesting_depth


def test_a_deeply_nested_body_is_a_400_and_stores_nothing(api: Any) -> None:
    c = api("rapportor")
    for body in (b"[" * 5000 + b"]" * 5000, b'{"category": ' + b'{"a":' * 100 + b"1" + b"}" * 100 + b"}"):
        r = c.post("/api/v1/reports", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        assert error["code"] == "validation_error" and str(MAX_DEPTH) in error["details"]["body"]
    listed = c.get("/api/v1/reports").json()
    # within the limit the body reaches validation as before: field messages, not a parse error
    r = c.post("/api/v1/reports", json={"category": [[["x"]]], "description": "[" * 200})
    assert r.status_code == 422 and "category" in r.json()["error"]["details"]
    assert c.get("/api/v1/reports").json()["total"] == listed["total"]


def test_nesting_depth_ignores_brackets_in_strings() -> None:
    assert nesting_depth(b'{"a": "[[[[{{{{\\"[[["}') == 1
    assert nesting_depth(b"[" * 70 + b"]" * 70) == 70
    assert nesting_depth(b"") == 0

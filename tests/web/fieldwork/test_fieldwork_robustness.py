"""The walk-observation and night-shift APIs under bad input, found by tests/reliability: deeply
nested JSON was a 500 (RecursionError), a NUL in a note was stored or a 500; both are now a 422 in
the API's error shape, with the field named."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import World

OBS = {"item": "lighting", "lon": 12.27, "lat": 58.285, "note": "Lampan är trasig.",
       "observed_at": "2024-05-03T19:30:00+02:00"}


@pytest.fixture
def walk_url(api, world: World) -> str:
    boss = api("samordnare")
    r = boss.post("/api/v1/walks", json={"title": "Trygghetsrond Centrum", "planned_for": "2024-05-03T18:00:00+02:00",
                                         "area_id": world.area_ids["T001"]})
    assert r.status_code == 201, r.text
    return f"/api/v1/walks/{r.json()['id']}/observations"


def _error(r: Any) -> dict[str, Any]:
    assert r.status_code == 422, r.text[:300]
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    details: dict[str, Any] = body["error"]["details"]
    return details


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000,
                                  b'{"item": ' + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"}",
                                  b'{"item": "lighting", "x": ' + b"[" * 3000 + b"]" * 3000 + b"}"])
def test_deeply_nested_json_is_a_422_not_a_500(api, walk_url: str, body: bytes) -> None:
    r = api("samordnare").post(walk_url, content=body, headers={"Content-Type": "application/json",
                                                                "Idempotency-Key": "k-nested-01"})
    assert "body" in _error(r) or "item" in _error(r)


@pytest.mark.parametrize("change,field", [({"lon": "abc"}, "location"), ({"lat": None}, "location"),
                                          ({"item": 12345}, "item"), ({"note": ["a"]}, "note"),
                                          ({"observed_at": "yesterday"}, "observed_at"),
                                          ({"observed_at": 1700000000}, "observed_at"),
                                          ({"note": "nul\x00byte"}, "note"), ({"item": "x" * 500}, "item")])
def test_each_bad_field_is_named(api, walk_url: str, change: dict[str, Any], field: str) -> None:
    r = api("samordnare").post(walk_url, json={**OBS, **change}, headers={"Idempotency-Key": "k-bad-field-1"})
    assert field in _error(r)


def test_non_objects_and_broken_json_are_a_body_error(api, walk_url: str) -> None:
    c = api("samordnare")
    for content in (b"[]", b"null", b"42", b'{"item": ', b"\xff\xfe"):
        r = c.post(walk_url, content=content, headers={"Content-Type": "application/json",
                                                       "Idempotency-Key": "k-broken-01"})
        assert "body" in _error(r), content
    ok = c.post(walk_url, json={**OBS, "lon": "12.27"}, headers={"Idempotency-Key": "k-good-0001"})
    assert ok.status_code == 201 and ok.json()["lon"] == 12.27  # numbers as strings still read, as before


def test_a_nul_in_a_night_shift_observation_is_a_422(api) -> None:
    c = api("samordnare")
    shift = c.post("/api/v1/night-shifts", json={"starts_at": "2024-05-03T21:00:00+02:00",
                                                 "ends_at": "2024-05-04T02:00:00+02:00", "walkers": 4})
    assert shift.status_code == 201, shift.text
    r = c.post(f"/api/v1/night-shifts/{shift.json()['id']}/observations",
               json={"category": "disorder", "description": "Grupp\x00 vid torget", "lon": 12.29, "lat": 58.285,
                     "occurred_at": "2024-05-03T23:10:00+02:00"})
    assert "description" in _error(r)

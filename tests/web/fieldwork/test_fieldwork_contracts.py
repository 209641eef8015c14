"""One input contract per field-work entity: the page and the API answer the same bad input with
the same field messages (the page shows them beside the fields, in its language, values kept)."""

from __future__ import annotations

from html import escape
from typing import Any

import pytest

from trygg.web.i18n import gettext_for

BAD_WALK = {"title": "", "planned_for": "igår", "area_id": "x", "route": "nonsense", "activity_id": "y"}
BAD_SHIFT = {"starts_at": "igår", "ends_at": "", "walkers": "många", "area_id": "x"}
BAD_SHIFT_OBS = {"category": "disorder", "lon": "", "lat": "x", "occurred_at": "igår", "insecurity": "mycket"}


def _api_fields(r: Any) -> dict[str, str]:
    assert r.status_code == 422, r.text[:300]
    details: dict[str, str] = r.json()["error"]["details"]
    return details


def _shown(page: Any, fields: dict[str, str]) -> None:
    """Every API message is on the page, translated, next to its field (`err-<field>`)."""
    assert page.status_code == 422, page.text[:300]
    sv = gettext_for("sv")
    for field, message in fields.items():
        assert sv(message) != message, f"{message!r} has no Swedish translation"
        assert f'id="err-{field}">{escape(sv(message), quote=False)}<' in page.text, (field, message)


def test_a_bad_walk_gets_the_same_field_messages_from_the_page_and_the_api(login, api) -> None:
    fields = _api_fields(api("samordnare").post("/api/v1/walks", json=BAD_WALK))
    assert set(fields) == {"title", "planned_for", "area_id", "route", "activity_id"}
    page = login("samordnare").post("/fieldwork/walks", data=BAD_WALK)
    _shown(page, fields)
    assert 'value="nonsense"' in page.text or ">nonsense<" in page.text  # the values are kept


def test_a_bad_shift_gets_the_same_field_messages_from_the_page_and_the_api(login, api) -> None:
    fields = _api_fields(api("samordnare").post("/api/v1/night-shifts", json=BAD_SHIFT))
    assert set(fields) == {"starts_at", "ends_at", "walkers", "area_id"}
    page = login("samordnare").post("/fieldwork/shifts", data=BAD_SHIFT)
    _shown(page, fields)
    assert 'value="många"' in page.text  # the values are kept


def test_a_bad_shift_observation_gets_the_same_field_messages_from_the_page_and_the_api(login, api) -> None:
    c = api("samordnare")
    shift = c.post("/api/v1/night-shifts", json={"starts_at": "2024-05-03T21:00:00+02:00",
                                                 "ends_at": "2024-05-04T02:00:00+02:00", "walkers": 4})
    assert shift.status_code == 201, shift.text
    sid = shift.json()["id"]
    fields = _api_fields(c.post(f"/api/v1/night-shifts/{sid}/observations", json=BAD_SHIFT_OBS,
                                headers={"Idempotency-Key": "k-contract-1"}))
    assert set(fields) == {"location", "occurred_at", "insecurity"}
    page = login("samordnare").post(f"/fieldwork/shifts/{sid}/observations", data=BAD_SHIFT_OBS)
    _shown(page, fields)


@pytest.mark.parametrize("naive", ["2024-05-03T19:00", "2024-05-03 19:00"])
def test_a_time_without_a_zone_is_swedish_time_on_the_page_and_refused_by_the_api(login, api, naive: str) -> None:
    fields = _api_fields(api("samordnare").post("/api/v1/walks", json={"title": "Rond", "planned_for": naive}))
    assert fields == {"planned_for": "Give the date and time with a time zone."}
    r = login("samordnare").post("/fieldwork/walks", data={"title": "Rond", "planned_for": naive},
                                 follow_redirects=False)
    assert r.status_code == 303
    walk = api("samordnare").get(r.headers["location"].replace("/fieldwork/", "/api/v1/")).json()
    assert walk["planned_for"].startswith("2024-05-03T17:00")  # 19:00 in Stockholm (summer time)


def test_an_unknown_organiser_is_a_field_message_on_both_surfaces(login, api) -> None:
    bad = {"title": "Rond", "planned_for": "2024-05-03T19:00:00+02:00", "organiser_id": "99999"}
    fields = _api_fields(api("samordnare").post("/api/v1/walks", json=bad))
    assert fields == {"organiser_id": "No such organisation."}
    _shown(login("samordnare").post("/fieldwork/walks", data=bad), fields)

"""The field-work input contracts read a JSON body and a posted form alike."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from trygg.errors import ValidationError
from trygg.fieldwork.contracts import ShiftCreate, ShiftObservationCreate, WalkCreate

STOCKHOLM = {"timezone": ZoneInfo("Europe/Stockholm")}


def _fields(model: type, data: object, context: dict[str, object] | None = None) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data, context=context)  # type: ignore[attr-defined]
    return caught.value.fields


def test_a_walk_reads_the_same_from_json_and_from_a_form() -> None:
    json_body = WalkCreate.model_validate({
        "title": " Rond ", "planned_for": "2024-05-03T19:00:00+02:00", "area_id": 3,
        "route": {"type": "LineString", "coordinates": [[12.26, 58.28], [12.27, 58.28]]},
        "organisation_ids": [2, 5], "resident_groups": ["Hyresgästerna"], "activity_id": None})
    form = WalkCreate.model_validate({
        "title": "Rond", "planned_for": "2024-05-03T19:00", "area_id": "3", "route": "[[12.26, 58.28], [12.27, 58.28]]",
        "organisation_ids": ["2", "5"], "resident_groups": "Hyresgästerna\r\n\r\n", "activity_id": "",
        "checklist": [], "csrf_token": "x"}, context=STOCKHOLM)
    assert json_body == form
    assert form.planned_for == datetime(2024, 5, 3, 17, 0, tzinfo=UTC)
    assert form.route == [[12.26, 58.28], [12.27, 58.28]] and form.checklist is None


def test_every_bad_walk_field_is_reported_at_once_with_the_page_messages() -> None:
    fields = _fields(WalkCreate, {"title": "x" * 201, "planned_for": "igår", "area_id": "två",
                                  "organisation_ids": ["1", "en"], "notes": 5, "route": "[[1, 2]]"})
    assert fields == {"title": "Give the walk a name of 1–200 characters.",
                      "planned_for": "Give a date and time (YYYY-MM-DD HH:MM).", "area_id": "Give a whole number.",
                      "organisation_ids": "Give a whole number.", "notes": "Give a text.",
                      "route": "Give 2–2000 points; got 1."}
    assert _fields(WalkCreate, ["not", "an", "object"]) == {"body": "Send an object with the fields."}


def test_a_naive_time_needs_the_pages_time_zone() -> None:
    assert _fields(ShiftCreate, {"starts_at": "2024-05-03T21:00", "ends_at": "2024-05-04T02:00+02:00",
                                 "walkers": 4}) == {"starts_at": "Give the date and time with a time zone."}
    shift = ShiftCreate.model_validate({"starts_at": "2024-05-03T21:00", "ends_at": "2024-05-04T02:00",
                                        "walkers": "4"}, context=STOCKHOLM)
    assert shift.starts_at == datetime(2024, 5, 3, 19, 0, tzinfo=UTC) and shift.walkers == 4


def test_a_shift_observation_places_both_coordinates_under_location() -> None:
    assert _fields(ShiftObservationCreate, {"category": "disorder", "lon": "", "lat": "58.28"}) == {
        "location": "Place it on the map."}
    form = ShiftObservationCreate.model_validate({"category": "disorder", "lon": "12,27", "lat": "58.285",
                                                  "insecurity": "3"}, context={"form": True})
    assert (form.lon, form.lat, form.insecurity, form.occurred_at) == (12.27, 58.285, 3, None)
    ok = ShiftObservationCreate.model_validate({"category": "disorder", "lon": 12.27, "lat": 58.285,
                                                "insecurity": 3.0})
    assert (ok.lon, ok.lat, ok.insecurity, ok.occurred_at) == (12.27, 58.285, 3, None)


def test_a_decimal_comma_is_a_form_s_not_json_s() -> None:
    """A form may write "12,5"; in a JSON body that is a string that is no number (the API's bad-input flood
    sends it and expects a 422)."""
    assert _fields(ShiftObservationCreate, {"category": "disorder", "lon": "12,27", "lat": 58.285}) == {
        "location": "Give a number."}


def test_a_route_nested_too_deep_is_a_field_message_not_a_crash() -> None:
    fields = _fields(WalkCreate, {"title": "Rond", "planned_for": "2024-05-03T19:00:00+02:00",
                                  "route": "[" * 100_000 + "]" * 100_000})
    assert fields == {"route": "Draw the route on the map, or give a GeoJSON LineString of [lon, lat] points."}


def test_a_list_where_one_value_belongs_is_refused() -> None:
    assert _fields(ShiftObservationCreate, {"category": ["disorder"], "description": ["a"], "lon": [12.2],
                                            "lat": 58.2, "insecurity": [3], "occurred_at": ["2024-05-03"]}) == {
        "category": "Give a text.", "description": "Give a text.", "location": "Give a number.",
        "insecurity": "Give a whole number.", "occurred_at": "Give a date and time (YYYY-MM-DD HH:MM)."}

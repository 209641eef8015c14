"""'Use my position' says where the position is: the district and the nearest known place."""

from __future__ import annotations

from typing import Any

from tests.factories import World
from trygg.storage.database import Database
from trygg.storage.schema import Place


def test_a_position_is_named_by_its_district_and_nearest_place(client: Any, database: Database,
                                                               world: World) -> None:
    with database.session() as s:
        s.add(Place(name="Drottningtorget", kind="place", lon=12.271, lat=58.2851, area_id=world.area_ids["T001"]))
        s.add(Place(name="Kronogårds torg", kind="place", lon=12.29, lat=58.285, area_id=world.area_ids["T002"]))
        s.commit()
    r = client.get("/api/v1/where", params={"lon": 12.27, "lat": 58.285})
    assert r.status_code == 200
    body = r.json()
    assert body["area"] == {"id": world.area_ids["T001"], "name": "Centrum"}
    assert body["nearest_place"]["name"] == "Drottningtorget" and 50 <= body["nearest_place"]["distance_m"] <= 70
    far = client.get("/api/v1/where", params={"lon": 14.0, "lat": 59.0}).json()
    assert far == {"inside_municipality": False, "area": None, "nearest_place": None}
    bad = client.get("/api/v1/where", params={"lon": 500, "lat": 58.0})
    assert bad.status_code == 422 and "lon" in bad.json()["error"]["details"]

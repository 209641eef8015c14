"""The action plan API: the whole lifecycle as a coordinator and three signatories would use it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import World
from tests.plans.conftest import add_reports, add_signatories
from trygg.storage.database import Database


def _draft(api, world: World) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    c = api("samordnare")
    r = c.post("/api/v1/plans", json={"year": 2025, "title": "Åtgärdsplan 2025"})
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["status"] == "draft" and plan["evidence_as_of"]
    fa = c.post(f"/api/v1/plans/{plan['id']}/focus-areas",
                json={"title": "Skadegörelse", "categories": ["vandalism"], "target_area_types": [1, 2]}).json()
    act = c.post(f"/api/v1/plans/{plan['id']}/activities",
                 json={"title": "Klottersanering", "kind": "situational", "owner_ids": [world.org_ids["bostad"]],
                       "focus_area_ids": [fa["id"]], "period_start": "2025-01-01", "period_end": "2025-12-31"})
    assert act.status_code == 201 and act.json()["focus_area_ids"] == [fa["id"]]
    ind = c.post(f"/api/v1/plans/{plan['id']}/activities/{act.json()['id']}/indicators",
                 json={"name": "Skadegörelse typ 1–2", "source_kind": "report_category", "category": "vandalism",
                       "area_types": [1, 2], "baseline": 12, "target": 8})
    assert ind.status_code == 201
    return plan["id"], fa["id"], act.json()["id"]


def test_lifecycle_through_the_api(api, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    add_signatories(database, world)
    plan_id, _fa, act_id = _draft(api, world)
    c = api("samordnare")
    assert c.get(f"/api/v1/plans/{plan_id}/warnings").json() == {"warnings": []}
    assert c.post(f"/api/v1/plans/{plan_id}/status", json={"to": "signed"}).status_code == 409
    assert c.post(f"/api/v1/plans/{plan_id}/status", json={"to": "consultation"}).json()["status"] == "consultation"
    assert c.post(f"/api/v1/plans/{plan_id}/status", json={"to": "approved"}).json()["status"] == "approved"
    assert api("samordnare").post(f"/api/v1/plans/{plan_id}/sign").status_code == 403
    for username in ("lpo", "kso", "stadsdirektor"):
        r = api(username).post(f"/api/v1/plans/{plan_id}/sign")
        assert r.status_code == 200, r.text
    plan = r.json()
    assert plan["status"] == "signed"
    assert [s["signed"] for s in plan["signatures"]] == [True, True, True]
    refused = c.patch(f"/api/v1/plans/{plan_id}", json={"title": "Ändrad"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "conflict"
    assert c.post(f"/api/v1/plans/{plan_id}/focus-areas", json={"title": "X"}).status_code == 409
    html = c.get(f"/api/v1/plans/{plan_id}/export?format=html&lang=en")
    assert html.status_code == 200 and "Signatures" in html.text and "Stadsdirektör" in html.text
    amended = c.post(f"/api/v1/plans/{plan_id}/amend")
    assert amended.status_code == 201
    new = amended.json()
    assert (new["version"], new["previous_version_id"], new["status"]) == (2, plan_id, "draft")
    assert c.patch(f"/api/v1/plans/{new['id']}", json={"title": "Åtgärdsplan 2025 rev."}).status_code == 200
    diff = c.get(f"/api/v1/plans/{new['id']}/diff").json()
    assert diff["from"]["version"] == 1 and diff["changes"][0]["fields"]["title"]["new"] == "Åtgärdsplan 2025 rev."
    assert c.get(f"/api/v1/plans/{plan_id}").json()["next_version_id"] == new["id"]
    assert c.post(f"/api/v1/plans/{plan_id}/status", json={"to": "active"}).json()["status"] == "active"
    upd = c.post(f"/api/v1/activities/{act_id}/updates", json={"status": "ongoing", "note": "Startad"})
    assert upd.status_code == 201
    report = c.get(f"/api/v1/plans/{plan_id}/followup?on=2025-06-30").json()
    assert report["focus_areas"][0]["activities"][0]["status"] == "ongoing"
    assert len(c.get(f"/api/v1/plans/{plan_id}/calendar").json()["months"]) == 12


def test_invalid_input_answers_422_with_fields(api, world: World) -> None:  # type: ignore[no-untyped-def]
    plan_id, _fa, _act = _draft(api, world)
    c = api("samordnare")
    r = c.post(f"/api/v1/plans/{plan_id}/activities", json={"kind": "party", "period_start": "2025-05-01",
                                                             "period_end": "2025-01-01", "focus_area_ids": [999]})
    assert r.status_code == 422
    assert {"title", "kind", "period_end", "owner_ids"} <= set(r.json()["error"]["details"])
    bad = c.post(f"/api/v1/plans/{plan_id}/activities/{_act}/indicators", json={"name": "x", "source_kind": "survey"})
    assert bad.status_code == 422 and "survey_indicator" in bad.json()["error"]["details"]
    early = c.post("/api/v1/plans", json={"year": 2043, "as_of": "0001-10-14"})  # found by the OpenAPI fuzzing
    assert early.status_code == 422 and set(early.json()["error"]["details"]) == {"as_of"}


def test_access_rules(api, client, world: World) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/plans").status_code == 401
    assert api("rapportor").get("/api/v1/plans").status_code == 403
    assert api("lasare").post("/api/v1/plans", json={"year": 2030}).status_code == 403
    assert api("lasare").get("/api/v1/plans").status_code == 200
    assert api("samordnare").get("/api/v1/plans/9999").status_code == 404


def test_effect_evaluation_through_the_api(api, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    t0 = datetime(2022, 1, 1, 12, tzinfo=UTC)
    add_reports(database, world, "vandalism", "T001", 243, t0)  # ~10 a month to the end of 2023
    add_reports(database, world, "vandalism", "T001", 53, datetime(2024, 1, 2, 12, tzinfo=UTC), timedelta(days=7))
    add_reports(database, world, "vandalism", "T003", 365, t0)  # comparison: steady all three years
    body = {"lon": 12.27, "lat": 58.285, "place_name": "Centrum", "radius_m": 600, "start": "2024-01-01",
            "categories": ["vandalism"], "months_before": 24, "months_after": 12, "title": "Klottersanering"}
    r = api("analytiker").post("/api/v1/evaluations", json=body)
    assert r.status_code == 201, r.text
    est = r.json()["estimate"]
    assert est["found"] and est["upper"] < 1 and est["treated_after"] < est["treated_before"]
    assert "lägre än väntat" in r.json()["sentence"]["sv"]
    got = api("lasare").get(f"/api/v1/evaluations/{r.json()['id']}").json()
    assert got["estimate"]["rate_ratio"] == est["rate_ratio"]
    assert api("lasare").post("/api/v1/evaluations", json=body).status_code == 403
    bad = api("analytiker").post("/api/v1/evaluations", json={**body, "start": "2024-01-15", "categories": []})
    assert bad.status_code == 422 and {"start", "categories"} <= set(bad.json()["error"]["details"])


def test_citizen_promise_is_public_only_when_published(api, client, world: World) -> None:  # type: ignore[no-untyped-def]
    c = api("samordnare")
    p = c.post("/api/v1/promises", json={"year": 2025, "title": "Medborgarlöfte 2025"}).json()
    c.post(f"/api/v1/promises/{p['id']}/commitments", json={
        "party": "police", "text": "Mer synlig polis i Kronogården",
        "indicators": [{"name": "Skadegörelse", "source_kind": "report_category", "category": "vandalism",
                        "baseline": 5, "target": 2}]})
    assert client.get(f"/api/v1/promises/{p['id']}").status_code == 404
    c.post(f"/api/v1/promises/{p['id']}/publish", json={"publish": True})
    public = client.get(f"/api/v1/promises/{p['id']}").json()
    assert public["commitments"][0]["indicators"][0]["reading"]["value"] is not None


def test_an_evaluation_that_cannot_be_estimated_answers_422_with_the_field(api, database: Database,  # type: ignore[no-untyped-def]
                                                                           world: World) -> None:
    """Sparse data: the treated place has no report after the start (the rate ratio would be 0 and its
    interval overflowed into a 500); the answer names the field to change."""
    t0 = datetime(2022, 1, 1, 12, tzinfo=UTC)
    add_reports(database, world, "vandalism", "T001", 40, t0, timedelta(days=15))  # until mid-2023
    add_reports(database, world, "vandalism", "T003", 365, t0)  # comparison: all three years
    body = {"lon": 12.27, "lat": 58.285, "place_name": "Centrum", "radius_m": 600, "start": "2024-01-01",
            "categories": ["vandalism"], "months_before": 24, "months_after": 4}
    r = api("analytiker").post("/api/v1/evaluations", json=body)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_error"
    assert "no report after the start" in error["details"]["months_after"]

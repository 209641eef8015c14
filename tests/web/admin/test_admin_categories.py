"""The categories settings page: administrators only; field errors in both languages; a rename shows in
the forms and the lägesbild, a retired category leaves the Kontaktcenter form but keeps its counts, a
merged one is counted under its target while its reports keep their code (both backends)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.factories import World
from trygg.storage.database import Database
from trygg.storage.schema import AuditEntry, Report

PERIOD = "start=2024-04-01&end=2024-06-01"  # the world's reports (May 2024)


def _form(**changes: str) -> dict[str, str]:
    base = {"name_sv": "Nedskräpning", "name_en": "Littering", "sensitivity": "normal", "public": "1",
            "focus_areas": "", "police_types": "", "sort_order": "90"}
    return {**base, **changes}


def _counts(client: Any, query: str = PERIOD) -> dict[str, int]:
    body = client.get(f"/api/v1/lagesbild?{query}").json()
    return {c["code"]: c["current"] for c in body["categories"]}


def test_only_an_administrator_sees_or_changes_categories(login: Any, client: Any) -> None:
    coordinator = login("samordnare")
    assert coordinator.get("/admin/categories").status_code == 403
    assert coordinator.post("/admin/categories/littering/retire").status_code == 403
    assert coordinator.post("/admin/categories", data=_form(code="e_scooters")).status_code == 403
    assert client.get("/admin/categories", follow_redirects=False).status_code in (303, 401)
    admin = login("admin")
    page = admin.get("/admin/categories")
    assert page.status_code == 200 and "<code>littering</code>" in page.text
    assert "Nedskräpning" in admin.get("/admin/categories/littering").text
    assert "Nedskräpning" in coordinator.get("/api/v1/categories").text  # reading stays open to partners


def test_field_errors_in_swedish_and_english(login: Any) -> None:
    admin = login("admin")
    clash = _form(code="e_scooters", name_sv="Elsparkcyklar", name_en="E-scooters", police_types="Skadegörelse")
    sv = admin.post("/admin/categories", data=clash)
    assert sv.status_code == 422 and 'aria-invalid="true"' in sv.text
    assert "En händelsetyp från polisen hör till en enda kategori; redan kopplade: &#39;Skadegörelse&#39; → vandalism" \
        in sv.text
    en = admin.post("/admin/categories?lang=en", data={**clash, "code": "Bad Code", "focus_areas": "one"})
    assert en.status_code == 422 and "Numbers of focus areas, 1–99, separated by commas." in en.text
    edit = admin.post("/admin/categories/littering?lang=en", data=_form(name_sv=""))
    assert edit.status_code == 422 and "1–120 characters." in edit.text
    assert "<code>e_scooters</code>" not in admin.get("/admin/categories").text  # nothing stored


def test_a_rename_shows_in_the_forms_and_the_lagesbild(login: Any, client: Any) -> None:
    admin = login("admin")
    saved = admin.post("/admin/categories/littering", data=_form(name_sv="Skräp på marken", name_en="Litter"),
                       follow_redirects=False)
    assert saved.status_code == 303
    assert "Skräp på marken" in client.get("/kontakt").text
    coordinator = login("samordnare")
    assert "Skräp på marken" in coordinator.get(f"/lagesbild?{PERIOD}").text
    body = coordinator.get(f"/api/v1/lagesbild?{PERIOD}&lang=en").json()
    assert {"code": "littering", "name": "Litter"}.items() <= next(
        c for c in body["categories"] if c["code"] == "littering").items()
    assert "Litter" in login("rapportor").get("/report?lang=en").text  # the EST report form


def test_a_retired_category_leaves_the_forms_but_keeps_its_counts(login: Any, client: Any, api: Any) -> None:
    admin = login("admin")
    assert 'value="littering"' in client.get("/kontakt").text
    before = _counts(login("samordnare"))
    assert admin.post("/admin/categories/littering/retire", follow_redirects=False).status_code == 303
    assert 'value="littering"' not in client.get("/kontakt").text
    assert "littering" not in client.get("/open311/v2/services.json").text
    coordinator = login("samordnare")
    assert _counts(coordinator) == before and before["littering"] == 1
    assert _counts(coordinator, f"{PERIOD}&category=littering") == {"littering": 1}  # still a filter
    refused = api("rapportor").post("/api/v1/reports", json={
        "category": "littering", "description": "Skräp överallt", "lon": 12.2775, "lat": 58.2775,
        "occurred_from": "2026-11-20T10:00:00+01:00"})
    assert refused.status_code == 422 and "används inte längre" in refused.json()["error"]["details"]["category"]
    assert admin.post("/admin/categories/littering/restore", follow_redirects=False).status_code == 303
    assert 'value="littering"' in client.get("/kontakt").text


def test_a_merge_groups_the_counts_and_the_reports_keep_their_code(login: Any, database: Database,
                                                                   world: World) -> None:
    admin = login("admin")
    coordinator = login("samordnare")
    before = _counts(coordinator)
    assert (before["littering"], before["unsafe_place"]) == (1, 1)
    merged = admin.post("/admin/categories/littering/merge", data={"into": "unsafe_place"}, follow_redirects=False)
    assert merged.status_code == 303
    after = _counts(coordinator)
    assert "littering" not in after and after["unsafe_place"] == 2
    assert sum(after.values()) == sum(before.values())
    assert _counts(coordinator, f"{PERIOD}&category=unsafe_place") == {"unsafe_place": 2}
    page = admin.get("/admin/categories/unsafe_place")
    assert "Räknas också här: Nedskräpning." in page.text
    with database.session() as s:
        assert s.scalar(select(Report.category).where(Report.id == world.report_ids[3])) == "littering"
        actions = [(e.action, e.object_id) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "category").order_by(AuditEntry.id))]
    assert actions == [("category_merge", "littering")]  # littering has no police types to move
    refused = admin.post("/admin/categories/vandalism/merge", data={"into": "littering"})
    assert refused.status_code == 422 and "Välj en annan kategori som används." in refused.text

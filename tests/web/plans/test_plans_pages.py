"""The plan pages as a coordinator and the signatories use them in the browser (forms, CSRF, 409)."""

from __future__ import annotations

from tests.factories import World
from tests.plans.conftest import add_signatories
from trygg.storage.database import Database

HTML = {"accept": "text/html"}


def _post(c, url: str, data: dict) -> str:  # type: ignore[no-untyped-def]
    r = c.post(url, data=data, headers=HTML, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    return str(r.headers["location"]).split("?")[0]


def test_coordinator_drafts_links_and_gets_the_plan_signed(login, api, database: Database,  # type: ignore[no-untyped-def]
                                                           world: World) -> None:
    add_signatories(database, world)
    c = login("samordnare")
    assert 'action="/plans"' in c.get("/plans").text
    plan_url = _post(c, "/plans", {"year": "2025", "title": "Åtgärdsplan 2025"})
    _post(c, f"{plan_url}/focus-areas", {"title": "Skadegörelse i centrum", "problem": "Klotter",
                                         "categories": "vandalism", "target_area_types": ["4"]})
    page = c.get(plan_url).text
    assert 'data-warning="focus_area_without_activity"' in page and 'role="alert"' in page
    fa_id = page.split(f'{plan_url}/focus-areas/')[1].split('"')[0]
    act_url = _post(c, f"{plan_url}/activities", {
        "title": "Klottersanering", "kind": "situational", "owner_ids": [str(world.org_ids["bostad"])],
        "focus_area_ids": [fa_id], "period_start": "2025-01-01", "period_end": "2025-12-31", "status": "planned"})
    _post(c, f"{act_url}/indicators", {"name": "Skadegörelse", "source_kind": "report_category",
                                       "category": "vandalism", "baseline": "12", "target": "8"})
    page = c.get(plan_url).text
    assert "data-warning=" not in page and "Klottersanering" in page
    _post(c, f"{plan_url}/status", {"to": "consultation"})
    _post(c, f"{plan_url}/status", {"to": "approved"})
    for username in ("lpo", "kso", "stadsdirektor"):
        s = api(username)  # signatories sign in with a second factor; a token stands in for it here
        assert "Signera som" in s.get(plan_url).text
        _post(s, f"{plan_url}/sign", {})
    page = c.get(plan_url).text
    assert "Undertecknad" in page and "Stadsdirektör" in page
    refused = c.post(f"{plan_url}/edit", data={"title": "Ändrad"})  # the form route refuses a signed plan
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "conflict"
    new_url = _post(c, f"{plan_url}/amend", {})
    assert "Jämför med föregående version" in c.get(new_url).text
    _post(c, f"{new_url}/edit", {"title": "Åtgärdsplan 2025 rev.", "summary": ""})
    diff = c.get(f"{new_url}/diff")
    assert diff.status_code == 200 and "Åtgärdsplan 2025 rev." in diff.text
    pdf = c.get(f"{plan_url}/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_follow_up_pages(login, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    c = login("samordnare")
    plan_url = _post(c, "/plans", {"year": "2024"})
    page = c.get(plan_url.replace("/plans/", "/followup/plans/"))
    assert page.status_code == 200 and "Uppföljning av åtgärdsplanen 2024" in page.text
    wheel = c.get(plan_url.replace("/plans/", "/followup/plans/") + "/calendar")
    assert wheel.status_code == 200 and "Nyårsafton" in wheel.text
    assert c.get("/followup/evaluations").status_code == 200


def test_readers_cannot_edit_and_reporters_do_not_see_plans(login) -> None:  # type: ignore[no-untyped-def]
    reader = login("lasare")
    assert reader.get("/plans").status_code == 200
    assert reader.post("/plans", data={"year": "2030"}, headers=HTML).status_code == 403
    assert login("rapportor").get("/plans", headers=HTML).status_code == 403


def test_public_promise_page_needs_no_login(login, client) -> None:  # type: ignore[no-untyped-def]
    c = login("samordnare")
    url = _post(c, "/promises", {"year": "2025", "title": "Medborgarlöfte 2025", "text": "Vi lovar"})
    _post(c, f"{url}/commitments", {"party": "municipality", "text": "Åtgärda otrygga platser inom fyra veckor"})
    pid = url.rsplit("/", 1)[1]
    assert client.get(f"/public/promises/{pid}", headers=HTML).status_code == 404
    _post(c, f"{url}/publish", {"publish": "1"})
    page = client.get(f"/public/promises/{pid}")
    assert page.status_code == 200 and "Åtgärda otrygga platser" in page.text


def test_the_indicator_forms_of_a_draft_activity_and_a_new_commitment_render(  # type: ignore[no-untyped-def]
        login, database: Database, world: World) -> None:
    """Both pages include plans/_indicator_form.html with its survey indicator list (a 500 once)."""
    from trygg.storage.surveys import upsert_survey_result

    with database.session() as s:
        upsert_survey_result(s, next(iter(world.area_ids.values())), 2025, "worry_crime", 31.0, "percent", 40)
        s.commit()
    c = login("samordnare")
    plan_url = _post(c, "/plans", {"year": "2026", "title": "Utkast 2026"})
    act_url = _post(c, f"{plan_url}/activities", {
        "title": "Trygghetsvandring", "kind": "social", "owner_ids": [str(world.org_ids["bostad"])],
        "period_start": "2026-01-01", "period_end": "2026-12-31", "status": "planned"})
    page = c.get(act_url, headers=HTML)
    assert page.status_code == 200 and 'name="survey_indicator"' in page.text
    assert "Oroad över brottslighet" in page.text or 'value="worry_crime"' in page.text
    promise_url = _post(c, "/promises", {"year": "2026", "title": "Medborgarlöfte 2026", "text": "Vi lovar"})
    _post(c, f"{promise_url}/commitments", {"party": "police", "text": "Fler promenader i centrum"})
    page = c.get(promise_url, headers=HTML)
    assert page.status_code == 200 and 'name="survey_indicator"' in page.text

"""The reports list remembers its answers by everything they depend on: asked again, a page is the same
and audited again; a change to the reports, the names of areas and organisations, the taxonomy's labels
or who may see what gives a new answer at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from tests.factories import World
from trygg.storage import access as access_store
from trygg.storage import audit
from trygg.storage.categories import rows as category_rows
from trygg.storage.database import Database
from trygg.storage.schema import Area, Organisation, Report


def _list(client: Any, **params: Any) -> list[dict[str, Any]]:
    r = client.get("/api/v1/reports", params={"limit": 50, **params})
    assert r.status_code == 200, r.text
    return list(r.json()["reports"])


def _by_id(reports: list[dict[str, Any]], report_id: int) -> dict[str, Any]:
    return next(r for r in reports if r["id"] == report_id)


def test_a_page_asked_again_is_the_same_and_its_sensitive_reports_are_audited_each_time(
        api, world: World, database: Database) -> None:  # type: ignore[no-untyped-def]
    c = api("samordnare")
    sensitive_id = world.report_ids[2]  # sexual harassment
    query = audit.AuditQuery(user_id=world.user_ids["samordnare"], action="read_sensitive",
                             object_id=str(sensitive_id))
    first = c.get("/api/v1/reports", params={"limit": 50})
    for n in (2, 3):
        again = c.get("/api/v1/reports", params={"limit": 50})
        assert again.content == first.content and again.headers["content-type"] == "application/json"
        with database.session() as s:
            assert audit.count(s, query) == n
            assert audit.verify_chain(s).ok


def test_every_change_an_answer_shows_gives_a_new_answer(api, world: World,
                                                         database: Database) -> None:  # type: ignore[no-untyped-def]
    c = api("samordnare")
    rid = world.report_ids[0]  # vandalism in T001 by the housing company
    before = _by_id(_list(c, lang="sv"), rid)
    assert _by_id(_list(c, lang="en"), rid)["category_name"] != before["category_name"]  # the language counts

    def change(fn: Any) -> dict[str, Any]:
        """One change in a transaction of its own, then the report as the list shows it."""
        with database.session() as s:
            fn(s)
        return _by_id(_list(c, lang="sv"), rid)

    def rename_area(s: Any) -> None:
        s.get(Area, world.area_ids["T001"]).name = "Nytt områdesnamn"

    def rename_organisation(s: Any) -> None:
        s.get(Organisation, world.org_ids["bostad"]).name = "Bostadsbolaget AB"

    def relabel(s: Any) -> None:
        category_rows(s)["vandalism"].name_sv = "Skadegörelse (ny etikett)"

    def progress(s: Any) -> None:
        s.get(Report, rid).status = "in_progress"

    assert change(rename_area)["area_name"] == "Nytt områdesnamn"
    assert change(rename_organisation)["organisation_name"] == "Bostadsbolaget AB"
    assert change(relabel)["category_name"] == "Skadegörelse (ny etikett)"
    assert change(progress)["status"] == "in_progress"


def test_who_may_see_what_is_part_of_the_answer(api, world: World,
                                               database: Database) -> None:  # type: ignore[no-untyped-def]
    c = api("lasare")  # a viewer of the housing company; the school shares no details by default
    littering = world.report_ids[3]  # the school's littering report
    assert littering not in {r["id"] for r in _list(c)}
    with database.session() as s:
        access_store.set_rule(s, world.org_ids["skola"], "littering", "partners")
    assert littering in {r["id"] for r in _list(c)}
    with database.session() as s:  # a rule removed behind the ORM's back (a restore, a script) counts too
        s.execute(text("DELETE FROM sharing_rules"))
    assert littering not in {r["id"] for r in _list(c)}

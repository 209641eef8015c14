"""The demo's routing rules, Open311 client and 2023 draft plan, in the session's demo database."""

from __future__ import annotations

from sqlalchemy import select

from tests.demo.conftest import BuiltDemo
from trygg.demo.intake_seed import DEMO_OPEN311_CLIENT, DEMO_OPEN311_KEY, routing_plan
from trygg.demo.organisations import EIDAR_REGSO
from trygg.domain.categories import DEFAULT_TAXONOMY
from trygg.storage import intake as intake_store
from trygg.storage.schema import ActionPlan, Area, Organisation


def test_routing_rules_send_each_category_to_the_right_organisation(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        org = {o.short_name: o.id for o in s.scalars(select(Organisation))}
        area = {a.code: a.id for a in s.scalars(select(Area).where(Area.level == "regso"))}
        rules = intake_store.list_rules(s)

        def route(code: str | None, category: str) -> int | None:
            return intake_store.route_for(s, area[code] if code else None, category)

        assert len(rules) == len(routing_plan()) == demo.summary.routing_rules
        assert route("1488R015", "littering") == route("1488R007", "unsafe_place") == org["Gata/park"]
        assert route("1488R001", "vandalism") == org["Gata/park"]  # a district of villas, not Eidar's
        assert all(route(code, "vandalism") == org["Eidar"] for code in EIDAR_REGSO)
        assert route("1488R007", "violence") == route("1488R012", "narcotics") == org["Polisen LPO Trollhättan"]
        assert route("1488R003", "arson") == org["Räddningstjänsten"]
        assert route(None, "no-such-category") == org["Kontaktcenter"]
        assert all(route("1488R001", code) not in (None, org["Kontaktcenter"]) for code in DEFAULT_TAXONOMY.by_code)


def test_the_documented_open311_key_is_registered(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        clients = intake_store.list_open311_clients(s)
    assert [c.name for c in clients] == [DEMO_OPEN311_CLIENT]
    assert clients[0].key_hash == intake_store.sha256(DEMO_OPEN311_KEY) and clients[0].revoked_at is None


def test_the_2023_draft_plan_is_there(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        draft = s.get(ActionPlan, demo.summary.draft_plan_id)
        assert draft is not None and draft.year == 2023 and draft.status == "draft"
        assert draft.focus_areas
        active = s.scalar(select(ActionPlan).where(ActionPlan.year == 2022))
        assert active is not None and active.status == "active"

"""Every step of the plan lifecycle: draft → consultation → approved → signed → active → evaluated."""

from __future__ import annotations

import pytest

from tests.plans.conftest import PlanWorld
from trygg.errors import Conflict, PermissionDenied
from trygg.plans import lifecycle, signing
from trygg.plans.diff import plan_diff
from trygg.plans.inputs import activity_input, focus_area_input
from trygg.storage import plans as store
from trygg.storage.database import Database
from trygg.storage.schema import User


def _approve(db: Database, plan_id: int) -> None:
    with db.session() as s:
        plan = lifecycle.get_plan(s, plan_id)
        lifecycle.transition(s, plan, "consultation", None)
        lifecycle.transition(s, plan, "approved", None, problems=[])


def _sign_all(db: Database, pw: PlanWorld) -> None:
    for uid in pw.signatory_ids.values():
        with db.session() as s:
            signing.sign(s, lifecycle.get_plan(s, pw.plan_id), s.get(User, uid))


def test_a_draft_carries_its_evidence_and_is_the_only_plan_of_its_year(database: Database,
                                                                       plan_world: PlanWorld) -> None:
    with database.session() as s:
        plan = lifecycle.get_plan(s, plan_world.plan_id)
        assert plan.status == "draft" and plan.version == 1
        assert plan.evidence is not None and plan.evidence["as_of"] == "2024-01-01"
        assert [h.to_status for h in store.status_changes(s, plan.id)] == ["draft"]
        assert plan.focus_areas[0].evidence is not None
        with pytest.raises(Conflict):  # one plan a year; later changes are versions of it
            lifecycle.create_draft(s, 2024, None)


def test_full_lifecycle_to_evaluated(database: Database, plan_world: PlanWorld) -> None:
    _approve(database, plan_world.plan_id)
    _sign_all(database, plan_world)
    with database.session() as s:
        plan = lifecycle.get_plan(s, plan_world.plan_id)
        assert plan.status == "signed"
        lines = signing.signature_lines(s, plan)
        assert [ln.user.username for ln in lines if ln.user] == ["lpo", "kso", "stadsdirektor"]
        assert all(ln.signed_at is not None for ln in lines)
        with pytest.raises(Conflict, match="cannot be edited"):  # a signed plan is never edited
            lifecycle.update_plan(s, plan, None, {"title": "Ändrad"})
        with pytest.raises(Conflict):
            lifecycle.add_focus_area(s, plan, None, focus_area_input({"title": "Ny"}))
        with pytest.raises(Conflict):
            lifecycle.transition(s, plan, "draft", None)
        lifecycle.transition(s, plan, "active", None)
        lifecycle.transition(s, plan, "evaluated", None)
        steps = [h.to_status for h in store.status_changes(s, plan.id)]
    assert steps == ["draft", "consultation", "approved", "signed", "active", "evaluated"]


def test_only_matching_signatories_sign_and_only_all_of_them_make_it_signed(database: Database,
                                                                            plan_world: PlanWorld) -> None:
    with database.session() as s:
        plan = lifecycle.get_plan(s, plan_world.plan_id)
        with pytest.raises(Conflict):
            signing.sign(s, plan, s.get(User, plan_world.signatory_ids["lpo"]))  # still a draft
    _approve(database, plan_world.plan_id)
    with database.session() as s:
        plan = lifecycle.get_plan(s, plan_world.plan_id)
        with pytest.raises(PermissionDenied):
            signing.sign(s, plan, s.get(User, plan_world.world.user_ids["samordnare"]))
        with pytest.raises(PermissionDenied):
            signing.sign(s, plan, s.get(User, plan_world.world.user_ids["signatar"]))  # no matching title
        signing.sign(s, plan, s.get(User, plan_world.signatory_ids["lpo"]))
        signing.sign(s, plan, s.get(User, plan_world.signatory_ids["kso"]))
        assert plan.status == "approved"
        with pytest.raises(Conflict):
            signing.sign(s, plan, s.get(User, plan_world.signatory_ids["kso"]))  # twice for one role


def test_back_to_consultation_removes_signatures(database: Database, plan_world: PlanWorld) -> None:
    _approve(database, plan_world.plan_id)
    with database.session() as s:
        plan = lifecycle.get_plan(s, plan_world.plan_id)
        signing.sign(s, plan, s.get(User, plan_world.signatory_ids["lpo"]))
        lifecycle.transition(s, plan, "consultation", None)
        assert store.signatures(s, plan.id) == []


def test_approval_with_warnings_needs_acknowledgement(database: Database, plan_world: PlanWorld) -> None:
    w = plan_world.world
    with database.session() as s:
        plan = lifecycle.get_plan(s, plan_world.plan_id)
        lifecycle.add_activity(s, plan, None, activity_input(
            {"title": "Lös aktivitet", "kind": "information", "owner_ids": [w.org_ids["polis"]]}))
        lifecycle.transition(s, plan, "consultation", None)
        with pytest.raises(Conflict) as err:
            lifecycle.transition(s, plan, "approved", None, problems=[])
        assert err.value.details["warnings"][0]["code"] == "activity_without_focus_area"
        lifecycle.transition(s, plan, "approved", None, problems=[], acknowledge_warnings=True)
        assert plan.status == "approved"


def test_amendment_is_a_new_version_and_the_diff_shows_the_changes(database: Database,
                                                                   plan_world: PlanWorld) -> None:
    _approve(database, plan_world.plan_id)
    _sign_all(database, plan_world)
    with database.session() as s:
        old = lifecycle.get_plan(s, plan_world.plan_id)
        new = lifecycle.amend(s, old, None)
        assert (new.version, new.previous_version_id, new.status) == (2, old.id, "draft")
        assert [a.title for a in new.activities] == ["Klottersanering"]
        assert new.activities[0].focus_areas[0].id == new.focus_areas[0].id != old.focus_areas[0].id
        with pytest.raises(Conflict):
            lifecycle.amend(s, old, None)  # a version is amended once
        lifecycle.update_plan(s, new, None, {"title": "Åtgärdsplan 2024, reviderad"})
        lifecycle.add_focus_area(s, new, None, focus_area_input({"title": "Trafik", "categories": ["traffic"]}))
        new.activities[0].indicators[0].target = 4.0
        s.flush()
        changes = {(c.kind, c.item, c.label) for c in plan_diff(old, new)}
        assert ("changed", "plan", "Åtgärdsplan 2024, reviderad") in changes
        assert ("added", "focus_area", "2. Trafik") in changes
        assert ("changed", "indicator", "Klottersanering: Skadegörelse i centrum") in changes
        assert old.status == "signed" and old.title != new.title


def test_signatory_roles_are_configurable(database: Database, plan_world: PlanWorld) -> None:
    with database.session() as s:
        role = signing.add_role(s, "Räddningschef", None, 4, None)
        with pytest.raises(Conflict):
            signing.add_role(s, "Räddningschef", None, 5, None)
        assert [r.title for r in store.signatory_roles(s)][-1] == "Räddningschef"
        signing.delete_role(s, role.id, None)
        assert len(store.signatory_roles(s)) == 3

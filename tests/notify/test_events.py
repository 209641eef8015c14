"""Who is told what: the outbox rows each kind of change queues."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.factories import World
from trygg.domain import clock
from trygg.notify import events
from trygg.notify.messages import MailTexts
from trygg.storage import actions as action_store
from trygg.storage.database import Database
from trygg.storage.schema import Notification, User

TEXTS = MailTexts(public_url="https://trygg.example", domain="trygg.example")


def test_an_overdue_action_is_announced_once_per_deadline(database: Database, world: World) -> None:
    with database.session() as s:
        s.get(User, world.user_ids["rapportor2"]).email = "Skola@Example.org"
        s.get(User, world.user_ids["lasare"]).email = "bostad@example.org"  # another organisation
        action = action_store.create_action(s, title="Laga stängslet", owner_organisation_id=world.org_ids["skola"],
                                            due=date(2024, 12, 20))
        action_id = action.id
    with database.session() as s:
        # 27 December 2024: Christmas Eve, Christmas Day and Boxing Day do not count — one working day late.
        assert events.overdue_actions(s, date(2024, 12, 23), TEXTS) == 1
        assert events.overdue_actions(s, date(2024, 12, 27), TEXTS) == 0  # the same deadline: not again
    with database.session() as s:
        rows = list(s.scalars(select(Notification).where(Notification.kind == "action_overdue")))
        assert [(n.recipient, n.action_id) for n in rows] == [("skola@example.org", action_id)]
        assert "https://trygg.example/inbox/actions/" in rows[0].body and "Laga stängslet" in rows[0].subject
        action_store.get_action(s, action_id).due = date(2025, 1, 10)  # a new deadline, overdue again later
    with database.session() as s:
        assert events.overdue_actions(s, date(2025, 1, 14), TEXTS) == 1


def test_the_signatories_are_told_when_a_plan_is_ready_to_sign(database: Database, world: World) -> None:
    with database.session() as s:
        s.get(User, world.user_ids["signatar"]).email = "kso@example.org"
        s.get(User, world.user_ids["signatar"]).language = "en"
        assert events.plan_ready_to_sign(s, 7, "Åtgärdsplan 2025", TEXTS) == 1
        row = s.scalars(select(Notification)).one()
        assert row.recipient == "kso@example.org" and row.lang == "en"
        assert row.subject == "Ready to sign: Åtgärdsplan 2025" and "https://trygg.example/plans/7" in row.body


def test_a_rolled_back_change_leaves_no_notification(database: Database, world: World) -> None:
    with database.session() as s:
        s.get(User, world.user_ids["rapportor2"]).email = "skola@example.org"
    s = database.new_session()
    try:
        action = action_store.create_action(s, title="Ny åtgärd", owner_organisation_id=world.org_ids["skola"],
                                            due=clock.today() + timedelta(days=3))
        assert events.action_assigned(s, action, TEXTS) == 1
        s.rollback()
    finally:
        s.close()
    with database.session() as s:
        assert list(s.scalars(select(Notification))) == []


def test_sent_notifications_are_deleted_after_30_days(database: Database) -> None:
    from trygg.storage import outbox

    with database.session() as s:
        old = outbox.enqueue(s, kind="case_routed", recipient="a@example.org", lang="sv", subject="x", body="y",
                             domain="example.org")
        new = outbox.enqueue(s, kind="case_routed", recipient="b@example.org", lang="sv", subject="x", body="y",
                             domain="example.org")
        assert old is not None and new is not None
        outbox.mark_sent(s, old.id)
        outbox.mark_sent(s, new.id)
        s.flush()
        s.get(Notification, old.id).sent_at = outbox.now() - timedelta(days=31)  # type: ignore[union-attr]
    with database.session() as s:
        assert outbox.purge_sent(s) == 1
        assert [n.recipient for n in s.scalars(select(Notification))] == ["b@example.org"]

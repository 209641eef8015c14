"""The demo's EST actions have the reports that caused them, a history, and meetings their attendees."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.demo.conftest import BuiltDemo
from trygg.storage import actions as action_store
from trygg.storage.schema import ActionNote, Report, ShortTermAction, action_reports, meeting_attendees


def test_every_demo_action_has_causes_of_its_district_and_category(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        actions = list(s.scalars(select(ShortTermAction)))
        assert len(actions) >= 30
        causes = action_store.reports_of_actions(s, [a.id for a in actions])
        with_causes = [a for a in actions if causes.get(a.id)]
        assert len(with_causes) >= 0.9 * len(actions)
        for a in with_causes:
            for report in s.scalars(select(Report).where(Report.id.in_(causes[a.id]))):
                assert report.area_id == a.area_id and report.category == a.category
            assert a.report_id in causes[a.id]
        # Each report caused at most one action; every action has its history; meetings their attendees.
        linked = list(s.scalars(select(action_reports.c.report_id)))
        assert len(linked) == len(set(linked))
        assert s.scalar(select(func.count(func.distinct(ActionNote.action_id)))) == len(actions)
        assert (s.scalar(select(func.count()).select_from(meeting_attendees)) or 0) > 0

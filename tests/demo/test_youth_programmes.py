"""The youth programmes of the seed text (SIG, TUTI, URO) in the demo's 2022 plan: activities followed
up with aggregate, non-identifying figures only, shown in the follow-up report."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from tests.demo.conftest import BuiltDemo
from trygg.demo.organisations import all_users
from trygg.demo.seed_plan import YOUTH_PROGRAMMES
from trygg.plans.followup import yearly_report
from trygg.reports.plan_pdf import followup_html
from trygg.storage.categories import taxonomy
from trygg.storage.schema import ActionPlan, IndicatorValue
from trygg.web.plans.documents import doc_texts

PROGRAMMES = ("SIG", "TUTI", "URO")


def test_the_2022_plan_carries_every_activity_of_the_seed_text(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        plan = s.scalar(select(ActionPlan).where(ActionPlan.year == 2022))
        assert plan is not None
        titles = [a.title for a in plan.activities]
    assert len(titles) == 11
    for seed_word in ("EST", "trygghetsvandrare", "Grannsamverkan", "ANDTS", "Antidoping", "Krogtillsyn",
                      "Föräldrautbildning", *PROGRAMMES):
        assert any(seed_word in t for t in titles), seed_word


def test_youth_programmes_are_followed_up_with_aggregate_figures_only(demo: BuiltDemo) -> None:
    reporters = {u.display_name for u in all_users()}
    with demo.db.session() as s:
        plan = s.scalar(select(ActionPlan).where(ActionPlan.year == 2022))
        assert plan is not None
        youth = [a for a in plan.activities if a.title.split(" ")[0] in PROGRAMMES]
        assert [a.title.split(" ")[0] for a in youth] == list(PROGRAMMES)
        for act in youth:
            assert 1 in [fa.number for fa in act.focus_areas]  # violence prevention, young people
            assert "aldrig namn" in act.description and act.area_id is None  # the municipality as a whole
            assert len(act.indicators) == 2
            for ind in act.indicators:
                assert ind.source_kind == "manual" and ind.area_id is None and ind.category is None
                assert ind.unit in ("%", "unga/termin", "barn/termin", "skolor")
                values = s.scalars(select(IndicatorValue).where(IndicatorValue.indicator_id == ind.id)
                                   .order_by(IndicatorValue.on_date)).all()
                assert [v.on_date for v in values] == [date(2022, 6, 30), date(2022, 12, 31)]  # per term
                assert all(v.note == "" for v in values)  # no free text that could name anyone
                if ind.unit != "%":  # counts for the whole municipality, never a small cell
                    assert all(v.value >= 5 for v in values)
                else:
                    assert all(0 <= v.value <= 100 for v in values)
            assert not any(name in act.description for name in reporters)


def test_the_follow_up_report_shows_the_youth_programmes(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        plan = s.scalar(select(ActionPlan).where(ActionPlan.year == 2022))
        assert plan is not None
        report = yearly_report(s, plan, date(2022, 12, 31))
        html = followup_html(s, plan, doc_texts("sv", "Trollhättan", taxonomy(s)),
                             generated=datetime(2026, 11, 23, 9, tzinfo=UTC))
        followed = {p.activity.title: [r for _, r in p.readings] for f in report.focus for p in f.activities}
    for title, *_ in YOUTH_PROGRAMMES:
        assert title in html and len(followed[title]) == 2, title
    row = '<td>Unga med en social insatsgrupp under terminen</td><td class="num">9,0</td><td class="num">13,0</td>'
    assert row in html  # baseline 9, last term 13

"""The action plan and its yearly follow-up report as HTML and PDF (WeasyPrint), Swedish or English.

Texts, Jinja environment and printing are the shared document pipeline (`trygg.reports.documents`);
this module serves the web, the API and ``trygg plan export``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from trygg.domain.vocabulary import term_for
from trygg.plans import signing
from trygg.plans.evidence import SURVEY_LABELS, local_midnight
from trygg.plans.evidence import snapshot as evidence_snapshot
from trygg.plans.followup import yearly_report
from trygg.plans.warnings import plan_warnings
from trygg.reports import plan_charts
from trygg.reports.documents import DocTexts, env, img, to_pdf
from trygg.storage import plans as store
from trygg.storage.schema import ActionPlan


def _context(t: DocTexts, generated: datetime) -> dict[str, Any]:
    return {"_": t.gettext, "lang": t.lang, "fmt_number": t.number, "fmt_percent": t.percent, "fmt_date": t.date,
            "fmt_datetime": t.datetime, "category_name": t.category_name, "municipality": t.municipality,
            "generated": generated, "plan_labels": t.labels, "survey_labels": SURVEY_LABELS,
            "term": term_for(t.gettext)}


def plan_html(session: Session, plan: ActionPlan, t: DocTexts, *, generated: datetime) -> str:
    """The action plan document: focus areas with their evidence, activities, indicators, signatures."""
    _ = t.gettext
    ev = plan.evidence or {}
    reconstructed = False
    if not ev:
        # No snapshot was frozen into the plan: show the lägesbild as it stood when the plan's year began,
        # or leave the section out when there were no data before then (never an empty "Evidence").
        ev = evidence_snapshot(session, date(plan.year, 1, 1))
        reconstructed = True
        if not ev.get("totals", {}).get("current"):
            ev = {}
    cats = sorted(ev.get("categories", []), key=lambda r: -r["current"])[:12]
    chart = img(plan_charts.paired_bars([t.category_name(r["category"]) for r in cats],
                                         [r["current"] for r in cats], [r["previous"] for r in cats],
                                         current_label=_("12 months"), previous_label=_("12 months before"))) \
        if cats else ""
    warnings = [_(w.message, **w.params) for w in plan_warnings(plan, None, t.category_name)]
    ctx = _context(t, generated)
    ctx.update(plan=plan, evidence=ev, chart=chart, lines=signing.signature_lines(session, plan),
               warnings=warnings, areas=store.areas_by_id(session), reconstructed=reconstructed)
    return env.get_template("plan.html").render(ctx)


def followup_html(session: Session, plan: ActionPlan, t: DocTexts, *, generated: datetime) -> str:
    """The yearly follow-up report: which measures went with which changes."""
    _ = t.gettext
    report = yearly_report(session, plan)
    # Compare with the year before only when the data cover it; otherwise say so and let the
    # indicators' baselines carry the comparison (never a row of zeros for a year without data).
    first, _last = store.report_time_range(session)
    has_previous = first is not None and first <= local_midnight(date(plan.year - 1, 1, 8))
    charts = {}
    for f in report.focus:
        if f.changes and has_previous:
            charts[f.focus_area.id] = img(plan_charts.paired_bars(
                [t.category_name(c.category) for c in f.changes], [c.after for c in f.changes],
                [c.before for c in f.changes], current_label=str(plan.year), previous_label=str(plan.year - 1)))
    ctx = _context(t, generated)
    ctx.update(plan=plan, report=report, charts=charts, lines=signing.signature_lines(session, plan),
               has_previous=has_previous)
    return env.get_template("plan_followup.html").render(ctx)


__all__ = ["DocTexts", "followup_html", "plan_html", "to_pdf"]

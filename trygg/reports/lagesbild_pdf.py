"""The lägesbild report as PDF (WeasyPrint): summary, map, charts and tables, in Swedish or English.

The web layer supplies the texts and formatters (`DocTexts` of the shared document pipeline,
`trygg.reports.documents`), so this module needs nothing of ``trygg.web``.
``progress(step, share)`` is called as the parts are drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from trygg.domain import clock
from trygg.lagesbild.model import Lagesbild
from trygg.lagesbild.surveys import SurveyFigure
from trygg.reports import charts, maps
from trygg.reports.documents import DocTexts, env, img, to_pdf
from trygg.storage.lagesbild import AreaProfile

Progress = Callable[[str, float], None]


#: The lägesbild's texts: the shared document texts (day names, filters and summary filled in).
PdfTexts = DocTexts


def _noop(step: str, share: float) -> None:
    return None


def _change(a: int, b: int) -> float | None:
    return a / b - 1.0 if b > 0 else None


def render_lagesbild_pdf(lb: Lagesbild, areas: Sequence[AreaProfile], points_x: NDArray[np.float64],
                         points_y: NDArray[np.float64], texts: PdfTexts, *, generated: datetime,
                         progress: Progress | None = None, focus: Sequence[int] | None = None,
                         surveys: Sequence[SurveyFigure] = ()) -> bytes:
    """The PDF bytes of the lägesbild `lb` (with the survey figures `surveys`, if any)."""

    report = progress or _noop
    _ = texts.gettext
    report("map", 0.2)
    map_png = maps.lagesbild_map(areas, density=lb.density, hot_cells=lb.hot_cells, points_x=points_x,
                                 points_y=points_y, focus=focus,
                                 legend={"hot": _("Hot spot (Gi*)"), "cold": _("Cold spot (Gi*)"),
                                         "density": _("Report density (KDE)")})
    report("charts", 0.45)
    period_labels = (_("This period"), _("Previous period"), _("Same period last year"))
    images = {
        "map": img(map_png),
        "weekly": img(charts.weekly_chart(lb.weeks, label=_("Reports per week"),
                                           alarm_label=_("Week with trend alarm"),
                                           date_label=lambda d: texts.date(d, "d MMM"))),
        "categories": img(charts.category_chart(lb.categories, name=texts.category_name, labels=period_labels)),
        "area_types": img(charts.area_type_chart(
            lb.area_types, names={"challenged": _("Type 1–2"), "advantaged": _("Type 4–5")}, labels=period_labels,
            ylabel=_("Reports per 1,000 inhabitants"))),
        "heatmap": img(charts.heatmap_chart(lb.hour_of_week, day_names=texts.day_names, hour_label=_("Hour of day"))),
    }
    report("typesetting", 0.7)
    html = env.get_template("lagesbild.html").render(
        lb=lb, t=texts, _=_, images=images, generated=generated, change=_change, surveys=list(surveys),
        first_day=texts.date(lb.period.first_day, "long"), last_day=texts.date(lb.period.last_day, "long"),
        today=clock.today())
    pdf = to_pdf(html)
    report("done", 1.0)
    assert isinstance(pdf, bytes)
    return pdf

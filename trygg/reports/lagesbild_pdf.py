"""The lägesbild report as PDF (WeasyPrint): summary, map, charts and tables, in Swedish or English.

The web layer supplies the texts and formatters (`PdfTexts`), so this module needs nothing of
``trygg.web``. ``progress(step, share)`` is called as the parts are drawn.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, FileSystemLoader, select_autoescape
from numpy.typing import NDArray

from trygg.domain import clock
from trygg.lagesbild.model import Lagesbild
from trygg.lagesbild.surveys import SurveyFigure
from trygg.reports import charts, maps
from trygg.storage.lagesbild import AreaProfile

TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class PdfTexts:
    """Language-dependent texts and formatters for the report."""

    lang: str
    gettext: Callable[..., str]
    number: Callable[[Any, int], str]
    percent: Callable[[Any, int], str]
    date: Callable[[Any, str], str]
    datetime: Callable[[Any], str]
    category_name: Callable[[str], str]
    day_names: tuple[str, ...]
    municipality: str
    filters: tuple[str, ...]
    summary: tuple[str, ...]


def _noop(step: str, share: float) -> None:
    return None


def _img(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _change(a: int, b: int) -> float | None:
    return a / b - 1.0 if b > 0 else None


def render_lagesbild_pdf(lb: Lagesbild, areas: Sequence[AreaProfile], points_x: NDArray[np.float64],
                         points_y: NDArray[np.float64], texts: PdfTexts, *, generated: datetime,
                         progress: Progress | None = None, focus: Sequence[int] | None = None,
                         surveys: Sequence[SurveyFigure] = ()) -> bytes:
    """The PDF bytes of the lägesbild `lb` (with the survey figures `surveys`, if any)."""
    from weasyprint import HTML

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
        "map": _img(map_png),
        "weekly": _img(charts.weekly_chart(lb.weeks, label=_("Reports per week"),
                                           alarm_label=_("Week with trend alarm"),
                                           date_label=lambda d: texts.date(d, "d MMM"))),
        "categories": _img(charts.category_chart(lb.categories, name=texts.category_name, labels=period_labels)),
        "area_types": _img(charts.area_type_chart(
            lb.area_types, names={"challenged": _("Type 1–2"), "advantaged": _("Type 4–5")}, labels=period_labels,
            ylabel=_("Reports per 1,000 inhabitants"))),
        "heatmap": _img(charts.heatmap_chart(lb.hour_of_week, day_names=texts.day_names, hour_label=_("Hour of day"))),
    }
    report("typesetting", 0.7)
    html = _env.get_template("lagesbild.html").render(
        lb=lb, t=texts, _=_, images=images, generated=generated, change=_change, surveys=list(surveys),
        first_day=texts.date(lb.period.first_day, "long"), last_day=texts.date(lb.period.last_day, "long"),
        today=clock.today())
    pdf = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    report("done", 1.0)
    assert isinstance(pdf, bytes)
    return pdf

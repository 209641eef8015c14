"""The survey figures beside the lägesbild: the latest survey year, per indicator, pooled over the
districts of the filter, with an interval.

Percent figures are pooled as the answer-weighted share of the districts (the samples are
independent), with the Wilson interval of the pooled share and the total number of answers. A
mean cannot be given an honest pooled interval without the answers' spread: it is shown with the
district range instead. One district alone keeps the interval its survey published, if any.

Survey figures stay with the edition of the districts they were imported for. A filter on districts
of a newer edition also takes the figures of the districts they succeed; a figure of districts of
an edition that is no longer active names that edition (`SurveyFigure.edition`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from trygg.analysis.survey import wilson_interval
from trygg.domain.lru import Lru
from trygg.storage import versions
from trygg.storage.area_editions import old_edition_of, predecessor_ids
from trygg.storage.schema import SurveyResult
from trygg.storage.surveys import latest_year_results


@dataclass(frozen=True)
class SurveyFigure:
    survey: str
    indicator: str
    year: int
    scale: str  # percent | mean | index0-6
    value: float
    lower: float | None
    upper: float | None
    interval: str  # "wilson" (pooled share) | "published" | "range" (lowest–highest district) | ""
    n: int
    districts: int
    edition: str = ""  # the edition of the districts when it is not the active one


def pool(rows: list[SurveyResult], old_editions: dict[int, str] | None = None) -> list[SurveyFigure]:
    """One figure per (survey, indicator) of `rows` (one year); `old_editions`: area id → the name of its
    edition, for areas of an edition that is not active."""
    old_editions = old_editions or {}
    groups: dict[tuple[str, str, str, int], list[SurveyResult]] = defaultdict(list)
    for r in rows:
        groups[(r.survey, r.indicator, r.scale, r.year)].append(r)
    out: list[SurveyFigure] = []
    for (survey, indicator, scale, year), group in sorted(groups.items()):
        n = sum(r.n for r in group)
        value = sum(r.value * r.n for r in group) / n if n else float("nan")
        lower = upper = None
        interval = ""
        if len(group) == 1 and group[0].lower is not None:
            lower, upper, interval = group[0].lower, group[0].upper, "published"
        elif scale == "percent" and n:
            lo, hi = wilson_interval(value / 100.0, n)
            lower, upper, interval = float(lo) * 100.0, float(hi) * 100.0, "wilson"
        elif len(group) > 1:
            lower, upper, interval = min(r.value for r in group), max(r.value for r in group), "range"
        editions = sorted({old_editions[r.area_id] for r in group if r.area_id in old_editions})
        out.append(SurveyFigure(survey, indicator, year, scale, round(value, 2), lower, upper, interval, n,
                                len(group), ", ".join(editions)))
    return out


#: Pooled figures per database, survey and area versions and areas asked for (every lägesbild page shows them).
_FIGURES: Lru[tuple[SurveyFigure, ...]] = Lru(64)


def survey_figures(session: Session, area_ids: tuple[int, ...] | list[int] = ()) -> list[SurveyFigure]:
    """The pooled figures of the latest survey year of the areas and the areas they succeed (all when
    none are given)."""
    key = (versions.database_key(session), versions.current_many(session, versions.SURVEYS, versions.AREAS),
           tuple(area_ids))
    return list(_FIGURES.get_or_compute(key, lambda: tuple(_survey_figures(session, area_ids))))


def _survey_figures(session: Session, area_ids: tuple[int, ...] | list[int]) -> list[SurveyFigure]:
    ids = list(area_ids)
    if ids:
        ids += predecessor_ids(session, ids)
    rows = latest_year_results(session, ids or None)
    return pool(rows, old_edition_of(session, sorted({r.area_id for r in rows})))

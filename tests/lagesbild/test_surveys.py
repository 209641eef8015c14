"""Pooling survey figures for the lägesbild: weighted share with Wilson interval, published interval, range."""

from __future__ import annotations

import pytest

from tests.factories import World
from trygg.lagesbild.surveys import pool
from trygg.storage.database import Database
from trygg.storage.schema import SurveyResult


def _row(area: int, value: float, n: int, scale: str = "percent", lower: float | None = None,
         upper: float | None = None) -> SurveyResult:
    return SurveyResult(area_id=area, year=2024, indicator="otrygg", value=value, scale=scale, n=n,
                        survey="T", lower=lower, upper=upper)


def test_shares_pool_by_answers_with_the_wilson_interval_of_all_answers() -> None:
    (f,) = pool([_row(1, 20.0, 100), _row(2, 40.0, 300)])
    assert (f.value, f.n, f.districts, f.interval) == (35.0, 400, 2, "wilson")
    assert f.lower == pytest.approx(30.49, abs=0.01) and f.upper == pytest.approx(39.80, abs=0.01)


def test_one_district_keeps_its_published_interval_and_means_get_the_range() -> None:
    (one,) = pool([_row(1, 20.0, 100, lower=12.0, upper=29.0)])
    assert (one.lower, one.upper, one.interval) == (12.0, 29.0, "published")
    (mean,) = pool([_row(1, 2.0, 50, "mean"), _row(2, 3.0, 50, "mean")])
    assert (mean.value, mean.lower, mean.upper, mean.interval) == (2.5, 2.0, 3.0, "range")


def test_the_figures_follow_a_new_survey_figure(database: Database, world: World) -> None:
    """The pooled figures are cached per survey and area versions: a changed figure shows at once."""
    from trygg.lagesbild.surveys import survey_figures
    from trygg.storage.surveys import upsert_survey_result

    area = world.area_ids["T001"]
    for value in (30.0, 42.0):
        with database.session() as s:
            upsert_survey_result(s, area_id=area, year=2024, indicator="worry_crime", value=value,
                                 scale="percent", n=200)
            s.commit()
        with database.session() as s:
            figures = [f for f in survey_figures(s, (area,)) if f.indicator == "worry_crime"]
            assert [f.value for f in figures] == [value]
            assert survey_figures(s, (area,)) == survey_figures(s, [area])

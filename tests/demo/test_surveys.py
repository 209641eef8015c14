"""Survey results per RegSO and year: sample sizes like the real survey, worse figures in challenged areas."""

from __future__ import annotations

import numpy as np

from trygg.demo.geography import DemoGeography
from trygg.demo.surveys import MAX_N, MIN_N, SURVEY_INDICATORS, SURVEY_YEARS, answers_per_area, survey_rows


def test_every_area_year_and_indicator_has_one_figure(geography: DemoGeography) -> None:
    rows = survey_rows(geography)
    keys = {(r.regso_code, r.year, r.indicator) for r in rows}
    assert len(keys) == len(rows) == 16 * len(SURVEY_YEARS) * len(SURVEY_INDICATORS)
    assert {r.scale for r in rows} == {"percent", "index0-6"}


def test_2022_has_525_answers_spread_20_to_60_per_area(geography: DemoGeography) -> None:
    rows = [r for r in survey_rows(geography) if r.year == 2022 and r.indicator == "unsafe_outdoors_evening"]
    assert sum(r.n for r in rows) == 525
    assert all(MIN_N <= r.n <= MAX_N for r in rows)


def test_answers_per_area_hits_the_total() -> None:
    n = answers_per_area(np.array([500.0, 2000, 7000, 3000, 1500]), 180)
    assert n.sum() == 180 and n.min() >= MIN_N and n.max() <= MAX_N


def test_challenged_areas_feel_less_safe(geography: DemoGeography) -> None:
    types = {a.code: a.area_type for a in geography.regso}
    rows = [r for r in survey_rows(geography) if r.indicator == "unsafe_outdoors_evening"]
    challenged = np.mean([r.value for r in rows if types[r.regso_code] in (1, 2)])
    advantaged = np.mean([r.value for r in rows if types[r.regso_code] in (4, 5)])
    assert challenged > advantaged + 10


def test_same_seed_same_figures(geography: DemoGeography) -> None:
    assert survey_rows(geography, 5) == survey_rows(geography, 5)

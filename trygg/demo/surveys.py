"""Perceived-safety survey results per RegSO and year, shaped like the police's trygghetsmätning.

Percent indicators are drawn as binomial shares of `n` answers; problem items as the mean of
0–6 answers. Challenged areas (områdestyp 1–2) feel less safe and see more problems; the area of
the effect measure feels a little safer from 2024.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trygg.demo.geography import DemoGeography
from trygg.demo.scenario import EFFECT_MEASURE

SURVEY_YEARS = (2022, 2023, 2024, 2025, 2026)
ANSWERS_PER_YEAR = {2022: 525, 2023: 498, 2024: 541, 2025: 512, 2026: 507}  # 2022: 525 answers of 900 sent
MIN_N, MAX_N = 20, 60


@dataclass(frozen=True)
class SurveyIndicator:
    code: str
    name_sv: str
    scale: str  # percent | index0-6
    normal_value: float
    by_type: dict[int, float]  # expected value by områdestyp


SURVEY_INDICATORS: tuple[SurveyIndicator, ...] = (
    SurveyIndicator("unsafe_outdoors_evening", "Otrygg utomhus sent på kvällen (%)", "percent", 25.5,
                    {1: 44.0, 2: 38.0, 3: 29.0, 4: 22.0, 5: 16.0}),
    SurveyIndicator("worry_crime", "Oro för brott (%)", "percent", 26.0,
                    {1: 38.0, 2: 33.0, 3: 27.0, 4: 22.0, 5: 18.0}),
    SurveyIndicator("confidence_police", "Stort förtroende för polisen (%)", "percent", 60.0,
                    {1: 47.0, 2: 52.0, 3: 57.0, 4: 62.0, 5: 66.0}),
    SurveyIndicator("problem_intoxicated_outdoors", "Berusade personer utomhus (index 0–6)", "index0-6", 1.2,
                    {1: 2.9, 2: 2.4, 3: 1.8, 4: 1.4, 5: 1.0}),
    SurveyIndicator("problem_youth_gangs", "Ungdomsgäng som stör ordningen (index 0–6)", "index0-6", 1.1,
                    {1: 2.8, 2: 2.3, 3: 1.6, 4: 1.2, 5: 0.9}),
    SurveyIndicator("problem_women_harassed", "Kvinnor ofredas (index 0–6)", "index0-6", 0.8,
                    {1: 2.1, 2: 1.7, 3: 1.2, 4: 0.9, 5: 0.6}),
    SurveyIndicator("problem_littering", "Nedskräpning (index 0–6)", "index0-6", 1.9,
                    {1: 3.0, 2: 2.7, 3: 2.2, 4: 1.8, 5: 1.4}),
    SurveyIndicator("problem_vandalism", "Skadegörelse (index 0–6)", "index0-6", 1.5,
                    {1: 2.7, 2: 2.3, 3: 1.8, 4: 1.4, 5: 1.0}),
)
EFFECT_SHIFT = {"unsafe_outdoors_evening": -7.0, "problem_vandalism": -0.4}  # in the measure's RegSO


@dataclass(frozen=True)
class SurveyRow:
    regso_code: str
    year: int
    indicator: str
    value: float
    scale: str
    n: int
    normal_value: float


def answers_per_area(populations: np.ndarray, total: int) -> np.ndarray:
    """Split `total` answers over areas roughly by population, each between MIN_N and MAX_N."""
    lo, hi = 0.0, 1.0
    for _ in range(60):  # bisection on answers per inhabitant
        f = (lo + hi) / 2
        if np.clip(np.rint(populations * f), MIN_N, MAX_N).sum() < total:
            lo = f
        else:
            hi = f
    n = np.clip(np.rint(populations * hi), MIN_N, MAX_N).astype(np.int64)
    order = np.argsort(-populations)
    i = 0
    while n.sum() != total and i < 10 * len(n):
        j = order[i % len(n)]
        step = 1 if n.sum() < total else -1
        if MIN_N <= n[j] + step <= MAX_N:
            n[j] += step
        i += 1
    return n


def survey_rows(geo: DemoGeography, seed: int = 2022) -> list[SurveyRow]:
    """Every survey figure for every RegSO and survey year; deterministic for `seed`."""
    rng = np.random.default_rng([seed, 3])
    pops = np.array([a.population for a in geo.regso], dtype=float)
    rows: list[SurveyRow] = []
    for year in SURVEY_YEARS:
        ns = answers_per_area(pops, ANSWERS_PER_YEAR[year])
        for area, n in zip(geo.regso, ns.tolist(), strict=True):
            t = area.area_type or 4
            for ind in SURVEY_INDICATORS:
                expected = ind.by_type[t]
                if area.code == EFFECT_MEASURE.regso_code and year >= EFFECT_MEASURE.start.year:
                    expected += EFFECT_SHIFT.get(ind.code, 0.0)
                if ind.scale == "percent":
                    value = 100.0 * rng.binomial(n, min(max(expected / 100.0, 0.01), 0.99)) / n
                    value = round(value, 1)
                else:
                    answers = np.clip(np.rint(rng.normal(expected, 1.3, n)), 0, 6)
                    value = round(float(answers.mean()), 2)
                rows.append(SurveyRow(area.code, year, ind.code, value, ind.scale, n, ind.normal_value))
    return rows

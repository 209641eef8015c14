"""Survey intervals on the area page: weighted figures use Kish's effective sample size."""

from __future__ import annotations

from tests.factories import World
from trygg.analysis.survey import indicator_shares, wilson_interval
from trygg.storage.database import Database
from trygg.storage.schema import SurveyResult
from trygg.storage.surveys import survey_results, upsert_survey_result
from trygg.web.lagesbild.areas import survey_rows


def _figure(n: int, n_effective: float | None) -> SurveyResult:
    return SurveyResult(area_id=1, year=2024, indicator="unsafe_outdoors_evening", value=42.0, scale="percent",
                        n=n, normal_value=30.0, n_effective=n_effective)


def test_a_weighted_figure_gets_the_interval_of_its_effective_sample_size() -> None:
    plain, weighted = survey_rows([_figure(80, None), _figure(80, 30.0)])
    lo, hi = wilson_interval(0.42, 80)
    assert (plain.lower, plain.upper) == (float(lo) * 100, float(hi) * 100) and plain.verdict == "worse"
    lo, hi = wilson_interval(0.42, 30.0)
    assert (weighted.lower, weighted.upper) == (float(lo) * 100, float(hi) * 100)
    assert weighted.verdict == "same"  # 30 % lies inside the wider interval: no claim of "worse"
    assert weighted.n == 80  # the answers are still shown as answers


def test_kish_n_from_the_survey_module_is_stored_and_used(database: Database, world: World) -> None:
    est = indicator_shares([1, 0, 1, 1, 0, 0, 1, 0], [0] * 8, weights=[1, 1, 1, 1, 4, 4, 1, 1])
    n_eff = float(est.n_effective[0])
    assert n_eff < 8
    with database.session() as s:
        upsert_survey_result(s, world.area_ids["T002"], 2025, "worry_crime", float(est.share[0]) * 100, "percent",
                             8, None, n_effective=n_eff)
    with database.session() as s:
        (row,) = survey_results(s, area_id=world.area_ids["T002"], year=2025)
        assert row.n == 8 and row.n_effective == n_eff
        (shown,) = survey_rows([row])
    lo, hi = wilson_interval(est.share[0], n_eff)
    assert shown.lower == float(lo) * 100 and shown.upper == float(hi) * 100

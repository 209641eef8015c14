"""The weekly picture from arrays."""

from __future__ import annotations

import numpy as np

from trygg.analysis.lagesbild import weekly_picture


def test_weekly_picture_of_a_municipality() -> None:
    rng = np.random.default_rng(0)
    n = 50_000
    t = np.datetime64("2022-01-03T00:00") + rng.integers(0, 3 * 364 * 24 * 60, n).astype("timedelta64[m]")
    area = rng.integers(0, 30, n)
    pic = weekly_picture(
        rng.normal(0, 3000, n), rng.normal(0, 3000, n), t, area, rng.integers(0, 10, n),
        population=rng.integers(1000, 9000, 30), area_type=rng.integers(1, 6, 30),
    )
    assert str(pic.week_start) == "2024-12-23"
    assert pic.comparison.current.shape == (30, 10)
    assert pic.rates is not None and pic.rates.shape == (30, 10)
    assert pic.alarms.alarm.shape == (300, 1)
    assert pic.hotspots.z.shape == pic.grid.shape == pic.density.density.shape
    assert pic.hour_profile.sum() > 0


def test_a_chosen_week() -> None:
    rng = np.random.default_rng(1)
    n = 3000
    t = np.datetime64("2023-01-02") + rng.integers(0, 400, n).astype("timedelta64[D]")
    pic = weekly_picture(rng.normal(0, 900, n), rng.normal(0, 900, n), t, np.zeros(n, int), np.zeros(n, int),
                         week=np.datetime64("2023-06-07"))
    assert str(pic.week_start) == "2023-06-05"

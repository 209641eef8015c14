"""The closing-time analysis: counts, rates and the binomial tail, on arrays only."""

from __future__ import annotations

import numpy as np
import pytest

from trygg.fieldwork.premises_analysis import closing_time_analysis, hhmm_minutes, local_minutes


def test_reports_in_the_closing_window_are_counted_apart_from_the_rest_of_the_night() -> None:
    r = closing_time_analysis(
        premises_x=np.array([0.0, 10_000.0]), premises_y=np.array([0.0, 0.0]), closing=np.array([60, 120]),
        report_x=np.array([10.0, 20.0, 30.0, 40.0, 50.0, 10_000.0]), report_y=np.zeros(6),
        report_minutes=np.array([30, 70, 150, 23 * 60, 12 * 60, 4 * 60]))
    # premises 0: window 00:00–03:00 holds 00:30, 01:10, 02:30; 23:00 is the rest; noon is not night
    assert r.window_count.tolist() == [3, 0] and r.rest_count.tolist() == [1, 1]
    assert r.window_hours[0] == pytest.approx(3.0) and r.rest_hours[0] == pytest.approx(7.0)
    assert r.ratio[0] == pytest.approx((3 / 3) / (1 / 7))
    assert r.ratio[1] == 0.0


def test_reports_outside_the_radius_do_not_count() -> None:
    r = closing_time_analysis(np.array([0.0]), np.array([0.0]), np.array([60]), np.array([151.0]),
                              np.array([0.0]), np.array([60]), radius=150)
    assert r.window_count[0] == 0 and r.rest_count[0] == 0 and np.isnan(r.ratio[0])


def test_a_clear_closing_time_peak_has_a_small_p_value_and_an_even_night_does_not() -> None:
    rng = np.random.default_rng(1)
    even = rng.integers(0, 600, 300) + 20 * 60
    peak = np.concatenate([even, np.full(60, 60)])
    for minutes, small in ((even, False), (peak, True)):
        r = closing_time_analysis(np.array([0.0]), np.array([0.0]), np.array([60]), np.zeros(len(minutes)),
                                  np.zeros(len(minutes)), minutes % (24 * 60))
        assert bool(r.p_value[0] < 0.001) is small


def test_mismatched_arrays_are_refused() -> None:
    with pytest.raises(ValueError, match="matching lengths"):
        closing_time_analysis(np.zeros(2), np.zeros(1), np.zeros(2), np.zeros(1), np.zeros(1), np.zeros(1))


def test_local_minutes_follow_swedish_summer_time() -> None:
    utc = np.array(["2024-03-31T00:59", "2024-03-31T01:00", "2024-10-27T00:59", "2024-10-27T01:00"],
                   dtype="datetime64[m]")
    assert local_minutes(utc).tolist() == [119, 180, 179, 120]
    assert hhmm_minutes("01:30") == 90

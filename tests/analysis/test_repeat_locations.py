"""Repeat locations: places with two or more reports."""

from __future__ import annotations

import numpy as np

from trygg.analysis.repeat_locations import repeat_locations


def test_places_are_sorted_by_count_and_singles_dropped() -> None:
    x = np.array([10.2, 10.7, 500.0, 500.1, 500.9, 900.0])
    y = np.array([10.0, 10.0, 20.0, 20.0, 20.5, 0.0])
    r = repeat_locations(x, y)
    assert r.count.tolist() == [3, 2]
    assert sorted(r.members[0].tolist()) == [2, 3, 4]
    assert r.x[1] == (10.2 + 10.7) / 2


def test_tolerance_groups_nearby_reports() -> None:
    r = repeat_locations([0.0, 20.0], [0.0, 20.0], tolerance=50.0)
    assert r.count.tolist() == [2]

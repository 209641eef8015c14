"""The simulated events: deterministic, large enough, and carrying the patterns real EST data has."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from trygg.demo.geography import PLACE_BY_NAME, DemoGeography, locate
from trygg.demo.scenario import DEMO_END, DEMO_START, EFFECT_MEASURE, NEAR_REPEAT, TIME_PATTERNS
from trygg.demo.simulate import (
    NIGHT_HOURS,
    SimulatedEvents,
    day_hour_weights,
    is_weekend_night,
    n_days,
    simulate_events,
)
from trygg.domain.categories import DEFAULT_TAXONOMY
from trygg.domain.geo import to_sweref


def _months(ev: SimulatedEvents) -> np.ndarray:
    return ev.dates().astype("datetime64[M]").astype(int) % 12 + 1


def test_same_seed_same_events_other_seed_other_events(geography: DemoGeography,
                                                       events: SimulatedEvents) -> None:
    again = simulate_events(geography, 2022)
    for field in ("category", "lon", "lat", "day", "hour", "minute", "regso"):
        assert np.array_equal(getattr(events, field), getattr(again, field)), field
    other = simulate_events(geography, 2023)
    assert len(other) != len(events) or not np.array_equal(other.lon, events.lon)


def test_at_least_30000_events_over_three_years_in_all_16_areas(events: SimulatedEvents) -> None:
    assert len(events) >= 30_000
    assert events.day.min() == 0 and events.day.max() == n_days() - 1
    assert (DEMO_END - DEMO_START).days >= 3 * 365
    assert set(np.unique(events.regso).tolist()) == set(range(16))
    assert set(np.unique(events.category).tolist()) <= set(DEFAULT_TAXONOMY.by_code)


def test_every_event_lies_inside_its_area(geography: DemoGeography, events: SimulatedEvents) -> None:
    found = locate([a.geom for a in geography.regso], events.lon, events.lat)
    assert np.array_equal(found, events.regso)


def test_disorder_peaks_on_friday_and_saturday_nights(events: SimulatedEvents) -> None:
    disorder = events.category == "disorder"
    night = np.isin(events.hour, NIGHT_HOURS)
    weekend = is_weekend_night(events.day, events.hour)
    per_weekend_night = (disorder & weekend).sum() / 2
    per_other_night = (disorder & night & ~weekend).sum() / 5
    assert per_weekend_night > 2 * per_other_night
    assert (disorder & night).sum() > 0.5 * disorder.sum()


def test_summer_peak_for_disorder_vandalism_and_littering(events: SimulatedEvents) -> None:
    month = _months(events)
    for category in ("disorder", "vandalism", "littering"):
        c = events.category == category
        summer = (c & np.isin(month, (6, 7, 8))).sum()
        winter = (c & np.isin(month, (12, 1, 2))).sum()
        assert summer > 1.3 * winter, category


def test_car_meets_at_overby_in_summer_weekend_evenings(events: SimulatedEvents) -> None:
    place = PLACE_BY_NAME["Överby köpcentrum"]
    px, py = to_sweref(place.lon, place.lat)
    traffic = (events.category == "traffic") & (np.hypot(events.x - px, events.y - py) < 600)
    month = _months(events)
    summer = traffic & np.isin(month, (5, 6, 7, 8))
    assert (summer & is_weekend_night(events.day, events.hour)).sum() > 0.3 * summer.sum()


def test_challenged_areas_report_more_per_inhabitant(geography: DemoGeography, events: SimulatedEvents) -> None:
    counts = np.bincount(events.regso, minlength=16)
    types = np.array([a.area_type for a in geography.regso])
    pops = np.array([a.population for a in geography.regso])

    def rate(wanted: tuple[int, ...]) -> float:
        m = np.isin(types, wanted)
        return float(counts[m].sum() / pops[m].sum() * 1000)

    assert rate((1, 2)) > 1.5 * rate((4, 5))


def test_hot_spots_hold_many_reports(events: SimulatedEvents) -> None:
    for name in ("Resecentrum", "Kronogårds torg", "Överby köpcentrum"):
        p = PLACE_BY_NAME[name]
        px, py = to_sweref(p.lon, p.lat)
        assert (np.hypot(events.x - px, events.y - py) < 300).sum() > 0.03 * len(events), name


def _rate_ratio(events: SimulatedEvents, lon: float, lat: float) -> float:
    px, py = to_sweref(lon, lat)
    m = (np.hypot(events.x - px, events.y - py) <= EFFECT_MEASURE.radius_m) & np.isin(
        events.category, EFFECT_MEASURE.categories)
    start = (EFFECT_MEASURE.start - DEMO_START).days
    before = (m & (events.day < start)).sum() / start
    after = (m & (events.day >= start)).sum() / (n_days() - start)
    return float(after / before)


def test_the_lighting_measure_lowers_reports_near_it_but_not_at_the_comparison(
        events: SimulatedEvents) -> None:
    at_measure = _rate_ratio(events, EFFECT_MEASURE.lon, EFFECT_MEASURE.lat)
    comparison = PLACE_BY_NAME[EFFECT_MEASURE.comparison_place]
    at_comparison = _rate_ratio(events, comparison.lon, comparison.lat)
    assert at_measure < 0.75
    assert 0.8 < at_comparison < 1.35
    assert at_measure / at_comparison < 0.8  # the difference in differences


def test_burglary_and_vandalism_repeat_nearby_soon_after(events: SimulatedEvents) -> None:
    """A Knox-style check: close pairs in space and time are far more common than by chance."""
    burglary = events.category == "burglary"
    xy = np.column_stack([events.x[burglary], events.y[burglary]])
    days = events.day[burglary]
    pairs = np.array(sorted(cKDTree(xy).query_pairs(NEAR_REPEAT.max_distance_m)))
    close_in_time = np.abs(days[pairs[:, 0]] - days[pairs[:, 1]]) <= NEAR_REPEAT.max_delay_days
    shuffled = np.random.default_rng(1).permutation(days)
    by_chance = np.abs(shuffled[pairs[:, 0]] - shuffled[pairs[:, 1]]) <= NEAR_REPEAT.max_delay_days
    assert close_in_time.sum() > 1.5 * by_chance.sum()
    assert (events.generation > 0).sum() > 0.05 * np.isin(events.category, NEAR_REPEAT.categories).sum()


def test_day_hour_weights_are_probabilities() -> None:
    for category, pattern in TIME_PATTERNS.items():
        w = day_hour_weights(pattern, category)
        assert w.shape == (n_days(), 24) and abs(w.sum() - 1) < 1e-9 and (w >= 0).all()

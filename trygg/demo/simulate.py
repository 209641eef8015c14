"""Simulate where and when reports happen: pure NumPy, no database, the same seed gives the same events.

The process, per category:

1. *primary events*: Poisson counts per spatial component, i.e. every hot spot of
   `scenario.HOTSPOTS` (Gaussian around the place) and a background spread over the DeSO by
   population times the area-type factor;
2. their local day and hour from a joint day × hour weight (season, weekday, hour profile,
   Friday/Saturday-night boost, special days);
3. the effect measure thins its categories near its place from its start date;
4. near-repeat follow-ups for burglary and vandalism, generation after generation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import shapely

from trygg.demo.geography import PLACE_BY_NAME, DemoGeography, locate, random_points_in
from trygg.demo.scenario import (
    AREA_TYPE_EXPONENT,
    AREA_TYPE_FACTOR,
    BACKGROUND_RATES,
    CAR_MEET,
    DEMO_END,
    DEMO_START,
    EFFECT_MEASURE,
    HOTSPOTS,
    NEAR_REPEAT,
    RURAL_FACTOR,
    RURAL_SPREAD_M,
    SPECIAL_DAYS,
    TIME_PATTERNS,
    EffectMeasure,
    NearRepeat,
    TimePattern,
)
from trygg.domain.geo import many_to_sweref, many_to_wgs84, to_sweref

NIGHT_HOURS = (21, 22, 23, 0, 1, 2, 3)


@dataclass(frozen=True)
class SimulatedEvents:
    """Simulated report events, one row per index, sorted by local time.

    `day` counts local calendar days from `start`; `hour`/`minute` are local (Europe/Stockholm)
    wall-clock time. `hotspot` indexes `scenario.HOTSPOTS` (-1: background); `regso` indexes
    `DemoGeography.regso`; `generation` is 0 for primary events, ≥ 1 for near-repeat follow-ups.
    """

    start: date
    category: np.ndarray
    hotspot: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    x: np.ndarray
    y: np.ndarray
    regso: np.ndarray
    day: np.ndarray
    hour: np.ndarray
    minute: np.ndarray
    generation: np.ndarray

    def __len__(self) -> int:
        return len(self.category)

    def dates(self) -> np.ndarray:
        """Local calendar dates as numpy datetime64[D]."""
        return np.datetime64(self.start, "D") + self.day.astype("timedelta64[D]")


def n_days(start: date = DEMO_START, end: date = DEMO_END) -> int:
    return (end - start).days + 1


def hour_profile(name: str) -> np.ndarray:
    """Relative weights of the 24 local hours for a named profile (sums to 1)."""
    h = np.arange(24)

    def bump(centre: float, sd: float) -> np.ndarray:
        d = np.minimum(np.abs(h - centre), 24 - np.abs(h - centre))
        return np.asarray(np.exp(-0.5 * (d / sd) ** 2))

    profiles = {
        "night": 0.05 + 0.25 * bump(15, 3) + 1.0 * bump(23, 2.2),
        "evening": 0.05 + 0.3 * bump(13, 3) + 1.0 * bump(20.5, 2.5),
        "day": 0.03 + 1.0 * bump(11.5, 3.5) + 0.3 * bump(19, 2),
        "dusk": 0.05 + 0.6 * bump(12, 3) + 1.0 * bump(19, 2.5),
        "school": 0.01 + 1.0 * bump(11, 2.5),
        "carmeet": 0.02 + 0.2 * bump(15, 3) + 1.0 * bump(22, 1.6),
    }
    w = profiles[name]
    result: np.ndarray = w / w.sum()
    return result


def season(day_of_year: np.ndarray, amplitude: float) -> np.ndarray:
    """1 + amplitude at mid-July, fading over about a month either side."""
    result: np.ndarray = 1.0 + amplitude * np.exp(-0.5 * ((day_of_year - 197.0) / 32.0) ** 2)
    return result


@lru_cache(maxsize=64)
def day_hour_weights(pattern: TimePattern, category: str, start: date = DEMO_START,
                     end: date = DEMO_END) -> np.ndarray:
    """Joint probability of (local day, local hour) for a category, shape (days, 24), sums to 1."""
    days = n_days(start, end)
    dates = np.datetime64(start, "D") + np.arange(days).astype("timedelta64[D]")
    doy = (dates - dates.astype("datetime64[Y]")).astype(int) + 1
    dow = (dates.astype("datetime64[D]").astype(int) + 3) % 7  # Monday = 0
    month = dates.astype("datetime64[M]").astype(int) % 12 + 1
    dom = (dates - dates.astype("datetime64[M]")).astype(int) + 1
    day_w = season(doy.astype(float), pattern.summer)
    if pattern.weekdays_only:
        day_w = day_w * (dow < 5)
    day_w = day_w * np.where(dow == 0, pattern.monday, 1.0)
    for (m, d), (factor, cats) in SPECIAL_DAYS.items():
        if category in cats:
            day_w = day_w * np.where((month == m) & (dom == d), factor, 1.0)
    w = day_w[:, None] * hour_profile(pattern.hours)[None, :]
    if pattern.weekend_night != 1.0:
        boost = np.ones_like(w)
        late = np.array([21, 22, 23])
        early = np.array([0, 1, 2, 3])
        fri_sat = np.isin(dow, (4, 5))
        sat_sun = np.isin(dow, (5, 6))
        boost[np.ix_(fri_sat, late)] = pattern.weekend_night
        boost[np.ix_(sat_sun, early)] = pattern.weekend_night
        w = w * boost
    result: np.ndarray = w / w.sum()
    return result


def is_weekend_night(day: np.ndarray, hour: np.ndarray, start: date = DEMO_START) -> np.ndarray:
    """True for local times in a Friday or Saturday night (21:00–03:59 the morning after)."""
    dow = (np.datetime64(start, "D").astype(int) + np.asarray(day) + 3) % 7
    late = np.isin(hour, (21, 22, 23)) & np.isin(dow, (4, 5))
    early = np.isin(hour, (0, 1, 2, 3)) & np.isin(dow, (5, 6))
    result: np.ndarray = late | early
    return result


def _sample_times(rng: np.random.Generator, weights: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    flat = rng.choice(weights.size, size=n, p=weights.ravel())
    return flat // 24, flat % 24


def _inside(outline: shapely.Geometry, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    lon, lat = many_to_wgs84(x, y)
    result: np.ndarray = shapely.contains_xy(outline, lon, lat)
    return result


def _gaussian_points(rng: np.random.Generator, outline: shapely.Geometry, cx: float, cy: float,
                     sd: float, n: int, within: shapely.Geometry | None = None) -> np.ndarray:
    """`n` SWEREF points around (cx, cy), redrawn until they fall inside `within` (or the outline)."""
    region = within if within is not None else outline
    shapely.prepare(region)
    out = np.empty((0, 2))
    while len(out) < n:
        m = max(32, 2 * (n - len(out)))
        cand = rng.normal((cx, cy), sd, size=(m, 2))
        out = np.vstack([out, cand[_inside(region, cand[:, 0], cand[:, 1])]])
    return out[:n]


def deso_weights(geo: DemoGeography, category: str) -> np.ndarray:
    """Share of a category's background reports per DeSO: population × area-type factor."""
    exponent = AREA_TYPE_EXPONENT.get(category, 1.0)
    w = np.array([
        d.population * AREA_TYPE_FACTOR[d.area_type or 4] ** exponent
        * (RURAL_FACTOR if d.code[4] in "AB" else 1.0)
        for d in geo.deso
    ])
    result: np.ndarray = w / w.sum()
    return result


def _background_points(rng: np.random.Generator, geo: DemoGeography, deso_index: int, n: int) -> np.ndarray:
    d = geo.deso[deso_index]
    if d.code[4] in "AB":  # countryside: around the village at the DeSO's centre
        cx, cy = to_sweref(*d.centroid)
        spread = RURAL_SPREAD_M / (2.0 if d.code[4] == "B" else 1.0)
        return _gaussian_points(rng, geo.municipality.geom, cx, cy, spread, n, within=d.geom)
    lonlat = random_points_in(d.geom, n, rng)
    x, y = many_to_sweref(lonlat[:, 0], lonlat[:, 1])
    return np.column_stack([x, y])


def _car_meet_pattern(category: str, hotspot_index: int) -> TimePattern:
    return CAR_MEET if category in HOTSPOTS[hotspot_index].car_meets else TIME_PATTERNS[category]


def primary_events(geo: DemoGeography, rng: np.random.Generator, start: date = DEMO_START,
                   end: date = DEMO_END) -> dict[str, np.ndarray]:
    """Hot-spot and background events before thinning and near-repeat follow-ups."""
    years = n_days(start, end) / 365.25
    outline = geo.municipality.geom
    cats: list[np.ndarray] = []
    hots: list[np.ndarray] = []
    pts: list[np.ndarray] = []
    days: list[np.ndarray] = []
    hours: list[np.ndarray] = []
    for category in TIME_PATTERNS:
        # background, spread over the DeSO
        n = int(rng.poisson(BACKGROUND_RATES[category] * years))
        counts = rng.multinomial(n, deso_weights(geo, category))
        for i, k in enumerate(counts):
            if k:
                pts.append(_background_points(rng, geo, i, int(k)))
        d, h = _sample_times(rng, day_hour_weights(TIME_PATTERNS[category], category, start, end), n)
        cats.append(np.full(n, category))
        hots.append(np.full(n, -1))
        days.append(d)
        hours.append(h)
        # hot spots
        for j, spot in enumerate(HOTSPOTS):
            rate = spot.rates.get(category, 0.0)
            if not rate:
                continue
            k = int(rng.poisson(rate * years))
            place = PLACE_BY_NAME[spot.place]
            cx, cy = to_sweref(place.lon, place.lat)
            pts.append(_gaussian_points(rng, outline, cx, cy, spot.sd_m, k))
            pattern = _car_meet_pattern(category, j)
            d, h = _sample_times(rng, day_hour_weights(pattern, category, start, end), k)
            cats.append(np.full(k, category))
            hots.append(np.full(k, j))
            days.append(d)
            hours.append(h)
    xy = np.vstack(pts)
    return {"category": np.concatenate(cats), "hotspot": np.concatenate(hots), "x": xy[:, 0],
            "y": xy[:, 1], "day": np.concatenate(days), "hour": np.concatenate(hours),
            "generation": np.zeros(len(xy), dtype=np.int64)}


def effect_keep_mask(category: np.ndarray, x: np.ndarray, y: np.ndarray, day: np.ndarray,
                     rng: np.random.Generator, measure: EffectMeasure = EFFECT_MEASURE,
                     start: date = DEMO_START) -> np.ndarray:
    """False for the events the measure prevents: its categories, near its place, from its start."""
    px, py = to_sweref(measure.lon, measure.lat)
    near = np.hypot(x - px, y - py) <= measure.radius_m
    after = day >= (measure.start - start).days
    hit = near & after & np.isin(category, measure.categories)
    result: np.ndarray = ~(hit & (rng.random(len(category)) < measure.reduction))
    return result


def near_repeat_children(parents: dict[str, np.ndarray], rng: np.random.Generator, outline: shapely.Geometry,
                         n_days_total: int, nr: NearRepeat = NEAR_REPEAT) -> dict[str, np.ndarray]:
    """All follow-up generations of the near-repeat categories, as one event table."""
    out: list[dict[str, np.ndarray]] = []
    mask = np.isin(parents["category"], nr.categories)
    gen = {k: v[mask] for k, v in parents.items()}
    for g in range(1, nr.max_generations + 1):
        counts = rng.poisson(nr.branching, len(gen["category"]))
        if counts.sum() == 0:
            break
        idx = np.repeat(np.arange(len(counts)), counts)
        m = len(idx)
        r = np.minimum(np.abs(rng.normal(0.0, nr.distance_sd_m, m)), nr.max_distance_m)
        theta = rng.uniform(0, 2 * np.pi, m)
        x = gen["x"][idx] + r * np.cos(theta)
        y = gen["y"][idx] + r * np.sin(theta)
        delay = np.minimum(np.ceil(rng.exponential(nr.mean_delay_days, m)), nr.max_delay_days).astype(int)
        day = gen["day"][idx] + delay
        category = gen["category"][idx]
        hour = np.empty(m, dtype=np.int64)
        for c in np.unique(category):
            sel = category == c
            hour[sel] = rng.choice(24, size=int(sel.sum()), p=hour_profile(TIME_PATTERNS[str(c)].hours))
        ok = (day < n_days_total) & _inside(outline, x, y)
        gen = {"category": category[ok], "hotspot": gen["hotspot"][idx][ok], "x": x[ok], "y": y[ok],
               "day": day[ok], "hour": hour[ok], "generation": np.full(int(ok.sum()), g)}
        out.append(gen)
    if not out:
        return {k: v[:0] for k, v in parents.items()}
    return {k: np.concatenate([o[k] for o in out]) for k in parents}


def simulate_events(geo: DemoGeography, seed: int = 2022, start: date = DEMO_START,
                    end: date = DEMO_END, measure: EffectMeasure = EFFECT_MEASURE) -> SimulatedEvents:
    """Simulate every report event of the demo period; deterministic for a given `seed`."""
    rng = np.random.default_rng([seed, 1])
    ev = primary_events(geo, rng, start, end)
    keep = effect_keep_mask(ev["category"], ev["x"], ev["y"], ev["day"], rng, measure, start)
    ev = {k: v[keep] for k, v in ev.items()}
    children = near_repeat_children(ev, rng, geo.municipality.geom, n_days(start, end))
    ev = {k: np.concatenate([ev[k], children[k]]) for k in ev}
    lon, lat = many_to_wgs84(ev["x"], ev["y"])
    lon, lat = np.round(lon, 6), np.round(lat, 6)
    regso = locate([a.geom for a in geo.regso], lon, lat)
    minute = rng.integers(0, 60, len(lon))
    rounded = rng.random(len(lon)) < 0.6  # reporters round to the quarter hour
    minute = np.where(rounded, minute // 15 * 15, minute)
    ok = regso >= 0
    order = np.lexsort((minute[ok], ev["hour"][ok], ev["day"][ok]))
    x, y = many_to_sweref(lon[ok][order], lat[ok][order])
    return SimulatedEvents(
        start=start, category=ev["category"][ok][order], hotspot=ev["hotspot"][ok][order],
        lon=lon[ok][order], lat=lat[ok][order], x=np.round(x, 2), y=np.round(y, 2),
        regso=regso[ok][order], day=ev["day"][ok][order].astype(np.int64),
        hour=ev["hour"][ok][order].astype(np.int64), minute=minute[ok][order].astype(np.int64),
        generation=ev["generation"][ok][order].astype(np.int64),
    )



"""What is new for an EST group since its last meeting: reports, alarms, new hot spots, near repeats."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
from sqlalchemy.orm import Session

from trygg.analysis.near_repeat import knox
from trygg.analysis.repeat_locations import repeat_locations
from trygg.domain.geo import to_wgs84
from trygg.lagesbild.model import Lagesbild
from trygg.lagesbild.periods import local_midnight, to_local
from trygg.lagesbild.service import CACHE, PRECISE, _AreaLocator, build_lagesbild
from trygg.storage import versions
from trygg.storage.lagesbild import area_profiles, data_version
from trygg.storage.reports import ReportFilter, report_arrays

#: Categories known to repeat near earlier incidents (burglary, vandalism, arson).
NEAR_REPEAT_CATEGORIES = ("burglary", "vandalism", "arson")
#: A warning: this many reports of those categories within NEAR_DISTANCE metres in NEAR_DAYS days.
NEAR_DISTANCE = 200.0
NEAR_DAYS = 14
NEAR_MIN_COUNT = 2
#: History for the Knox test.
KNOX_DAYS = 365
KNOX_PERMUTATIONS = 99
KNOX_SEED = 2022


@dataclass(frozen=True)
class RepeatPlace:
    """About NEAR_DISTANCE metres square with several near-repeat-prone reports in the last NEAR_DAYS days."""

    lon: float
    lat: float
    count: int
    categories: tuple[str, ...]
    area_name: str
    latest: date


@dataclass(frozen=True)
class NearRepeatTest:
    """Knox test over the last year: are reports within 200 m and 14 days of each other more common than chance?"""

    n_events: int
    observed: int
    expected: float
    ratio: float | None
    p_value: float | None

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value <= 0.05 and (self.ratio or 0) > 1


@dataclass(frozen=True)
class MeetingBrief:
    since: date
    today: date
    picture: Lagesbild
    repeat_places: tuple[RepeatPlace, ...]
    near_repeat: NearRepeatTest | None


def build_meeting_brief(session: Session, area_ids: tuple[int, ...], *, since: date, today: date,
                        base: ReportFilter | None = None) -> MeetingBrief:
    """The picture of the group's areas from `since` (the last meeting) up to and including `today`."""
    base = base or ReportFilter()
    flt = replace(base, area_ids=area_ids, start=local_midnight(since), end=local_midnight(today + timedelta(days=1)))
    picture = build_lagesbild(session, flt, today=today)
    key = ("near-repeat", versions.database_key(session), replace(base, area_ids=area_ids), today,
           data_version(session))
    places, test = CACHE.get_or_compute(key, lambda: _near_repeats(session, replace(base, area_ids=area_ids), today))
    return MeetingBrief(since, today, picture, places, test)


def _near_repeats(session: Session, base: ReportFilter,
                  today: date) -> tuple[tuple[RepeatPlace, ...], NearRepeatTest | None]:
    end = local_midnight(today + timedelta(days=1))
    flt = replace(base, categories=NEAR_REPEAT_CATEGORIES, start=end - timedelta(days=KNOX_DAYS), end=end)
    arr = report_arrays(session, flt)
    keep = np.isin(arr.precision.astype(str), PRECISE) & np.isfinite(arr.x)
    x, y, t, cat = arr.x[keep], arr.y[keep], to_local(arr.time[keep]), arr.category[keep].astype(str)
    test: NearRepeatTest | None = None
    if x.size >= 10:
        days = (t - t.min()).astype("timedelta64[s]").astype(np.float64) / 86400.0
        kr = knox(x, y, days, distance_edges=[NEAR_DISTANCE, 2 * NEAR_DISTANCE], time_edges=[NEAR_DAYS, 2 * NEAR_DAYS],
                  permutations=KNOX_PERMUTATIONS, seed=KNOX_SEED)
        obs = int(kr.observed[:2, 0].sum())  # same place or closer than 200 m, within 14 days
        exp = float(kr.expected[:2, 0].sum())
        test = NearRepeatTest(int(x.size), obs, round(exp, 1), round(obs / exp, 2) if exp > 0 else None,
                              float(kr.p_value[1, 0]))
    recent = t >= np.datetime64(today - timedelta(days=NEAR_DAYS - 1), "s")
    places: list[RepeatPlace] = []
    if recent.sum() >= NEAR_MIN_COUNT:
        rx, ry, rt, rc = x[recent], y[recent], t[recent], cat[recent]
        rl = repeat_locations(rx, ry, tolerance=NEAR_DISTANCE, min_count=NEAR_MIN_COUNT)
        locate = _AreaLocator(area_profiles(session))
        for px, py, n, members in zip(rl.x, rl.y, rl.count, rl.members, strict=True):
            lon, lat = to_wgs84(float(px), float(py))
            cats = tuple(sorted(set(rc[members].tolist())))
            latest = rt[members].max().astype("datetime64[D]").astype(date)
            places.append(RepeatPlace(round(lon, 5), round(lat, 5), int(n), cats, locate(float(px), float(py)), latest))
    return tuple(places), test

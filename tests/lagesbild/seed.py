"""A known history of reports for lägesbild tests: a steady background and one planted cluster.

``seed_history(db, world, end=…)`` writes about 110 weeks of background reports in the four test
districts and, in the last complete week before `end`, a cluster of 30 vandalism reports within 25 m
of one spot in Kronogården (a repeat place) inside a hot area of 30 more within a few hundred metres
(a Gi* hot spot; a dense single cell alone is not one under the randomisation null) and together a
trend alarm, plus three burglaries within 100 m in the last days (a near-repeat warning).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import shapely
from sqlalchemy import insert

from tests.factories import AREA_BOXES, World
from trygg.domain.geo import many_to_sweref
from trygg.lagesbild.periods import last_complete_week
from trygg.storage.database import Database
from trygg.storage.schema import Report

BACKGROUND = ("vandalism", "disorder", "littering", "unsafe_place", "traffic")
CLUSTER_AT = (12.2900, 58.2850)  # inside T002 Kronogården
WEEKS = 110


@dataclass(frozen=True)
class History:
    end: date  # "today" the history was made for
    cluster_week: date  # Monday of the week with the planted cluster
    n_background: int
    n_cluster: int


def _rows(lon: np.ndarray, lat: np.ndarray, when: list[datetime], cats: list[str], area_ids: list[int],
          org_id: int, source: str = "est") -> list[dict[str, object]]:
    x, y = many_to_sweref(lon, lat)
    return [{"public_id": uuid.uuid4().hex, "category": c, "description": "", "lon": float(lo),
             "lat": float(la), "x": float(xx), "y": float(yy), "geom": shapely.Point(float(xx), float(yy)),
             "precision": "exact", "area_id": a, "outside": False, "occurred_from": w, "insecurity": 3,
             "organisation_id": org_id, "status": "received", "source": source}
            for lo, la, xx, yy, w, c, a in zip(lon, lat, x, y, when, cats, area_ids, strict=True)]


def seed_history(db: Database, world: World, *, end: date, seed: int = 7) -> History:
    rng = np.random.default_rng(seed)
    week = last_complete_week(end)
    first_monday = week.first_day - timedelta(weeks=WEEKS - 1)
    lon: list[float] = []
    lat: list[float] = []
    when: list[datetime] = []
    cats: list[str] = []
    areas: list[int] = []
    for w in range(WEEKS):
        monday = first_monday + timedelta(weeks=w)
        for code, (_name, _typ, box, _pop) in AREA_BOXES.items():
            for _ in range(int(rng.poisson(3))):
                lon.append(float(rng.uniform(box[0] + 0.001, box[2] - 0.001)))
                lat.append(float(rng.uniform(box[1] + 0.001, box[3] - 0.001)))
                day = monday + timedelta(days=int(rng.integers(0, 7)))
                when.append(datetime.combine(day, time(int(rng.integers(8, 20)), 0), UTC))
                cats.append(str(rng.choice(BACKGROUND)))
                areas.append(world.area_ids[code])
    n_background = len(lon)
    rows = _rows(np.array(lon), np.array(lat), when, cats, areas, world.org_ids["bostad"])
    # The cluster: 30 vandalism reports within about 25 m, Friday and Saturday nights of the last full week.
    n = 30
    c_lon = CLUSTER_AT[0] + rng.uniform(-0.0003, 0.0003, n)
    c_lat = CLUSTER_AT[1] + rng.uniform(-0.0002, 0.0002, n)
    # The hot area around it: 30 more, about 150 m apart (sd), kept inside Kronogården.
    c_lon = np.concatenate([c_lon, np.clip(CLUSTER_AT[0] + rng.normal(0, 0.0025, n), 12.281, 12.299)])
    c_lat = np.concatenate([c_lat, np.clip(CLUSTER_AT[1] + rng.normal(0, 0.0013, n), 58.281, 58.289)])
    n *= 2
    c_when = [datetime.combine(week.first_day + timedelta(days=4 + i % 2), time(21, 30), UTC) for i in range(n)]
    rows += _rows(c_lon, c_lat, c_when, ["vandalism"] * n, [world.area_ids["T002"]] * n, world.org_ids["vakt"])
    # Near repeats: three burglaries within about 100 m in the last three days before `end`.
    b_lon = np.array([12.2705, 12.2710, 12.2712])
    b_lat = np.array([58.2750, 58.2752, 58.2749])
    b_when = [datetime.combine(end - timedelta(days=k), time(3, 0), UTC) for k in (1, 2, 3)]
    rows += _rows(b_lon, b_lat, b_when, ["burglary"] * 3, [world.area_ids["T003"]] * 3, world.org_ids["polis"],
                  source="police_events")
    with db.session() as s:
        s.execute(insert(Report), rows)
    return History(end=end, cluster_week=week.first_day, n_background=n_background, n_cluster=n)

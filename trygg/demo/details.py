"""Turn simulated events into complete reports: who filed them, how precisely, when, and what became of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from trygg.demo.geography import DemoGeography
from trygg.demo.organisations import EIDAR_REGSO, REPORTING_ORGS, ROUTING
from trygg.demo.scenario import DEMO_END, HOTSPOTS, REPORT_MIX, TIMEZONE, ReportMix
from trygg.demo.simulate import SimulatedEvents
from trygg.demo.texts import describe_many, feedback_many
from trygg.domain.categories import DEFAULT_TAXONOMY
from trygg.domain.geo import many_to_sweref

BASE_INSECURITY: dict[str, float] = {
    "violence": 4.0, "sexual_harassment": 4.2, "youth": 3.0, "disorder": 3.2, "vandalism": 2.4,
    "arson": 3.6, "narcotics": 3.4, "alcohol_minors": 2.6, "littering": 1.6, "unsafe_place": 3.1,
    "traffic": 2.8, "staff_threat": 3.8, "burglary": 2.9, "event": 1.5,
}
POLICE_CALLED: dict[str, float] = {
    "violence": 0.75, "sexual_harassment": 0.6, "disorder": 0.3, "narcotics": 0.35, "arson": 0.4,
    "traffic": 0.35, "burglary": 0.55, "staff_threat": 0.3, "youth": 0.15, "alcohol_minors": 0.2,
    "vandalism": 0.1,
}
GROUP_CATEGORIES = ("disorder", "youth", "violence", "traffic", "narcotics", "alcohol_minors")
SPAN_CATEGORIES = ("vandalism", "littering", "burglary", "unsafe_place")


@dataclass(frozen=True)
class ReportDetails:
    """Per-event report fields, aligned with the `SimulatedEvents` they were made from."""

    source: np.ndarray
    org_key: np.ndarray
    reporter_slot: np.ndarray  # -1: no reporter user (resident reports)
    routed_to_key: np.ndarray  # "" when not routed
    precision: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    x: np.ndarray
    y: np.ndarray
    occurred_from: list[datetime]
    occurred_to: list[datetime | None]
    created_at: list[datetime]
    updated_at: list[datetime]
    status: np.ndarray
    insecurity: np.ndarray  # 0 = not given
    people_count: np.ndarray  # 0 = not given
    police_called: np.ndarray  # -1 = not given, 0/1
    description: list[str]
    feedback: list[str]
    public_id: list[str]


def _choose_orgs(categories: np.ndarray, regso_codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = np.empty(len(categories), dtype=object)
    for c in np.unique(categories):
        sel = np.flatnonzero(categories == c)
        keys = list(REPORTING_ORGS[str(c)])
        p = np.array([REPORTING_ORGS[str(c)][k] for k in keys], dtype=float)
        out[sel] = np.array(keys, dtype=object)[rng.choice(len(keys), len(sel), p=p / p.sum())]
    housing = out == "housing"
    out[housing] = np.where(np.isin(regso_codes[housing], EIDAR_REGSO), "eidar", "alvstranden")
    return out


def utc_times(start: date, day: np.ndarray, hour: np.ndarray, minute: np.ndarray) -> list[datetime]:
    """Local Europe/Stockholm wall-clock times as timezone-aware UTC datetimes."""
    tz = ZoneInfo(TIMEZONE)
    base = datetime.combine(start, time(0), tzinfo=tz)
    out: list[datetime] = []
    for d, h, m in zip(day.tolist(), hour.tolist(), minute.tolist(), strict=True):
        local = (base + timedelta(days=d)).replace(hour=h, minute=m)
        out.append(local.astimezone(UTC))
    return out


def _statuses(age_days: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    old = np.array(["resolved", "rejected", "in_progress", "triaged"])
    new = np.array(["received", "triaged", "in_progress", "resolved"])
    pick_old = old[rng.choice(4, len(age_days), p=[0.88, 0.04, 0.03, 0.05])]
    pick_new = new[rng.choice(4, len(age_days), p=[0.35, 0.3, 0.2, 0.15])]
    result: np.ndarray = np.where(age_days > 45, pick_old, pick_new)
    return result


def report_details(ev: SimulatedEvents, geo: DemoGeography, seed: int = 2022,
                   mix: ReportMix = REPORT_MIX, end: date = DEMO_END) -> ReportDetails:
    """Every field of every report besides the simulated what/where/when; deterministic for `seed`."""
    rng = np.random.default_rng([seed, 2])
    n = len(ev)
    cats = ev.category
    regso_codes = np.array([geo.regso[i].code for i in ev.regso])
    public = np.array([DEFAULT_TAXONOMY.category(str(c)).public for c in cats])  # the demo's taxonomy
    resident = public & (rng.random(n) < mix.resident_share)
    source = np.where(resident, "resident", "est")
    org_key = _choose_orgs(cats, regso_codes, rng)
    org_key[resident] = "kontaktcenter"
    slot = np.where(resident, -1, rng.integers(0, 1000, n))
    routed = np.array([ROUTING.get(str(c), "trygghet") if r else "" for c, r in zip(cats, resident,
                                                                                    strict=True)])
    names = list(mix.precision)
    p = np.array([mix.precision[k] for k in names])
    precision = np.array(names)[rng.choice(len(names), n, p=p / p.sum())]
    precision[resident & (precision == "exact") & (rng.random(n) < 0.5)] = "address"
    lon, lat = ev.lon.copy(), ev.lat.copy()
    centroid = precision == "area_centroid"
    lon[centroid] = [geo.regso[i].centroid[0] for i in ev.regso[centroid]]
    lat[centroid] = [geo.regso[i].centroid[1] for i in ev.regso[centroid]]
    x, y = ev.x.copy(), ev.y.copy()
    if centroid.any():
        cx, cy = many_to_sweref(lon[centroid], lat[centroid])
        x[centroid], y[centroid] = np.round(cx, 2), np.round(cy, 2)

    occurred = utc_times(ev.start, ev.day, ev.hour, ev.minute)
    span = np.isin(cats, SPAN_CATEGORIES) & (rng.random(n) < mix.span_share * 2)
    span |= rng.random(n) < mix.span_share / 4
    span_hours = rng.integers(1, 11, n)
    occurred_to = [o + timedelta(hours=int(h)) if s else None
                   for o, s, h in zip(occurred, span, span_hours, strict=True)]
    batch = ~resident & (rng.random(n) < 0.4)  # the weekly batch is allowed in EST
    delay_h = np.where(batch, rng.uniform(24, 168, n), rng.uniform(0.3, 8, n))
    delay_h += np.where(span, span_hours, 0)
    created = [o + timedelta(hours=float(d)) for o, d in zip(occurred, delay_h, strict=True)]
    end_dt = datetime.combine(end, time(23, 59), tzinfo=UTC)
    age_days = np.array([(end_dt - c).days for c in created])
    status = _statuses(age_days, rng)
    handled = rng.uniform(1, 30, n)
    updated = [c + timedelta(days=float(h)) if s != "received" else c
               for c, s, h in zip(created, status, handled, strict=True)]

    night = np.isin(ev.hour, (21, 22, 23, 0, 1, 2, 3))
    base = np.array([BASE_INSECURITY[str(c)] for c in cats]) + 0.5 * night + 0.3 * (ev.hotspot >= 0)
    insecurity = np.clip(np.rint(base + rng.normal(0, 0.8, n)), 1, 5).astype(np.int64)
    insecurity[resident & (rng.random(n) < 0.3)] = 0
    group = np.isin(cats, GROUP_CATEGORIES)
    people = np.where(group, np.clip(rng.poisson(4, n) + 1, 1, 30), 0)
    people = np.where(np.isin(cats, ("violence",)), rng.integers(2, 5, n), people)
    pc = np.array([POLICE_CALLED.get(str(c), -1.0) for c in cats])
    police_called = np.where(pc < 0, -1, (rng.random(n) < pc).astype(np.int64))

    places = [HOTSPOTS[h].place if h >= 0 and rng_flag else None
              for h, rng_flag in zip(ev.hotspot.tolist(), (rng.random(n) < 0.7).tolist(), strict=True)]
    description = describe_many(cats, places, ev.hour, rng)
    feedback = feedback_many(cats, status == "resolved", rng)
    raw = rng.bytes(16 * n)
    public_id = [raw[i * 16:(i + 1) * 16].hex() for i in range(n)]
    return ReportDetails(
        source=source, org_key=org_key, reporter_slot=slot, routed_to_key=routed, precision=precision,
        lon=lon, lat=lat, x=x, y=y, occurred_from=occurred, occurred_to=occurred_to, created_at=created,
        updated_at=updated, status=status, insecurity=insecurity, people_count=people,
        police_called=police_called, description=description, feedback=feedback, public_id=public_id,
    )


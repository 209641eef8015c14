"""The demo's field work as data: safety walks and night-walker shifts, drawn deterministically.

Pure (no database): `walk_specs(geo, seed)` and `shift_specs(geo, seed)` give the same specs for
the same seed; `trygg.demo.fieldwork_seed` writes them through the field-work services. Routes,
findings and observations lie inside their district's drawn polygon. The demo's "today" is
`scenario.DEMO_END`: what happened before it is done (with feedback), what lies after is planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import shapely

from trygg.demo.fieldwork_texts import (
    FINDINGS,
    IN_PROGRESS_NOTES,
    ITEM_WEIGHTS_DARK,
    ITEM_WEIGHTS_LIGHT,
    SHIFT_CATEGORY_WEIGHTS,
    SHIFT_NOTES,
    SHIFT_OBSERVATIONS,
)
from trygg.demo.geography import KX, PLACE_BY_NAME, DemoGeography
from trygg.demo.scenario import DEMO_END, EFFECT_MEASURE, TIMEZONE
from trygg.demo.texts import FEEDBACK

TODAY = DEMO_END  # the demo's "today" when built on the reference day; builds pass their own
TZ = ZoneInfo(TIMEZONE)
M_PER_DEG = 111_320.0  # metres per degree of latitude
ROUTE_MARGIN_M = 30.0  # routes keep this far inside their district

# Titles of the 2022 plan's activities (trygg.demo.seed_plan) that field work is counted towards.
EST_ACTIVITY = "Arbeta enligt EST-metoden"
WALKERS_ACTIVITY = "Utbilda trygghetsvandrare"
WATCH_ACTIVITY = "Grannsamverkan"
ANDTS_ACTIVITY = "Två informationsmöten om ANDTS"
GYM_ACTIVITY = "Antidopingarbete i certifierade gym"
BAR_ACTIVITY = "Krogtillsyn"
LIGHT_ACTIVITY = EFFECT_MEASURE.name


def stream(seed: int, part: int) -> np.random.Generator:
    """An independent random stream per part of the field work, so one part can change alone."""
    return np.random.default_rng([seed, 7, part])


def local_time(day: date, hour: int, minute: int = 0) -> datetime:
    """Swedish local wall-clock time on `day` as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), TZ).astimezone(UTC)


def offset(lon: float, lat: float, dx_m: float, dy_m: float) -> tuple[float, float]:
    """The point `dx_m` metres east and `dy_m` metres north of (lon, lat)."""
    return round(lon + dx_m / (M_PER_DEG * KX), 6), round(lat + dy_m / M_PER_DEG, 6)


def margin_m(geom: shapely.Geometry, points: np.ndarray) -> np.ndarray:
    """Metres from each (lon, lat) point to the edge of `geom`; negative outside it."""
    scale = np.array([KX, 1.0])
    scaled = shapely.transform(geom, lambda c: c * scale)
    pts = shapely.points(points * scale)
    dist = shapely.distance(scaled.boundary, pts) * M_PER_DEG
    return np.where(shapely.contains(scaled, pts), dist, -dist)


def line_samples(coords: np.ndarray, n: int = 60) -> np.ndarray:
    """`n` points evenly along a polyline of (lon, lat) coordinates."""
    scale = np.array([KX, 1.0])
    line = shapely.LineString(coords * scale)
    pts = shapely.line_interpolate_point(line, np.linspace(0.0, 1.0, n), normalized=True)
    return np.asarray(shapely.get_coordinates(pts)) / scale


# --------------------------------------------------------------------------- safety walks


@dataclass(frozen=True)
class Outcome:
    status: str  # in_progress | resolved
    days: int  # days after the walk
    note: str


@dataclass(frozen=True)
class ObservationSpec:
    key: str  # the device's idempotency key
    item: str
    lon: float
    lat: float
    note: str
    minutes: int  # after the walk's start
    recorder: str  # username
    public_id: str  # of the report it becomes
    outcomes: tuple[Outcome, ...]


@dataclass(frozen=True)
class WalkSpec:
    title: str
    regso: str
    meeting_point: str
    starts_at: datetime  # UTC
    organiser: str  # organisation key
    organisations: tuple[str, ...]  # participating organisation keys
    resident_groups: tuple[str, ...]
    route: tuple[tuple[float, float], ...]
    notes: str
    activity: str | None  # title of the plan activity
    done: bool
    observations: tuple[ObservationSpec, ...]


@dataclass(frozen=True)
class _WalkPlan:
    title: str
    regso: str
    place: str
    day: date
    hour: int
    organiser: str
    orgs: tuple[str, ...]
    groups: tuple[str, ...]
    activity: str | None
    findings: int
    notes: str


def walk_plans(today: date = TODAY) -> tuple[_WalkPlan, ...]:
    """The safety walks of the story: six done in 2025–2026 and one planned ten days after `today`."""
    planned = _WalkPlan("Trygghetsrond Resecentrum", "1488R015", "Resecentrum", today + timedelta(days=10), 18,
                        "trygghet", ("polisen", "vakt", "gatapark"), (), EST_ACTIVITY, 0,
                        "Planerad kvällsrond kring Resecentrum och gångtunnlarna inför vintern.")
    return (*_DONE_WALKS, planned)


_DONE_WALKS: tuple[_WalkPlan, ...] = (
    _WalkPlan("Trygghetsrond Kronogårds torg", "1488R007", "Kronogårds torg", date(2025, 3, 12), 18, "trygghet",
              ("polisen", "eidar", "fritid", "gatapark", "trygghetsvandrarna"),
              ("Hyresgästföreningen Kronogården", "Föräldraföreningen vid Kronogårdsskolan"), EST_ACTIVITY, 7,
              "Samling vid Kronogårds torg. Rundan går gångvägarna runt torget, förbi skolan och ungdomsgården."),
    _WalkPlan("Trygghetsrond Lextorps centrum", "1488R008", "Lextorps centrum", date(2025, 4, 9), 18, "trygghet",
              ("polisen", "eidar", "utbildning", "nattvandrarna"), ("Hyresgästföreningen Lextorp",),
              EST_ACTIVITY, 5, "Samling vid Lextorps centrum. Fokus på gångvägarna mot skolan."),
    _WalkPlan("Trygghetsrond Hjulkvarnelund – uppföljning av den nya belysningen", "1488R004", "Hjulkvarnelund",
              date(2025, 10, 15), 17, "gatapark", ("trygghet", "eidar", "trygghetsvandrarna"),
              ("Boende i Hjulkvarn",), LIGHT_ACTIVITY, 4,
              "Uppföljning av LED-belysningen och röjningen längs gång- och cykelvägen genom Hjulkvarnelund."),
    _WalkPlan("Trygghetsrond Sylte centrum", "1488R012", "Sylte centrum", date(2025, 11, 5), 18, "trygghet",
              ("polisen", "eidar", "fritid", "gatapark"),
              ("Hyresgästföreningen Sylte", "Föräldragrupp vid Sylteskolan"), EST_ACTIVITY, 6,
              "Samling vid Sylte centrum. Rundan följer gångvägarna mellan centrum, skolan och ungdomsgården."),
    _WalkPlan("Trygghetsrond Drottningtorget och Storgatan", "1488R015", "Drottningtorget", date(2026, 2, 18), 19,
              "trygghet", ("polisen", "vakt", "gatapark", "alvstranden", "trygghetsvandrarna"),
              ("Centrumföreningen (handlare)",), EST_ACTIVITY, 8,
              "Kvällsrond i centrum: Drottningtorget, Storgatan och stråket mot Resecentrum."),
    _WalkPlan("Trygghetsrond Kronogården hösten 2026", "1488R007", "Kronogårds torg", date(2026, 10, 21), 18,
              "eidar", ("trygghet", "polisen", "fritid", "gatapark", "nattvandrarna"),
              ("Hyresgästföreningen Kronogården",), EST_ACTIVITY, 6,
              "Eidars höstrond med kommunen och polisen: följer upp vårens åtgärder kring torget."),
)
RECORDERS: dict[str, str] = {  # organisation key → the username that records findings on a walk
    "trygghet": "samordnare", "eidar": "rapportor-eidar-1", "trygghetsvandrarna": "rapportor-trygghetsvandrarna-1",
    "nattvandrarna": "rapportor-nattvandrarna-1", "fritid": "rapportor-fritid-1", "polisen": "rapportor-polisen-1",
    "gatapark": "rapportor-gatapark-1", "vakt": "rapportor-vakt-1",
}


def _route(geom: shapely.Geometry, start: tuple[float, float], rng: np.random.Generator,
           size: tuple[float, float] = (330.0, 240.0)) -> np.ndarray:
    """A walk round a few blocks from `start` (a loop with small jogs, like streets), inside `geom`."""
    angle0 = rng.uniform(0.0, np.pi / 2)
    a0, b0 = size[0] * rng.uniform(0.8, 1.2), size[1] * rng.uniform(0.8, 1.2)
    jog = rng.uniform(-25.0, 25.0, 4)
    for scale in (1.0, 0.8, 0.65, 0.5, 0.35, 0.25):
        for quarter in range(4):
            a, b, ang = a0 * scale, b0 * scale, angle0 + quarter * np.pi / 2
            local = np.array([(0, 0), (a / 2, jog[0]), (a, 0), (a + jog[1], b / 2), (a, b), (a / 2, b + jog[2]),
                              (0, b), (jog[3], b / 2), (0, 0)], dtype=float)
            rot = np.array([[np.cos(ang), np.sin(ang)], [-np.sin(ang), np.cos(ang)]])
            metres = local @ rot
            coords = np.array([offset(start[0], start[1], dx, dy) for dx, dy in metres])
            if (margin_m(geom, line_samples(coords)) >= ROUTE_MARGIN_M).all():
                return coords
    raise ValueError("No walk route fits inside the district.")


def _outcomes(rng: np.random.Generator, item: str, pick: int, age_days: int) -> tuple[Outcome, ...]:
    """What happened to a finding by the demo's today: resolved (with feedback), in progress or open."""
    resolution = FINDINGS[item][pick % len(FINDINGS[item])][1]
    started = Outcome("in_progress", int(rng.integers(1, 6)), str(rng.choice(IN_PROGRESS_NOTES)))
    settled = age_days > 180
    u = rng.random()
    if age_days < started.days + 2:
        return ()
    if u < (0.9 if settled else 0.35):
        done_day = int(rng.integers(started.days + 2, min(age_days, started.days + 45) + 1))
        return (started, Outcome("resolved", done_day, resolution)) if rng.random() < 0.6 else (
            Outcome("resolved", done_day, resolution),)
    if u < (1.0 if settled else 0.65):
        return (started,)
    return ()


def _walk(plan: _WalkPlan, geo: DemoGeography, rng: np.random.Generator, today: date) -> WalkSpec:
    geom = geo.regso_by_code()[plan.regso].geom
    place = PLACE_BY_NAME[plan.place]
    coords = _route(geom, (place.lon, place.lat), rng)
    starts = local_time(plan.day, plan.hour)
    age = (today - plan.day).days
    weights = ITEM_WEIGHTS_DARK if plan.day.month in (1, 2, 3, 10, 11, 12) else ITEM_WEIGHTS_LIGHT
    items = list(weights)
    chosen: list[str] = []
    for _ in range(plan.findings):  # each repeat of an item is less likely: a walk finds a mix
        p = np.array([weights[i] * 0.35 ** chosen.count(i) for i in items])
        chosen.append(str(rng.choice(items, p=p / p.sum())))
    if plan.activity == LIGHT_ACTIVITY:  # the lighting follow-up looks at the lights first
        chosen[:2] = ["lighting", "vegetation"]
    recorders = [RECORDERS[o] for o in (plan.organiser, *plan.orgs) if o in RECORDERS]
    samples = line_samples(coords, 400)
    fractions = np.sort(rng.uniform(0.04, 0.96, plan.findings))
    minutes = np.round(10 + fractions * 80).astype(int)
    first_pick = {item: int(rng.integers(0, len(FINDINGS[item]))) for item in FINDINGS}
    seen: dict[str, int] = {}
    observations = []
    for k, (item, f) in enumerate(zip(chosen, fractions, strict=True)):
        pick = first_pick[item] + seen.get(item, 0)
        seen[item] = seen.get(item, 0) + 1
        lon, lat = samples[int(f * (len(samples) - 1))]
        lon, lat = offset(float(lon), float(lat), *rng.uniform(-8.0, 8.0, 2))
        outcomes = _outcomes(rng, item, pick, age)
        observations.append(ObservationSpec(
            key=f"demo-walk-{plan.day:%Y%m%d}-{k + 1:02d}", item=item, lon=lon, lat=lat,
            note=FINDINGS[item][pick % len(FINDINGS[item])][0], minutes=int(minutes[k]),
            recorder=recorders[int(rng.integers(0, len(recorders)))], public_id=rng.bytes(16).hex(),
            outcomes=outcomes))
    if 0 < age <= 60 and observations:  # a recent walk: its first finding is an unlit path, still open
        first = observations[0]
        note = FINDINGS["lighting"][0][0]
        observations[0] = ObservationSpec(first.key, "lighting", first.lon, first.lat, note, first.minutes,
                                          first.recorder, first.public_id, ())
    return WalkSpec(title=plan.title, regso=plan.regso, meeting_point=plan.place, starts_at=starts,
                    organiser=plan.organiser, organisations=plan.orgs, resident_groups=plan.groups,
                    route=tuple((float(x), float(y)) for x, y in coords), notes=plan.notes, activity=plan.activity,
                    done=plan.day < today, observations=tuple(observations))


def walk_specs(geo: DemoGeography, seed: int, today: date = TODAY) -> tuple[WalkSpec, ...]:
    """The demo's safety walks (2025–2026 and one planned after `today`), oldest first."""
    rng = stream(seed, 1)
    return tuple(_walk(plan, geo, rng, today) for plan in walk_plans(today))


# --------------------------------------------------------------------------- night-walker shifts


@dataclass(frozen=True)
class ShiftObservationSpec:
    category: str
    description: str
    lon: float
    lat: float
    minutes: int  # after the shift's start
    insecurity: int
    public_id: str
    feedback: str | None  # None: still open; else resolved with this note ("" = without one)


@dataclass(frozen=True)
class ShiftSpec:
    organisation: str  # organisation key
    username: str
    regso: str
    starts_at: datetime  # UTC
    ends_at: datetime
    walkers: int
    notes: str
    observations: tuple[ShiftObservationSpec, ...]


# (organisation, weekday (4 = Friday, 5 = Saturday), start hour, hours, districts in turn, kind, skip share)
SHIFT_ROTAS: tuple[tuple[str, int, int, int, tuple[tuple[str, str], ...], str, float], ...] = (
    ("nattvandrarna", 4, 21, 4, (("1488R007", "Kronogårds torg"),), "suburb", 0.12),
    ("nattvandrarna", 5, 21, 4, (("1488R008", "Lextorps centrum"), ("1488R012", "Sylte centrum")), "suburb", 0.12),
    ("trygghetsvandrarna", 4, 20, 4, (("1488R015", "Drottningtorget"), ("1488R015", "Resecentrum")), "centre",
     0.15),
)
SHIFT_WEEKS = 52
OBSERVATION_SHARE = 0.22  # shifts with observations


def _shift_observations(rng: np.random.Generator, geom: shapely.Geometry, place: str, kind: str,
                        starts_at: datetime, today: date) -> tuple[ShiftObservationSpec, ...]:
    if rng.random() >= OBSERVATION_SHARE:
        return ()
    weights = SHIFT_CATEGORY_WEIGHTS[kind]
    cats = list(weights)
    p = np.array([weights[c] for c in cats])
    centre = PLACE_BY_NAME[place]
    out = []
    for _ in range(1 if rng.random() < 0.7 else 2):
        cat = str(rng.choice(cats, p=p / p.sum()))
        while True:
            lon, lat = offset(centre.lon, centre.lat, *rng.normal(0.0, 110.0, 2))
            if margin_m(geom, np.array([[lon, lat]]))[0] >= 20.0:
                break
        age = (today - starts_at.date()).days
        feedback: str | None = None
        if age > 30 and rng.random() < 0.85:
            notes = FEEDBACK.get(cat, ())
            feedback = str(rng.choice(notes)) if notes and rng.random() < 0.5 else ""
        out.append(ShiftObservationSpec(
            category=cat, description=str(rng.choice(SHIFT_OBSERVATIONS[cat])), lon=lon, lat=lat,
            minutes=int(rng.integers(15, 225)), insecurity=int(rng.integers(1, 5)), public_id=rng.bytes(16).hex(),
            feedback=feedback))
    return tuple(out)


def shift_specs(geo: DemoGeography, seed: int, today: date = TODAY) -> tuple[ShiftSpec, ...]:
    """Friday and Saturday evening shifts of the volunteer organisations over the last year, oldest first."""
    rng = stream(seed, 2)
    regso = geo.regso_by_code()
    last_friday = today - timedelta(days=(today.weekday() - 4) % 7)
    shifts = []
    for week in range(SHIFT_WEEKS - 1, -1, -1):
        friday = last_friday - timedelta(weeks=week)
        for rota, (org, weekday, hour, hours, districts, kind, skip) in enumerate(SHIFT_ROTAS):
            day = friday + timedelta(days=weekday - 4)
            if day > today or rng.random() < skip:
                continue
            code, place = districts[week % len(districts)]
            starts = local_time(day, hour)
            walkers = int(min(12, 3 + rng.poisson(2.0)))
            username = f"rapportor-{org}-{1 + (week + rota) % 3}"
            shifts.append(ShiftSpec(
                organisation=org, username=username, regso=code, starts_at=starts,
                ends_at=starts + timedelta(hours=hours), walkers=walkers, notes=str(rng.choice(SHIFT_NOTES)),
                observations=_shift_observations(rng, regso[code].geom, place, kind, starts, today)))
    return tuple(sorted(shifts, key=lambda s: s.starts_at))

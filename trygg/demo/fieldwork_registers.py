"""The demo's field-work registers as data: neighbourhood-watch areas, licensed premises and their
inspections, certified gyms and information meetings. Pure and deterministic for a seed.

Premises and gyms are fictional (names and details made up); the places are approximate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import shapely

from trygg.demo.fieldwork_data import (
    ANDTS_ACTIVITY,
    BAR_ACTIVITY,
    GYM_ACTIVITY,
    TODAY,
    WATCH_ACTIVITY,
    local_time,
    margin_m,
    offset,
    stream,
)
from trygg.demo.fieldwork_texts import INSPECTION_OK, INSPECTION_REMARKS
from trygg.demo.geography import PLACE_BY_NAME, DemoGeography, random_points_in

# --------------------------------------------------------------------------- neighbourhood watch


@dataclass(frozen=True)
class WatchSpec:
    name: str
    regso: str
    ring: tuple[tuple[float, float], ...]  # closed, (lon, lat)
    households: int
    signed_up_on: date
    status: str
    contact_role: str = "Kontaktombud bland de boende"
    police_contact: str = "Kommunpolis, LPO Trollhättan"
    activity: str | None = WATCH_ACTIVITY


# (name, RegSO, anchor place or None for anywhere in the district, sign-up date, status)
WATCH_PLANS: tuple[tuple[str, str, str | None, date, str], ...] = (
    ("Björndalen – kvarteret Lärkan", "1488R001", None, date(2016, 4, 12), "active"),
    ("Vårvik – kvarteret Ekbacken", "1488R001", None, date(2022, 5, 18), "active"),
    ("Halvorstorp – kvarteret Hasseln", "1488R003", None, date(2019, 9, 3), "active"),
    ("Dannebacken – kvarteret Rönnen", "1488R002", None, date(2022, 10, 4), "active"),
    ("Skogshöjden – kvarteret Tjädern", "1488R010", None, date(2018, 3, 21), "paused"),
    ("Strömslund – kvarteret Näktergalen", "1488R011", None, date(2024, 2, 27), "active"),
    ("Södra Skoftebyn – kvarteret Vitsippan", "1488R014", None, date(2013, 11, 5), "ended"),
    ("Sjuntorp – Bruksområdet", "1488R009", "Sjuntorp centrum", date(2025, 10, 8), "active"),
)
WATCH_MARGIN_M = 20.0


def _rectangle(lon: float, lat: float, rng: np.random.Generator) -> np.ndarray:
    w, h, ang = rng.uniform(130.0, 260.0), rng.uniform(90.0, 190.0), rng.uniform(0.0, np.pi)
    local = np.array([(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2), (-w / 2, -h / 2)])
    rot = np.array([[np.cos(ang), np.sin(ang)], [-np.sin(ang), np.cos(ang)]])
    return np.array([offset(lon, lat, dx, dy) for dx, dy in local @ rot])


def watch_specs(geo: DemoGeography, seed: int) -> tuple[WatchSpec, ...]:
    rng = stream(seed, 3)
    regso = geo.regso_by_code()
    taken: list[shapely.Polygon] = []
    out = []
    for name, code, anchor, signed, status in WATCH_PLANS:
        geom = regso[code].geom
        for _ in range(500):
            if anchor is None:
                lon, lat = (float(v) for v in random_points_in(geom, 1, rng)[0])
            else:
                place = PLACE_BY_NAME[anchor]
                lon, lat = offset(place.lon, place.lat, *rng.uniform(-500.0, 500.0, 2))
            ring = _rectangle(lon, lat, rng)
            poly = shapely.Polygon(ring)
            if (margin_m(geom, ring) >= WATCH_MARGIN_M).all() and not any(poly.intersects(t) for t in taken):
                break
        else:
            raise ValueError(f"No room for the watch area {name!r}.")
        taken.append(poly)
        out.append(WatchSpec(name=name, regso=code, ring=tuple((float(x), float(y)) for x, y in ring),
                             households=int(rng.integers(18, 90)), signed_up_on=signed, status=status))
    return tuple(out)


# --------------------------------------------------------------------------- premises and inspections


@dataclass(frozen=True)
class PremisesSpec:
    name: str
    lon: float
    lat: float
    licence_type: str
    opens_at: str
    closes_at: str
    kmk_status: str  # Krogar mot knark
    ras_status: str  # responsible alcohol service
    active: bool = True


# (name, near place, metres east, metres north, licence, opens, closes, KMK, RAS, active)
PREMISES: tuple[tuple[str, str, float, float, str, str, str, str, str, bool], ...] = (
    ("Torgkrogen", "Drottningtorget", -40, 35, "public", "11:00", "01:00", "trained", "trained", True),
    ("Nattklubb Fallen", "Drottningtorget", 85, -30, "public", "22:00", "03:00", "trained", "trained", True),
    ("Storgatans Bar & Kök", "Drottningtorget", 120, 90, "public", "11:30", "02:00", "planned", "trained", True),
    ("Pub Slussen", "Drottningtorget", -130, -70, "public", "12:00", "01:00", "none", "trained", True),
    ("Restaurang Kanalen", "Drottningtorget", 200, 10, "public", "11:00", "23:00", "trained", "trained", True),
    ("Sportbaren vid Resecentrum", "Resecentrum", 60, -60, "public", "15:00", "01:00", "none", "planned", True),
    ("Pizzeria Tingvalla", "Drottningtorget", -60, 180, "public", "11:00", "22:00", "none", "none", True),
    ("Hotell Älvkanten – restaurangen", "Drottningtorget", 160, -140, "public", "11:00", "00:00", "trained",
     "trained", True),
    ("Festvåningen Storgatan", "Drottningtorget", 40, 160, "private", "18:00", "01:00", "none", "trained", True),
    ("Cateringköket Västergärdet", "Resecentrum", -150, 120, "catering", "10:00", "23:00", "none", "none", True),
    ("Sommarscenen Drottningtorget", "Drottningtorget", 10, -15, "temporary", "16:00", "00:00", "none", "trained",
     False),
)
NIGHTCLUB = "Nattklubb Fallen"
REVISIT_OK = "Återbesök efter varningen: inga anmärkningar, ordningen vid stängning är god."
# Weights for which bar is inspected (the late, busy ones more often).
INSPECTION_WEIGHT = {"Nattklubb Fallen": 2.5, "Torgkrogen": 2.0, "Storgatans Bar & Kök": 2.0, "Pub Slussen": 2.0,
                     "Sportbaren vid Resecentrum": 2.0, "Restaurang Kanalen": 1.0, "Pizzeria Tingvalla": 0.5,
                     "Hotell Älvkanten – restaurangen": 1.0}
FOLLOW_UP_ORDER = ("none", "revisit", "reprimand", "warning", "revocation")


def premises_specs() -> tuple[PremisesSpec, ...]:
    out = []
    for name, near, dx, dy, licence, opens, closes, kmk, ras, active in PREMISES:
        place = PLACE_BY_NAME[near]
        lon, lat = offset(place.lon, place.lat, dx, dy)
        out.append(PremisesSpec(name, lon, lat, licence, opens, closes, kmk, ras, active))
    return tuple(out)


@dataclass(frozen=True)
class InspectionSpec:
    premises: str  # name
    inspected_on: date
    joint: bool
    checklist: tuple[tuple[str, str], ...]  # (item, ok | remark | na)
    findings: str
    follow_up: str
    inspector: str  # username
    activity: str | None = BAR_ACTIVITY


# (year, month, joint): eleven joint inspections in 2022 (the plan's figure), ten in 2025–2026.
INSPECTION_SLOTS: tuple[tuple[int, int, bool], ...] = (
    (2022, 2, True), (2022, 3, True), (2022, 4, True), (2022, 5, True), (2022, 6, True), (2022, 8, True),
    (2022, 9, True), (2022, 10, True), (2022, 11, True), (2022, 12, True), (2022, 12, True),
    (2025, 2, True), (2025, 5, False), (2025, 9, True), (2025, 11, True), (2026, 1, False), (2026, 3, True),
    (2026, 5, False), (2026, 6, True), (2026, 9, True), (2026, 10, False),
)
STORY = {11: ("narcotics", "closing_order"), 14: ()}  # slot → the nightclub's remarks (a warning, then a revisit)


def _night(year: int, month: int, rng: np.random.Generator, today: date) -> date:
    first = date(year, month, 1)
    friday = first + timedelta(days=(4 - first.weekday()) % 7)
    day = friday + timedelta(weeks=int(rng.integers(0, 3)), days=int(rng.integers(0, 2)))
    return min(day, today)


def inspection_specs(seed: int, today: date = TODAY) -> tuple[InspectionSpec, ...]:
    rng = stream(seed, 4)
    names = list(INSPECTION_WEIGHT)
    p = np.array([INSPECTION_WEIGHT[n] for n in names])
    items = list(INSPECTION_REMARKS)
    out = []
    for slot, (year, month, joint) in enumerate(INSPECTION_SLOTS):
        day = _night(year, month, rng, today)
        if slot in STORY:
            name = NIGHTCLUB
        else:  # after the warning (STORY) the nightclub is visited only as the story says
            w = np.where([year >= 2025 and n == NIGHTCLUB for n in names], 0.0, p)
            name = str(rng.choice(names, p=w / w.sum()))
        risk = 0.12 if name == NIGHTCLUB else 0.05
        u = rng.random(len(items))
        results = {i: ("remark" if x < risk else "na" if x > 0.95 else "ok") for i, x in zip(items, u, strict=True)}
        if slot in STORY:
            results = {i: "remark" if i in STORY[slot] else "ok" for i in items}
        remarks = [i for i in items if results[i] == "remark"]
        if remarks:
            findings = " ".join(INSPECTION_REMARKS[i][0] for i in remarks)
            follow_up = max((INSPECTION_REMARKS[i][1] for i in remarks), key=FOLLOW_UP_ORDER.index)
        elif slot in STORY:
            findings, follow_up = REVISIT_OK, "none"
        else:
            findings, follow_up = str(rng.choice(INSPECTION_OK)), "none"
        inspector = ("analytiker" if slot % 2 else "samordnare") if joint else "samordnare"
        out.append(InspectionSpec(premises=name, inspected_on=day, joint=joint,
                                  checklist=tuple(results.items()), findings=findings, follow_up=follow_up,
                                  inspector=inspector))
    return tuple(out)


# --------------------------------------------------------------------------- gyms and meetings


@dataclass(frozen=True)
class GymSpec:
    name: str
    lon: float
    lat: float
    status: str
    certified_on: date | None
    expires_on: date | None
    contact_role: str
    activity: str | None = GYM_ACTIVITY


EXPIRING_IN_DAYS = 20  # the gym whose certification runs out soon, counted from the demo's today


def gym_specs(today: date = TODAY) -> tuple[GymSpec, ...]:
    expiring = today + timedelta(days=EXPIRING_IN_DAYS)
    rows = (
        ("Kraftverket Gym", "Drottningtorget", 150, -120, "certified", date(2022, 12, 12), expiring, "Gymansvarig"),
        ("Fallens Styrkecenter", "Spikön", 60, 80, "certified", date(2022, 6, 1), date(2025, 6, 1),
         "Verksamhetschef"),
        ("Överby Fitness", "Överby köpcentrum", -120, 60, "certified", date(2022, 10, 3), date(2027, 10, 3),
         "Klubbchef"),
        ("Sylte Träningscenter", "Sylte centrum", 90, 70, "certified", date(2025, 3, 3), date(2028, 3, 3),
         "Gymansvarig"),
        ("Gymmet Kronogården", "Kronogårds torg", -70, 90, "in_progress", None, None, "Föreningens ordförande"),
    )
    out = []
    for name, near, dx, dy, status, certified, expires, role in rows:
        place = PLACE_BY_NAME[near]
        lon, lat = offset(place.lon, place.lat, dx, dy)
        out.append(GymSpec(name, lon, lat, status, certified, expires, role))
    return tuple(out)


@dataclass(frozen=True)
class MeetingSpec:
    title: str
    topic: str
    starts_at: datetime  # UTC
    venue: str
    audience: str
    regso: str | None
    status: str  # held | planned | cancelled
    attendance: int | None
    activity: str | None


def meeting_specs(seed: int, today: date = TODAY) -> tuple[MeetingSpec, ...]:
    """Two ANDTS meetings in 2022 (the plan's two), a watch evening in Sjuntorp, and the 2026 ANDTS meetings."""
    rng = stream(seed, 5)
    rows = (
        ("Informationsmöte om ANDTS för föräldrar", "andts", date(2022, 4, 20), 18, "Trollhättans Stadsbibliotek",
         "Föräldrar till elever i årskurs 7–9", None, ANDTS_ACTIVITY),
        ("ANDTS-kväll: narkotika och spel bland unga", "andts", date(2022, 10, 12), 18,
         "Magnus Åbergsgymnasiet, aulan", "Föräldrar och skolpersonal", "1488R015", ANDTS_ACTIVITY),
        ("Informationskväll om grannsamverkan i Sjuntorp", "watch", date(2025, 9, 17), 19, "Sjuntorpsskolan, matsalen",
         "Boende i Sjuntorp", "1488R009", WATCH_ACTIVITY),
        ("Informationsmöte om ANDTS: cannabis och vejp", "andts", date(2026, 4, 22), 18,
         "Trollhättans Stadsbibliotek", "Föräldrar till tonåringar", None, ANDTS_ACTIVITY),
        ("ANDTS inför jul och nyår", "andts", today + timedelta(days=17), 18, "Kronogårdsskolan, aulan",
         "Föräldrar i Kronogården, Lextorp och Sylte", "1488R007", ANDTS_ACTIVITY),
    )
    out = []
    for title, topic, day, hour, venue, audience, regso, activity in rows:
        held = day < today
        out.append(MeetingSpec(title=title, topic=topic, starts_at=local_time(day, hour), venue=venue,
                               audience=audience, regso=regso, status="held" if held else "planned",
                               attendance=int(rng.integers(35, 95)) if held else None, activity=activity))
    return tuple(out)

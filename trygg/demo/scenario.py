"""The demo scenario as data: period, rates, hot spots, time patterns and the one measure that works.

Everything the simulation builds in is declared here, so that tests and the follow-up work can
check the generated data against it. Rates are reports per year before near-repeat follow-ups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

DEMO_START = date(2022, 1, 1)
DEMO_END = date(2026, 11, 22)  # the reference last day: the story's dates are told from it; the tests build on it


def demo_end(today: date) -> date:
    """The last day of a demo built on `today`: yesterday, the last whole day, so "last week" has data.

    >>> demo_end(date(2026, 11, 23))
    datetime.date(2026, 11, 22)
    """
    return today - timedelta(days=1)
TIMEZONE = "Europe/Stockholm"
DEFAULT_SEED = 2022


@dataclass(frozen=True)
class EffectMeasure:
    """A situational measure with a real, built-in effect that follow-up should find.

    From `start`, reports of `categories` within `radius_m` metres of (lon, lat) are thinned by
    `reduction` (0.40 = 40 % fewer); nothing changes at `comparison_place`.
    """

    name: str
    description: str
    place: str
    lon: float
    lat: float
    start: date
    radius_m: float
    reduction: float
    categories: tuple[str, ...]
    comparison_place: str
    regso_code: str


EFFECT_MEASURE = EffectMeasure(
    name="Ny belysning i Hjulkvarnelund",
    description=(
        "Ny LED-belysning och röjda buskage längs gång- och cykelvägen genom Hjulkvarnelund, "
        "i drift från 1 mars 2024."
    ),
    place="Hjulkvarnelund",
    lon=12.3230,
    lat=58.2960,
    start=date(2024, 3, 1),
    radius_m=300.0,
    reduction=0.40,
    categories=("unsafe_place", "vandalism", "violence"),
    comparison_place="Folkets park",
    regso_code="1488R004",
)


@dataclass(frozen=True)
class TimePattern:
    """When a category happens: hour profile, summer amplitude and Friday/Saturday-night boost."""

    hours: str  # a key of HOUR_PROFILES
    summer: float  # +0.8 = 80 % more at the height of summer; negative = fewer in summer
    weekend_night: float = 1.0  # factor for Fri/Sat nights, 21:00–03:59
    weekdays_only: bool = False
    monday: float = 1.0  # factor for Mondays (what the weekend left behind)


TIME_PATTERNS: dict[str, TimePattern] = {
    "disorder": TimePattern("night", 0.8, 3.0),
    "violence": TimePattern("night", 0.3, 2.5),
    "sexual_harassment": TimePattern("night", 0.3, 2.0),
    "youth": TimePattern("evening", 0.4, 1.5),
    "vandalism": TimePattern("evening", 0.6, 1.8),
    "arson": TimePattern("evening", 0.3, 1.5),
    "narcotics": TimePattern("evening", 0.3, 1.5),
    "alcohol_minors": TimePattern("evening", 0.4, 1.5),
    "littering": TimePattern("day", 1.2, 1.0, monday=1.5),
    "unsafe_place": TimePattern("dusk", -0.35),
    "traffic": TimePattern("evening", 0.9, 1.5),
    "staff_threat": TimePattern("school", -0.6, weekdays_only=True),
    "burglary": TimePattern("day", -0.1),
    "event": TimePattern("day", 0.5),
}
CAR_MEET = TimePattern("carmeet", 2.5, 4.0)  # Överby and Stallbackabron: summer weekend evenings

# Reports per year spread over the DeSO by population times the area-type factor.
BACKGROUND_RATES: dict[str, float] = {
    "disorder": 700, "vandalism": 700, "littering": 700, "unsafe_place": 380, "traffic": 380,
    "burglary": 380, "violence": 220, "narcotics": 260, "youth": 230, "sexual_harassment": 70,
    "alcohol_minors": 90, "arson": 120, "staff_threat": 120, "event": 45,
}
# Relative report rate per inhabitant by SCB områdestyp (1 = major challenges … 5 = very good).
AREA_TYPE_FACTOR: dict[int, float] = {1: 2.6, 2: 2.0, 3: 1.3, 4: 0.85, 5: 0.6}
# Categories whose rate depends less on the area type (exponent applied to the factor).
AREA_TYPE_EXPONENT: dict[str, float] = {"burglary": 0.3, "traffic": 0.4, "event": 0.0, "littering": 0.7}
RURAL_FACTOR = 0.5  # fewer reporters walk the countryside
RURAL_SPREAD_M = 1500.0  # rural reports gather around the DeSO's village within about this distance


@dataclass(frozen=True)
class Hotspot:
    place: str
    sd_m: float  # spread of reports around the place (Gaussian standard deviation)
    rates: dict[str, float]  # reports per year by category
    car_meets: tuple[str, ...] = ()  # categories following the car-meet pattern here
    notes: str = ""


HOTSPOTS: tuple[Hotspot, ...] = (
    Hotspot("Resecentrum", 130, {"disorder": 420, "narcotics": 120, "violence": 90, "littering": 150,
                                 "burglary": 90, "sexual_harassment": 30, "unsafe_place": 60,
                                 "staff_threat": 20}),
    Hotspot("Drottningtorget", 120, {"disorder": 260, "violence": 80, "littering": 90, "vandalism": 60,
                                     "sexual_harassment": 20}),
    Hotspot("Kronogårds torg", 170, {"disorder": 350, "vandalism": 260, "arson": 70, "narcotics": 140,
                                     "youth": 120, "violence": 70, "littering": 110, "staff_threat": 30,
                                     "unsafe_place": 50}),
    Hotspot("Lextorps centrum", 150, {"disorder": 140, "vandalism": 120, "narcotics": 60, "youth": 60,
                                      "arson": 30, "littering": 60}),
    Hotspot("Sylte centrum", 150, {"disorder": 120, "vandalism": 100, "narcotics": 50, "youth": 50,
                                   "littering": 50, "arson": 20}),
    Hotspot("Överby köpcentrum", 260, {"traffic": 520, "littering": 140, "burglary": 80, "disorder": 60},
            car_meets=("traffic",), notes="car meets on summer Friday and Saturday evenings"),
    Hotspot("Stallbackabron", 200, {"traffic": 60, "unsafe_place": 30}, car_meets=("traffic",)),
    Hotspot("Hjulkvarnelund", 110, {"unsafe_place": 60, "vandalism": 60, "violence": 25, "disorder": 30,
                                    "littering": 25}, notes="the place of EFFECT_MEASURE"),
    Hotspot("Folkets park", 110, {"unsafe_place": 55, "vandalism": 55, "violence": 25, "disorder": 35,
                                  "littering": 40}, notes="the comparison place of EFFECT_MEASURE"),
    Hotspot("Spikön", 100, {"littering": 60, "disorder": 30}),
    Hotspot("Sjuntorp centrum", 300, {"disorder": 40, "vandalism": 40, "youth": 20, "traffic": 40}),
    Hotspot("Väne-Åsaka", 400, {"traffic": 25, "burglary": 25}),
)


@dataclass(frozen=True)
class NearRepeat:
    """Self-exciting follow-ups: each report spawns Poisson(`branching`) more nearby, soon after."""

    categories: tuple[str, ...] = ("burglary", "vandalism")
    branching: float = 0.3
    distance_sd_m: float = 80.0
    max_distance_m: float = 200.0
    mean_delay_days: float = 3.0
    max_delay_days: int = 14
    max_generations: int = 6


NEAR_REPEAT = NearRepeat()

# Days with a known spike: (month, day) → factor for the categories named.
SPECIAL_DAYS: dict[tuple[int, int], tuple[float, tuple[str, ...]]] = {
    (12, 31): (5.0, ("arson", "disorder", "vandalism")),  # New Year's Eve fireworks
    (4, 30): (3.0, ("disorder", "littering")),  # Valborg
}


@dataclass(frozen=True)
class ReportMix:
    """How reports are filed: precision shares, resident share, delays."""

    precision: dict[str, float] = field(
        default_factory=lambda: {"exact": 0.80, "address": 0.14, "area_centroid": 0.06})
    resident_share: float = 0.08
    span_share: float = 0.12


REPORT_MIX = ReportMix()

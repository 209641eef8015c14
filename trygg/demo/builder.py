"""Build the Trollhättan demo database: areas, places, organisations, users, reports, surveys, the 2022 plan
(and the 2023 draft), routing rules and field work (`fieldwork_seed`).

    >>> from trygg.storage.database import Database          # doctest: +SKIP
    >>> db = Database("demo.db"); db.upgrade()                # doctest: +SKIP
    >>> build_demo(db, seed=2022)                             # doctest: +SKIP
    DemoSummary(...)

Everything is deterministic for a given seed (besides password salts and audit-trail times), and written through one
session: the database either holds the whole demo or nothing of it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np
import shapely
from argon2 import PasswordHasher
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from trygg.demo.action_causes import tie_demo_actions
from trygg.demo.details import ReportDetails, report_details
from trygg.demo.fieldwork_seed import FieldworkSummary, seed_fieldwork
from trygg.demo.geography import PLACES, DemoGeography, build_geography, locate
from trygg.demo.intake_seed import seed_intake
from trygg.demo.organisations import ORGANISATIONS, UserSpec, all_users
from trygg.demo.publish import publish_closed_months
from trygg.demo.scenario import DEMO_END, DEMO_START, EFFECT_MEASURE, EffectMeasure, demo_end
from trygg.demo.seed_plan import seed_plan
from trygg.demo.simulate import SimulatedEvents, simulate_events
from trygg.demo.surveys import SurveyRow, survey_rows
from trygg.domain import clock
from trygg.errors import Conflict, ValidationError
from trygg.plans.demo import add_draft_plan
from trygg.storage import reports as report_store
from trygg.storage.database import Database
from trygg.storage.schema import Area, Organisation, Place, SurveyResult, User

Progress = Callable[[str, int, int], None]
CHUNK = 5000


@dataclass(frozen=True)
class DemoSummary:
    """What `build_demo` wrote."""

    seed: int
    reports: int
    first_day: date
    last_day: date
    regso: int
    deso: int
    places: int
    organisations: int
    users: int
    survey_results: int
    plan_id: int
    seconds: float
    effect_measure: EffectMeasure
    draft_plan_id: int | None = None  # the 2023 draft (trygg.plans.demo)
    routing_rules: int = 0
    fieldwork: FieldworkSummary | None = None
    field_reports: int = 0  # reports with source "field", besides the simulated `reports`

    def __str__(self) -> str:
        extra = f", {self.routing_rules} routing rules, {self.fieldwork}" if self.fieldwork else ""
        return (f"{self.reports} reports {self.first_day}–{self.last_day} in {self.regso} RegSO "
                f"({self.deso} DeSO), {self.places} places, {self.organisations} organisations, "
                f"{self.users} users, {self.survey_results} survey figures, the 2022 plan"
                f"{' and the 2023 draft' if self.draft_plan_id else ''}{extra} "
                f"(seed {self.seed}, {self.seconds:.1f} s)")


def _noop(stage: str, done: int, total: int) -> None:
    return None


def build_demo(db: Database, seed: int = 2022, progress: Progress | None = None,
               today: date | None = None) -> DemoSummary:
    """Write the whole demo into the (migrated, empty) database `db`; raise Conflict if it holds data.

    The data runs from 2022 to the day before `today` (default: the clock's today), so the dashboard's
    "last week" always has data; pass `today` (or pin the clock) for a build that never changes.
    """
    started = time.perf_counter()
    end = demo_end(today or clock.today())
    if end < DEMO_END:
        raise ValidationError(f"The demo cannot end before {DEMO_END} (its story needs the time up to then).",
                              fields={"today": f"a date after {DEMO_END}"})
    report = progress or _noop
    with db.session() as s:
        _refuse_non_empty(s)
    report("Drawing areas", 0, 1)
    geo = build_geography(seed)
    report("Drawing areas", 1, 1)
    report("Simulating reports", 0, 1)
    events = simulate_events(geo, seed, end=end)
    details = report_details(events, geo, seed, end=end)
    surveys = survey_rows(geo, seed)
    report("Simulating reports", 1, 1)
    specs = all_users()
    report("Hashing demo passwords", 0, len(specs))
    hashes = _hash_passwords(specs)
    report("Hashing demo passwords", len(specs), len(specs))

    with db.session() as s:
        _refuse_non_empty(s)  # again, inside the writing transaction
        areas = _write_areas(s, geo)
        places = _write_places(s, geo, areas)
        orgs = {o.key: Organisation(name=o.name, short_name=o.short_name, kind=o.kind) for o in ORGANISATIONS}
        s.add_all(orgs.values())
        s.flush()
        users = {u.username: User(username=u.username, display_name=u.display_name, password_hash=h,
                                  role=u.role, organisation_id=orgs[u.org].id,
                                  sensitive_clearance=u.sensitive_clearance, signatory_title=u.signatory_title)
                 for u, h in zip(specs, hashes, strict=True)}
        s.add_all(users.values())
        s.flush()
        reporter_ids: dict[str, list[int]] = {}
        for u in specs:
            if u.role == "reporter":
                reporter_ids.setdefault(u.org, []).append(users[u.username].id)
        _write_reports(s, events, details, geo, areas, {k: o.id for k, o in orgs.items()}, reporter_ids,
                       report)
        report("Writing surveys and the 2022 plan", 0, 2)
        s.execute(insert(SurveyResult), [
            {"area_id": areas[r.regso_code].id, "year": r.year, "indicator": r.indicator, "value": r.value,
             "scale": r.scale, "n": r.n, "normal_value": r.normal_value} for r in surveys])
        report("Writing surveys and the 2022 plan", 1, 2)
        refs = seed_plan(s, orgs, users, areas, _counter(events, geo), _survey_mean(surveys, geo), end)
        report("Writing surveys and the 2022 plan", 2, 2)
        report("Drafting the 2023 plan", 0, 1)
        draft = add_draft_plan(s, year=2023)
        report("Drafting the 2023 plan", 1, 1)
        report("Writing routing rules and field work", 0, 2)
        intake = seed_intake(s, orgs, areas)
        report("Writing routing rules and field work", 1, 2)
        fieldwork = seed_fieldwork(s, geo, seed, orgs, users, areas, refs.plan_id, end)
        tie_demo_actions(s)  # the EST actions' causes, history and attendees (issue 15)
        report("Writing routing rules and field work", 2, 2)
        draft_id = draft.id
        publish_closed_months(s, end)
    dates = events.dates()
    return DemoSummary(
        seed=seed, reports=len(events), first_day=dates.min().astype(date), last_day=dates.max().astype(date),
        regso=len(geo.regso), deso=len(geo.deso), places=places, organisations=len(orgs), users=len(users),
        survey_results=len(surveys), plan_id=refs.plan_id, seconds=round(time.perf_counter() - started, 2),
        effect_measure=EFFECT_MEASURE, draft_plan_id=draft_id, routing_rules=intake.routing_rules,
        fieldwork=fieldwork, field_reports=fieldwork.reports,
    )


# The demo passwords are published in docs/demo.md, so their hashes use OWASP's minimum argon2id
# parameters (19 MiB, 2 passes, 1 lane) rather than the library's defaults (64 MiB, 3 passes, 4
# lanes): the same algorithm, a quicker build. Real accounts use `hash_password`.
_DEMO_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


def _hash_passwords(specs: tuple[UserSpec, ...]) -> list[str]:
    """argon2id hashes of the demo passwords; hashed in threads (argon2 releases the GIL)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda u: _DEMO_HASHER.hash(u.password), specs))


def _refuse_non_empty(s: Session) -> None:
    if (s.scalar(select(func.count(Area.id))) or 0) or (s.scalar(select(func.count(Organisation.id))) or 0):
        raise Conflict("The database already holds areas or organisations; the demo needs an empty one.",
                       hint="Build the demo into a new file: trygg demo --rebuild --db trygg-demo.db")


def _write_areas(s: Session, geo: DemoGeography) -> dict[str, Area]:
    areas: dict[str, Area] = {}
    for a in geo.all_areas:
        row = Area(code=a.code, name=a.name, level=a.level, population=a.population, area_type=a.area_type,
                   vulnerable=a.vulnerable, police_class="utsatt område" if a.vulnerable else None,
                   geom=a.geom, centroid_lon=a.centroid[0], centroid_lat=a.centroid[1])
        if a.parent is not None:
            row.parent = areas[a.parent]
        s.add(row)
        areas[a.code] = row
    s.flush()
    return areas


def _write_places(s: Session, geo: DemoGeography, areas: dict[str, Area]) -> int:
    idx = locate([a.geom for a in geo.regso], np.array([p.lon for p in PLACES]), np.array([p.lat for p in PLACES]))
    for p, i in zip(PLACES, idx.tolist(), strict=True):
        s.add(Place(name=p.name, kind=p.kind, lon=p.lon, lat=p.lat,
                    area_id=areas[geo.regso[i].code].id if i >= 0 else None))
    s.flush()
    return len(PLACES)


def _write_reports(s: Session, ev: SimulatedEvents, d: ReportDetails, geo: DemoGeography,
                   areas: dict[str, Area], org_ids: dict[str, int], reporter_ids: dict[str, list[int]],
                   report: Progress) -> None:
    n = len(ev)
    area_ids = np.array([areas[a.code].id for a in geo.regso])[ev.regso]
    report("Writing reports", 0, n)
    for lo in range(0, n, CHUNK):
        rows = []
        for i in range(lo, min(n, lo + CHUNK)):
            org = str(d.org_key[i])
            slot = int(d.reporter_slot[i])
            pool = reporter_ids.get(org)
            routed = str(d.routed_to_key[i])
            rows.append({
                "public_id": d.public_id[i], "category": str(ev.category[i]), "description": d.description[i],
                "lon": float(d.lon[i]), "lat": float(d.lat[i]), "x": float(d.x[i]), "y": float(d.y[i]),
                "geom": shapely.Point(float(d.x[i]), float(d.y[i])), "precision": str(d.precision[i]),
                "area_id": int(area_ids[i]), "outside": False, "occurred_from": d.occurred_from[i],
                "occurred_to": d.occurred_to[i],
                "insecurity": int(d.insecurity[i]) or None, "organisation_id": org_ids[org],
                "reporter_id": pool[slot % len(pool)] if slot >= 0 and pool else None,
                "people_count": int(d.people_count[i]) or None,
                "police_called": None if d.police_called[i] < 0 else bool(d.police_called[i]),
                "status": str(d.status[i]), "source": str(d.source[i]), "external_id": None,
                "routed_to_id": org_ids[routed] if routed else None, "duplicate_of_id": None,
                "feedback_note": d.feedback[i], "created_at": d.created_at[i], "updated_at": d.updated_at[i],
            })
        report_store.insert_reports(s, rows)
        report("Writing reports", min(n, lo + CHUNK), n)


def _counter(ev: SimulatedEvents, geo: DemoGeography) -> Callable[..., float]:
    """count(category, year=, area_code=, area_codes=, area_types=, since=, before=) over the events."""
    codes = np.array([a.code for a in geo.regso])[ev.regso]
    types = np.array([a.area_type for a in geo.regso])[ev.regso]
    years = ev.dates().astype("datetime64[Y]").astype(int) + 1970

    def count(category: str | None, *, year: int | None = None, area_code: str | None = None,
              area_codes: tuple[str, ...] | None = None, area_types: list[int] | None = None,
              since: date | None = None, before: date | None = None) -> float:
        m = np.ones(len(ev), dtype=bool) if category is None else ev.category == category
        if year is not None:
            m &= years == year
        if area_code is not None:
            m &= codes == area_code
        if area_codes is not None:
            m &= np.isin(codes, area_codes)
        if area_types is not None:
            m &= np.isin(types, area_types)
        if since is not None:
            m &= ev.day >= (since - DEMO_START).days
        if before is not None:
            m &= ev.day < (before - DEMO_START).days
        return float(m.sum())

    return count


def _survey_mean(rows: list[SurveyRow], geo: DemoGeography) -> Callable[[str, int, list[int] | None], float]:
    types = {a.code: a.area_type for a in geo.regso}

    def mean(indicator: str, year: int, area_types: list[int] | None) -> float:
        sel = [r for r in rows if r.indicator == indicator and r.year == year
               and (area_types is None or types[r.regso_code] in area_types)]
        total = sum(r.n for r in sel)
        return round(sum(r.value * r.n for r in sel) / total, 1) if total else 0.0

    return mean

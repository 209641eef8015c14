"""Build the Trollhättan demo database: areas, places, organisations, users, reports, surveys, the 2022 plan
(and the 2023 draft), routing rules and field work (`fieldwork_seed`).

The municipality is set up through the same public functions as a real one (docs/going-live.md):
`trygg.setup.init.init_municipality`, then `import_areas`, `import_attributes`, `import_organisations`,
`import_places` and `import_surveys` of the files shipped in ``trygg/demo/data`` (`trygg.demo.shipped`),
and `trygg.storage.users.create_user` for the demo users. Only the reports, field work, meetings and
plans are simulated and written directly.

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
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg.demo.action_causes import tie_demo_actions
from trygg.demo.details import ReportDetails, report_details
from trygg.demo.fieldwork_seed import FieldworkSummary, seed_fieldwork
from trygg.demo.geography import DATA, MUNICIPALITY_CODE, PLACES, DemoGeography, build_geography
from trygg.demo.intake_seed import seed_intake
from trygg.demo.organisations import ORG_BY_KEY, ORGANISATIONS, UserSpec, all_users
from trygg.demo.publish import publish_closed_months
from trygg.demo.scenario import DEMO_END, DEMO_START, EFFECT_MEASURE, EffectMeasure, demo_end
from trygg.demo.seed_plan import seed_plan
from trygg.demo.shipped import AREA_FIELDS, ATTRIBUTE_COLUMNS, MAP_SEED, SURVEY_NAME
from trygg.demo.simulate import SimulatedEvents, simulate_events
from trygg.domain import clock
from trygg.errors import Conflict, ValidationError
from trygg.plans.demo import add_draft_plan
from trygg.setup.area_attributes import import_attributes
from trygg.setup.area_import import FieldMap, import_areas
from trygg.setup.init import init_municipality
from trygg.setup.organisations import import_organisations
from trygg.setup.places import import_places
from trygg.setup.survey_import import import_surveys
from trygg.storage import reports as report_store
from trygg.storage import users as user_store
from trygg.storage.database import Database
from trygg.storage.schema import Area, Organisation, SurveyResult, User

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
    `seed` varies the simulated reports and field work; the map, organisations, places and survey
    figures are the shipped files (`trygg.demo.shipped`) whatever the seed.
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
    geo = build_geography(MAP_SEED)  # the map of the shipped districts.geojson and deso.geojson
    report("Drawing areas", 1, 1)
    report("Simulating reports", 0, 1)
    events = simulate_events(geo, seed, end=end)
    details = report_details(events, geo, seed, end=end)
    report("Simulating reports", 1, 1)
    specs = all_users()
    report("Hashing demo passwords", 0, len(specs))
    hashes = _hash_passwords(specs)
    report("Hashing demo passwords", len(specs), len(specs))

    with db.session() as s:
        _refuse_non_empty(s)  # again, inside the writing transaction
        report("Setting up the municipality", 0, 1)
        orgs, users, areas = _set_up(s, specs, hashes)
        report("Setting up the municipality", 1, 1)
        reporter_ids: dict[str, list[int]] = {}
        for u in specs:
            if u.role == "reporter":
                reporter_ids.setdefault(u.org, []).append(users[u.username].id)
        _write_reports(s, events, details, geo, areas, {k: o.id for k, o in orgs.items()}, reporter_ids,
                       report)
        report("Writing the 2022 plan", 0, 1)
        surveys = list(s.scalars(select(SurveyResult)))
        refs = seed_plan(s, orgs, users, areas, _counter(events, geo), _survey_mean(surveys, areas), end)
        report("Writing the 2022 plan", 1, 1)
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
        regso=len(geo.regso), deso=len(geo.deso), places=len(PLACES), organisations=len(orgs),
        users=len(users), survey_results=len(surveys), plan_id=refs.plan_id,
        seconds=round(time.perf_counter() - started, 2),
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


def _set_up(s: Session, specs: tuple[UserSpec, ...],
            hashes: list[str]) -> tuple[dict[str, Organisation], dict[str, User], dict[str, Area]]:
    """The municipality through the public set-up path (docs/going-live.md), from the shipped files.

    `trygg init` (municipality, its organisation, default categories, the admin), `trygg areas import`
    of districts and DeSO, `trygg areas attributes`, `trygg orgs import`, `trygg places import`,
    `trygg users add` for every demo user and `trygg surveys import`. Returns the organisations by
    key, the users by username and the areas by code.
    """
    admin = specs[0]
    own = ORG_BY_KEY[admin.org]
    init_municipality(s, MUNICIPALITY_CODE, admin=admin.username, admin_password=admin.password,
                      admin_name=admin.display_name, org_name=own.name, org_short_name=own.short_name)
    fields = FieldMap(AREA_FIELDS["code"], AREA_FIELDS["name"], police_class=AREA_FIELDS["police_class"])
    for name, level in (("districts.geojson", "district"), ("deso.geojson", "deso")):
        areas_done = import_areas(s, DATA / name, level, fields)
        _shipped_ok(name, [str(e) for e in areas_done.errors])
    _shipped_ok("area_attributes.csv", import_attributes(
        s, DATA / "area_attributes.csv", key_column=ATTRIBUTE_COLUMNS["key"], type_column=ATTRIBUTE_COLUMNS["type"],
        population_column=ATTRIBUTE_COLUMNS["population"]).errors)
    _shipped_ok("organisations.csv", import_organisations(s, DATA / "organisations.csv").errors)
    _shipped_ok("places.csv", import_places(s, DATA / "places.csv").errors)
    by_name = {o.name: o for o in s.scalars(select(Organisation))}
    orgs = {o.key: by_name[o.name] for o in ORGANISATIONS}
    users: dict[str, User] = {}
    for spec, password_hash in zip(specs, hashes, strict=True):
        user = s.scalar(select(User).where(User.username == spec.username))
        if user is None:
            user = user_store.create_user(s, spec.username, None, spec.role, orgs[spec.org].id,
                                          display_name=spec.display_name,
                                          sensitive_clearance=spec.sensitive_clearance,
                                          signatory_title=spec.signatory_title)
            user.password_hash = password_hash  # the documented demo password (see _DEMO_HASHER)
        users[spec.username] = user
    _shipped_ok("surveys.csv", import_surveys(s, DATA / "surveys.csv", SURVEY_NAME).errors)
    s.flush()
    return orgs, users, {a.code: a for a in s.scalars(select(Area))}


def _shipped_ok(name: str, errors: list[str]) -> None:
    if errors:  # the shipped files are checked by the tests; this is a broken installation
        raise RuntimeError(f"The demo's {name} does not import: " + "; ".join(errors[:5]))


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


def _survey_mean(rows: list[SurveyResult],
                 areas: dict[str, Area]) -> Callable[[str, int, list[int] | None], float]:
    types = {a.id: a.area_type for a in areas.values()}

    def mean(indicator: str, year: int, area_types: list[int] | None) -> float:
        sel = [r for r in rows if r.indicator == indicator and r.year == year
               and (area_types is None or types[r.area_id] in area_types)]
        total = sum(r.n for r in sel)
        return round(sum(r.value * r.n for r in sel) / total, 1) if total else 0.0

    return mean

"""Cold lägesbild on large data sets: the demo, and synthetic regions of 50,000 and 1,000,000 reports.

Run from the repository root::

    .venv/bin/python -m bench.lagesbild_scale                       # demo, 50k and 1M on SQLite
    .venv/bin/python -m bench.lagesbild_scale --postgres postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python -m bench.lagesbild_scale --sizes 50000 --write-docs

The synthetic region (`generate`) has ``--municipalities`` municipalities of 25 RegSO areas each
(squares of 1.5 km in a row along the west coast), ten years of reports (2017-01-01 …
2026-12-31) drawn with a yearly season, a weekday/hour rhythm, the taxonomy's categories at
uneven rates, uneven area rates, and a few clustered places; 90 % exact positions. The reports
are written with `trygg.storage.reports.insert_reports` (bulk, which also fills the weekly counts
table as every write does); the generation time is printed. 50,000 reports: one municipality;
1,000,000: ten.

"Cold" is the first `build_lagesbild` of a process for a data version (cache off), after the
modules are imported and the database is open — what the first ``GET /lagesbild`` after a write
costs a running server; "again" the median of three more uncached calls. Each figure comes with
the machine's load average (``os.getloadavg``) at that moment: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
DOC = ROOT / "docs" / "performance.md"
SECTION = "## Cold lägesbild at scale"
TODAY = date(2026, 11, 23)  # the suite's pinned day; the default period is the week of 16–22 November 2026
FIRST, LAST = datetime(2017, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC)
AREAS_PER_MUNICIPALITY = 25


def generate(url: str, n: int, municipalities: int, seed: int = 7) -> dict[str, Any]:
    """Fill database `url` (migrated, empty) with the synthetic region; returns what was made."""
    import numpy as np
    import shapely

    from trygg.domain.categories import DEFAULT_CATEGORIES
    from trygg.domain.enums import AreaLevel
    from trygg.domain.geo import many_to_sweref
    from trygg.storage import reports as report_store
    from trygg.storage.database import Database
    from trygg.storage.schema import Area

    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    db = Database(url)
    db.upgrade()
    boxes: list[tuple[int, tuple[float, float, float, float]]] = []
    with db.session() as s:
        for m in range(municipalities):
            lon0, lat0 = 11.9 + 0.35 * (m % 5), 57.6 + 0.3 * (m // 5)
            muni = shapely.box(lon0, lat0, lon0 + 0.125, lat0 + 0.0675)
            s.add(Area(code=f"S{m:02d}", name=f"Kommun {m + 1}", level=AreaLevel.MUNICIPALITY, population=50_000,
                       geom=shapely.MultiPolygon([muni]), centroid_lon=muni.centroid.x, centroid_lat=muni.centroid.y))
            for k in range(AREAS_PER_MUNICIPALITY):
                box = (lon0 + 0.025 * (k % 5), lat0 + 0.0135 * (k // 5),
                       lon0 + 0.025 * (k % 5 + 1), lat0 + 0.0135 * (k // 5 + 1))
                poly = shapely.box(*box)
                area = Area(code=f"S{m:02d}R{k:02d}", name=f"Område {m + 1}-{k + 1}", level=AreaLevel.REGSO,
                            population=int(rng.integers(800, 4000)), area_type=int(rng.integers(1, 6)),
                            vulnerable=False, geom=shapely.MultiPolygon([poly]), centroid_lon=poly.centroid.x,
                            centroid_lat=poly.centroid.y)
                s.add(area)
                s.flush()
                boxes.append((area.id, box))
    codes = np.array([c.code for c in DEFAULT_CATEGORIES])
    cat_p = rng.gamma(1.0, 1.0, codes.size)
    cat_p /= cat_p.sum()
    area_p = rng.gamma(2.0, 1.0, len(boxes))
    area_p /= area_p.sum()
    span = (LAST - FIRST).total_seconds()
    written = 0
    chunk = 50_000
    with db.session() as s:
        for lo in range(0, n, chunk):
            m = min(chunk, n - lo)
            # days with a yearly season (+-30 %), hours with an evening peak
            u = rng.random(m)
            days = np.sort(u * span / 86400.0)
            keep = rng.random(m) < (1 + 0.3 * np.sin(2 * np.pi * days / 365.25)) / 1.3
            days = np.where(keep, days, rng.random(m) * span / 86400.0)
            hours = np.clip(rng.normal(19, 4, m), 0, 23.99)
            seconds = (np.floor(days) * 86400 + hours * 3600).astype(np.int64)
            area_of = rng.choice(len(boxes), m, p=area_p)
            b = np.array([boxes[i][1] for i in area_of])
            lon = b[:, 0] + rng.random(m) * (b[:, 2] - b[:, 0])
            lat = b[:, 1] + rng.random(m) * (b[:, 3] - b[:, 1])
            hot = rng.random(m) < 0.15  # clustered places: the area's south-west corner
            lon = np.where(hot, b[:, 0] + 0.002 + rng.normal(0, 0.0008, m), lon)
            lat = np.where(hot, b[:, 1] + 0.002 + rng.normal(0, 0.0005, m), lat)
            x, y = many_to_sweref(lon, lat)
            cat = rng.choice(codes, m, p=cat_p)
            exact = rng.random(m) < 0.9
            src = rng.choice(np.array(["est", "resident", "police_events", "import"]), m, p=[0.4, 0.3, 0.2, 0.1])
            rows = []
            for i in range(m):
                occurred = datetime.fromtimestamp(FIRST.timestamp() + int(seconds[i]), tz=UTC)
                rows.append({"category": str(cat[i]), "description": "", "lon": float(lon[i]), "lat": float(lat[i]),
                             "x": float(x[i]), "y": float(y[i]), "precision": "exact" if exact[i] else "area_centroid",
                             "area_id": boxes[int(area_of[i])][0], "outside": False, "occurred_from": occurred,
                             "status": "received", "source": str(src[i]), "created_at": occurred,
                             "updated_at": occurred})
            report_store.insert_reports(s, rows)
            s.commit()
            written += m
            print(f"  {written:,} / {n:,} reports …", file=sys.stderr)
    if db.backend == "sqlite":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    elif db.backend == "postgresql":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    db.dispose()
    return {"reports": n, "municipalities": municipalities, "areas": len(boxes),
            "generation_seconds": round(time.perf_counter() - started, 1)}


MEASURE = r"""
import json, os, sys, time
from collections import defaultdict
from datetime import date
t0 = time.perf_counter()
from trygg.lagesbild import service
from trygg.storage.database import Database
from trygg.storage.reports import ReportFilter
imports = time.perf_counter() - t0
parts = defaultdict(float)
def timed(name, fn):
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            parts[name] += time.perf_counter() - t
    return wrapper
service.area_profiles = timed("area profiles", service.area_profiles)
service.report_arrays = timed("points (the period's windows)", service.report_arrays)
service.weekly_counts.weekly_rows = timed("weekly counts table", service.weekly_counts.weekly_rows)
service.trend_alarms = timed("trend alarms", service.trend_alarms)
service.hot_cells = timed("hot spots (Gi*)", service.hot_cells)
service.density_bands = timed("density", service.density_bands)
service.list_places = timed("places", service.list_places)
service.data_version = timed("data version", service.data_version)
db = Database(sys.argv[1])
today = date.fromisoformat(sys.argv[2])
with db.session() as s:
    load_cold = os.getloadavg()[0]
    t = time.perf_counter()
    lb = service.build_lagesbild(s, ReportFilter(), today=today, use_cache=False)
    cold = time.perf_counter() - t
    cold_parts = dict(parts)
    again = []
    for _ in range(3):
        t = time.perf_counter()
        service.build_lagesbild(s, ReportFilter(), today=today, use_cache=False)
        again.append(time.perf_counter() - t)
print(json.dumps({"imports_s": imports, "cold_s": cold, "again_s": sorted(again)[1], "load": load_cold,
                  "load_after": os.getloadavg()[0], "period_reports": lb.total, "alarms": len(lb.alarms),
                  "hot_cells": sum(1 for c in lb.hot_cells if c.cls == "hot"),
                  "parts_ms": {k: round(v * 1000, 1) for k, v in cold_parts.items()}}))
"""


def measure(url: str) -> dict[str, Any]:
    # one BLAS thread, as `trygg serve` and `trygg worker` run (`trygg.cli.common.one_blas_thread`)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRYGG_TODAY": TODAY.isoformat(), "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", MEASURE, url, TODAY.isoformat()], capture_output=True, text=True,
                         env=env, cwd=ROOT, check=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def _pg_database(admin: str, name: str, fresh: bool) -> tuple[str, bool]:
    """(url, exists already) of database `name` on server `admin`."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from trygg.storage.database import normalise_url

    engine = create_engine(normalise_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is not None
        if exists and fresh:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return make_url(admin).set(database=name).render_as_string(hide_password=False), exists


def data_set(backend: str, n: int, postgres: str | None, fresh: bool) -> tuple[str, dict[str, Any] | None]:
    """A database with `n` synthetic reports (0 = the demo), built once and kept in bench/.cache."""
    municipalities = 1 if n <= 100_000 else 10
    if backend == "sqlite":
        CACHE.mkdir(parents=True, exist_ok=True)
        path = CACHE / ("lagesbild-demo.db" if n == 0 else f"lagesbild-{n}.db")
        if path.exists() and fresh:
            path.unlink()
        if path.exists():
            return str(path), None
        partial = path.with_name(path.name + ".partial")
        for p in (partial, Path(str(partial) + "-wal"), Path(str(partial) + "-shm")):
            p.unlink(missing_ok=True)
        made = _build(str(partial), n, municipalities)
        partial.replace(path)
        Path(str(partial) + ".audit-key").unlink(missing_ok=True)
        return str(path), made
    assert postgres is not None
    url, exists = _pg_database(postgres, "trygg_bench_lagesbild_demo" if n == 0 else f"trygg_bench_lagesbild_{n}",
                               fresh)
    return url, (None if exists else _build(url, n, municipalities))


def _build(url: str, n: int, municipalities: int) -> dict[str, Any]:
    if n:
        print(f"generating {n:,} reports in {municipalities} municipalities …", file=sys.stderr)
        return generate(url, n, municipalities)
    from trygg.demo.builder import build_demo
    from trygg.storage.database import Database

    started = time.perf_counter()
    db = Database(url)
    db.upgrade()
    summary = build_demo(db, seed=2022, today=TODAY)
    db.dispose()
    return {"reports": summary.reports, "generation_seconds": round(time.perf_counter() - started, 1)}


def markdown(rows: list[dict[str, Any]], command: str) -> str:
    lines = []
    for r in rows:
        m = r["measured"]
        parts = ", ".join(f"{k} {v:.0f}" for k, v in sorted(m["parts_ms"].items(), key=lambda kv: -kv[1]))
        target = "≤ 2 s" if r["reports"] > 100_000 else "≤ 300 ms"
        limit = 2.0 if r["reports"] > 100_000 else 0.3
        met = "met" if m["cold_s"] <= limit else "**not met**"
        lines.append(f"| {r['backend']} | {r['label']} | {r['reports']:,} | {m['cold_s'] * 1000:.0f} ms | "
                     f"{m['again_s'] * 1000:.0f} ms | {target}: {met} | {m['load']:.1f} | {parts} |")
    gen = "; ".join(f"{r['backend']} {r['label']}: {r['generation_seconds']} s" for r in rows
                    if r.get("generation_seconds") is not None)
    return f"""{SECTION}

Measured with `{command}`: `build_lagesbild` of the default period (the week of 16–22 November 2026),
cache off, in a fresh process after the imports, with one BLAS thread as `trygg serve` runs it.
*Cold* is the first picture of the process,
*again* the median of three more. *Load* is the one-minute load average at the cold call (the
machine has 2 cores and is shared with other work: above 2, other processes took CPU time from the
figure). The parts are the cold call's time in each step, in ms.

| backend | data | reports | cold | again | target | load | parts of the cold call (ms) |
|---|---|---|---|---|---|---|---|
{chr(10).join(lines)}

Building the data sets (once, kept in `bench/.cache` and the PostgreSQL databases
`trygg_bench_lagesbild_*`): {gen or "reused from an earlier run"}.
"""


def write_section(text: str, path: Path = DOC) -> None:
    old = path.read_text(encoding="utf-8")
    start = old.find(SECTION)
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        nxt = old.find("\n## ", start + 1)
        new = old[:start] + text + ("\n" + old[nxt + 1:] if nxt >= 0 else "")
    path.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="0,50000,1000000", help="report counts; 0 = the demo")
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server (admin URL) to measure too")
    parser.add_argument("--fresh", action="store_true", help="rebuild the data sets")
    parser.add_argument("--write-docs", action="store_true", help=f"rewrite '{SECTION}' in docs/performance.md")
    args = parser.parse_args()
    os.environ.setdefault("TRYGG_SECRET_KEY", "bench-lagesbild")  # the audit chain's key (the demo writes entries)
    rows = []
    for backend in ["sqlite"] + (["postgresql"] if args.postgres else []):
        for n in (int(v) for v in args.sizes.split(",")):
            url, made = data_set(backend, n, args.postgres, args.fresh)
            measured = measure(url)
            label = "demo (Trollhättan, seed 2022)" if n == 0 else \
                f"synthetic, {1 if n <= 100_000 else 10} municipalit{'y' if n <= 100_000 else 'ies'}, 10 years"
            row = {"backend": backend, "label": label, "reports": (made or {}).get("reports", n) or n,
                   "generation_seconds": (made or {}).get("generation_seconds"), "measured": measured}
            if n == 0 and made is None:
                row["reports"] = _count(url)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    text = markdown(rows, "python -m bench.lagesbild_scale " + " ".join(sys.argv[1:]))
    print(text)
    if args.write_docs:
        write_section(text)


def _count(url: str) -> int:
    from sqlalchemy import func, select

    from trygg.storage.database import Database
    from trygg.storage.schema import Report

    db = Database(url)
    try:
        with db.session() as s:
            return int(s.scalar(select(func.count(Report.id))) or 0)
    finally:
        db.dispose()


if __name__ == "__main__":
    main()

"""Benchmarks of the analysis engine against its anchors, side by side in one run.

Run from the repository root::

    .venv/bin/python -m bench.run            # full run, rewrites "## Analysis engine" in docs/performance.md
    .venv/bin/python -m bench.run --quick    # smaller sizes, prints only

Every measurement runs in a fresh subprocess (``--task NAME``), so memory is
that process's peak RSS and cold starts are real. Times are medians.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.report import report, write_section

ROOT = Path(__file__).resolve().parents[1]
TASKS: dict[str, Callable[[bool], dict[str, Any]]] = {}


def task(fn: Callable[[bool], dict[str, Any]]) -> Callable[[bool], dict[str, Any]]:
    TASKS[fn.__name__] = fn
    return fn


def _median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _points(n: int, seed: int = 0, extent: float = 50_000.0) -> tuple[np.ndarray, np.ndarray]:
    """Clustered points: half around 200 centres, half spread out."""
    rng = np.random.default_rng(seed)
    cent = rng.uniform(0, extent, (200, 2))
    k = rng.integers(0, 200, n)
    hot = rng.random(n) < 0.5
    x = np.where(hot, cent[k, 0] + rng.normal(0, extent / 60, n), rng.uniform(0, extent, n))
    y = np.where(hot, cent[k, 1] + rng.normal(0, extent / 60, n), rng.uniform(0, extent, n))
    return x, y


def _counts_grid(side: int, seed: int = 0) -> np.ndarray:
    """Counts of clustered points (3 per cell on average) on a side x side grid."""
    from trygg.analysis.grid import Grid, grid_counts

    x, y = _points(3 * side * side, seed)
    return grid_counts(x, y, Grid(0.0, 0.0, 50_000.0 / side, side, side)).astype(np.float64)


def _sparse_grid(side: int, seed: int = 0) -> np.ndarray:
    """A skewed grid without spatial structure: most cells empty, a few busy."""
    rng = np.random.default_rng(seed)
    return rng.poisson(rng.gamma(0.1, 5.0, (side, side))).astype(np.float64)


# ------------------------------------------------------------------ Gi*


@task
def gi_analytic_1m(quick: bool) -> dict[str, Any]:
    from trygg.analysis.getis_ord import gi_star
    from trygg.analysis.grid import grid_counts, grid_for_points

    n = 200_000 if quick else 1_000_000
    x, y = _points(n)
    cell = (x.max() - x.min()) / 999.5

    def run() -> Any:
        g = grid_for_points(x, y, cell)
        return gi_star(grid_counts(x, y, g))

    t, r = _median_time(run, 5)
    return {"seconds": t, "cells": int(r.z.size), "points": n, "rss_mb": _rss_mb()}


@task
def gi_perm_ours(quick: bool) -> dict[str, Any]:
    from trygg.analysis.getis_ord import gi_star

    side = 100 if quick else 316
    y = _counts_grid(side)
    t, _ = _median_time(lambda: gi_star(y, inference="permutation", permutations=999, seed=1), 5)
    perm_hot = [gi_star(y, inference="permutation", permutations=999, seed=s).n_hot for s in range(5)]
    an = gi_star(y)
    sparse = _sparse_grid(side)
    sk_an = gi_star(sparse)
    sk = gi_star(sparse, inference="permutation", permutations=999, seed=0)
    return {
        "seconds": t,
        "cells": int(y.size),
        "hot_permutation_5_seeds": perm_hot,
        "hot_analytic": an.n_hot,
        "cold_analytic": an.n_cold,
        "flagged_p05_analytic": float((np.minimum(1, 2 * sk_an.p) < 0.05).mean()),
        "flagged_p05_permutation": float((np.minimum(1, 2 * sk.p) < 0.05).mean()),
        "rss_mb": _rss_mb(),
    }


@task
def gi_cold_start(quick: bool) -> dict[str, Any]:
    code = (
        "import numpy as np\n"
        "from trygg.analysis.getis_ord import gi_star\n"
        "y = np.random.default_rng(0).poisson(2.0, (316, 316)).astype(float)\n"
        "gi_star(y, inference='permutation', permutations=999, seed=1)\n"
        "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    times, rss = [], 0.0
    for _ in range(3):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
        rss = float(out.stdout.strip())
    return {"seconds": statistics.median(times), "rss_mb": rss}


@task
def gi_esda(quick: bool) -> dict[str, Any]:
    side = 100 if quick else 316
    y = _counts_grid(side)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from esda.getisord import G_Local
        from libpysal.weights import lat2W
    t_import = time.perf_counter() - t0
    from trygg.analysis.fdr import benjamini_hochberg

    w = lat2W(side, side, rook=False)
    t0 = time.perf_counter()
    G_Local(y[:10, :10].ravel(), lat2W(10, 10, rook=False), transform="B", star=True, permutations=99, seed=0)
    t_compile = time.perf_counter() - t0
    runs, hot = [], []
    for seed in (1, 2, 3):
        t0 = time.perf_counter()
        r = G_Local(y.ravel(), w, transform="B", star=True, permutations=999, seed=seed)
        runs.append(time.perf_counter() - t0)
        sig = benjamini_hochberg(r.p_sim) <= 0.05
        hot.append(int((sig & (r.Zs > 0)).sum()))
    r = G_Local(_sparse_grid(side).ravel(), w, transform="B", star=True, permutations=999, seed=1)
    return {
        "seconds": statistics.median(runs),
        "import_seconds": t_import,
        "compile_seconds": t_compile,
        "hot_fdr_3_seeds": hot,
        "flagged_p05_folded": float((r.p_sim < 0.05).mean()),
        "flagged_p05_norm": float((r.p_norm < 0.05).mean()),
        "cells": int(y.size),
        "rss_mb": _rss_mb(),
    }


@task
def gi_pygeoda(quick: bool) -> dict[str, Any]:
    import geopandas as gpd
    import pygeoda
    import shapely

    side = 100 if quick else 316
    y = _counts_grid(side)
    rows, cols = np.indices((side, side))
    geoms = shapely.box(cols.ravel(), rows.ravel(), cols.ravel() + 1.0, rows.ravel() + 1.0)
    gdf = gpd.GeoDataFrame({"y": y.ravel()}, geometry=geoms)
    gda = pygeoda.open(gdf)
    w = pygeoda.queen_weights(gda)
    data = gdf["y"].tolist()

    def run() -> Any:
        return pygeoda.local_gstar(
            w, data, permutations=999, permutation_method="lookup-table", cpu_threads=2, seed=1
        )

    t, _ = _median_time(run, 3)
    return {"seconds": t, "cells": int(y.size), "rss_mb": _rss_mb()}


# ------------------------------------------------------------------ KDE


def _kde_case(quick: bool) -> tuple[np.ndarray, np.ndarray, Any]:
    from trygg.analysis.grid import grid_for_points

    n = 200_000 if quick else 1_000_000
    x, y = _points(n, seed=1)
    g = grid_for_points(x, y, (max(np.ptp(x), np.ptp(y))) / 499.0)
    return x, y, g


def _exact_at(x: np.ndarray, y: np.ndarray, px: np.ndarray, py: np.ndarray, h: float, kernel: str) -> np.ndarray:
    out = np.zeros(px.size)
    step = 8
    for k in range(0, px.size, step):
        d2 = (px[k : k + step, None] - x[None, :]) ** 2 + (py[k : k + step, None] - y[None, :]) ** 2
        if kernel == "gaussian":
            out[k : k + step] = np.exp(-d2 / (2 * h * h)).sum(axis=1) / (2 * np.pi * h * h)
        else:
            u = np.clip(1 - d2 / (h * h), 0, None)
            out[k : k + step] = (u * u).sum(axis=1) * 3 / (np.pi * h * h)
    return out


def _sample_cells(g: Any, dens: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check cells: the densest ones and a random spread."""
    rng = np.random.default_rng(0)
    flat = np.argsort(dens.ravel())[::-1][: m // 2]
    flat = np.unique(np.concatenate([flat, rng.integers(0, dens.size, m - flat.size)]))
    r, c = np.unravel_index(flat, dens.shape)
    xs, ys = g.centres()
    return flat, xs[c], ys[r]


#: Bandwidths in cells: from below a cell to far beyond the grid, densest where the plan changes.
KDE_CASES = (
    *(("gaussian", c) for c in (0.25, 0.5, 1, 1.5, 2, 2.5, 3, 5, 20, 200)),
    *(("quartic", c) for c in (1, 2, 4, 6, 8, 10, 12, 14, 16, 25, 50, 500)),
)


@task
def kde_ours(quick: bool) -> dict[str, Any]:
    from trygg.analysis.kde import kernel_density
    from trygg.analysis.kde_fast import plan

    x, y, g = _kde_case(quick)
    box = (float(x.min()), float(x.max()), float(y.min()), float(y.max()))
    out: list[dict[str, Any]] = []
    for kernel, cells in KDE_CASES:
        h = cells * g.cell_size
        t, r = _median_time(functools.partial(kernel_density, x, y, g, bandwidth=h, kernel=kernel), 5)  # type: ignore[arg-type]
        flat, px, py = _sample_cells(g, r.density, 200 if quick else 400)
        ex = _exact_at(x, y, px, py, h, kernel)
        err = float(np.abs(r.density.ravel()[flat] - ex).max() / ex.max())
        pl = plan(x.size, g, h, kernel, box)
        out.append({"kernel": kernel, "bandwidth_cells": cells, "seconds": t, "max_rel_error": err,
                    "mode": r.mode, "plan": f"{pl.method}, {pl.sub} x {pl.sub} nodes/cell, order {pl.order}",
                    "mass_on_grid": float(r.density.sum() * g.cell_size**2 / x.size)})
    return {"points": x.size, "grid": list(g.shape), "cases": out, "rss_mb": _rss_mb()}


def _kdepy_run(fftkde: Any, h: float, data: np.ndarray, grid_pts: np.ndarray) -> Any:
    return fftkde(kernel="gaussian", bw=h).fit(data).evaluate(grid_pts)


@task
def kde_kdepy(quick: bool) -> dict[str, Any]:
    from KDEpy import FFTKDE

    x, y, g = _kde_case(quick)
    xs, ys = g.centres()
    # KDEpy needs every point inside its grid: one more cell on each side.
    gx = np.concatenate([[xs[0] - g.cell_size], xs, [xs[-1] + g.cell_size]])
    gy = np.concatenate([[ys[0] - g.cell_size], ys, [ys[-1] + g.cell_size]])
    gxx, gyy = np.meshgrid(gx, gy, indexing="ij")
    grid_pts = np.column_stack([gxx.ravel(), gyy.ravel()])
    data = np.column_stack([x, y])
    out: list[dict[str, Any]] = []
    for cells in (2, 20, 200):
        h = cells * g.cell_size
        try:
            t, dens = _median_time(functools.partial(_kdepy_run, FFTKDE, h, data, grid_pts), 5)
        except ValueError as exc:
            out.append({"bandwidth_cells": cells, "error": str(exc)})
            continue
        d = dens.reshape(gx.size, gy.size).T[1:-1, 1:-1] * x.size
        flat, px, py = _sample_cells(g, d, 200 if quick else 400)
        ex = _exact_at(x, y, px, py, h, "gaussian")
        err = float(np.abs(d.ravel()[flat] - ex).max() / ex.max())
        mass = float(dens.sum() * g.cell_size**2)
        out.append({"bandwidth_cells": cells, "seconds": t, "max_rel_error": err, "mass_on_grid": mass})
    return {"cases": out, "rss_mb": _rss_mb()}


@task
def kde_scipy(quick: bool) -> dict[str, Any]:
    from scipy.stats import gaussian_kde

    x, y, g = _kde_case(quick)
    n_sub, m_sub = 20_000, 2_000
    rng = np.random.default_rng(0)
    kde = gaussian_kde(np.vstack([x[:n_sub], y[:n_sub]]))
    pts = np.vstack([rng.uniform(x.min(), x.max(), m_sub), rng.uniform(y.min(), y.max(), m_sub)])
    t, _ = _median_time(lambda: kde(pts), 3)
    full = t * (x.size / n_sub) * (g.n_cells / m_sub)
    return {"seconds_sample": t, "extrapolated_seconds": full, "rss_mb": _rss_mb()}


# ------------------------------------------------------------------ Knox


def _events(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x, y = _points(n, seed, extent=20_000.0)
    t = rng.integers(0, 3 * 365, n).astype(np.float64)
    return x, y, t


D_EDGES, T_EDGES = [100.0, 200.0, 300.0, 400.0], [7.0, 14.0, 21.0, 28.0]


@task
def knox_ours_99(quick: bool) -> dict[str, Any]:
    from trygg.analysis.near_repeat import knox

    x, y, t = _events(20_000 if quick else 100_000)
    t0 = time.perf_counter()
    knox(x, y, t, distance_edges=D_EDGES, time_edges=T_EDGES, permutations=99, seed=1)
    return {"seconds": time.perf_counter() - t0, "events": x.size, "rss_mb": _rss_mb()}


@task
def knox_ours_999(quick: bool) -> dict[str, Any]:
    from trygg.analysis.near_repeat import knox

    x, y, t = _events(20_000 if quick else 100_000)
    t0 = time.perf_counter()
    r = knox(x, y, t, distance_edges=D_EDGES, time_edges=T_EDGES, permutations=999, seed=1)
    return {"seconds": time.perf_counter() - t0, "events": x.size, "close_pairs": int(r.observed[:-1].sum()),
            "rss_mb": _rss_mb()}


@task
def knox_direct(quick: bool) -> dict[str, Any]:
    """The plain approach: cKDTree distances once, a 2-D histogram of all close pairs per permutation."""
    from scipy.spatial import cKDTree

    x, y, t = _events(20_000 if quick else 100_000)
    perms = 9 if quick else 99
    t0 = time.perf_counter()
    tree = cKDTree(np.column_stack([x, y]))
    sdm = tree.sparse_distance_matrix(tree, D_EDGES[-1], p=1, output_type="coo_matrix")
    i, j, d = sdm.row, sdm.col, sdm.data
    upper = i < j
    i, j, d = i[upper], j[upper], d[upper]
    d_bins = [-0.5, 1e-9, *D_EDGES]
    t_bins = [0.0, *T_EDGES, np.inf]
    rng = np.random.default_rng(1)
    obs, _, _ = np.histogram2d(d, np.abs(t[i] - t[j]), bins=[d_bins, t_bins])
    sims = []
    for _ in range(perms):
        tp = rng.permutation(t)
        h, _, _ = np.histogram2d(d, np.abs(tp[i] - tp[j]), bins=[d_bins, t_bins])
        sims.append(h)
    sec = time.perf_counter() - t0
    return {"seconds": sec, "permutations": perms, "seconds_99": sec if perms == 99 else sec * 99 / perms,
            "events": x.size, "rss_mb": _rss_mb()}


# ------------------------------------------------------------------ lägesbild and alarms


@task
def lagesbild(quick: bool) -> dict[str, Any]:
    """The lägesbild as users get it: `trygg.lagesbild.service.build_lagesbild` (what ``GET /lagesbild``
    runs) over the whole Trollhättan demo on SQLite, the default period (the last complete week),
    its cache off. Cold = the first call in a fresh process (imports and the area profiles included)."""
    import tempfile

    from trygg.demo.builder import build_demo
    from trygg.storage.database import Database

    with tempfile.TemporaryDirectory(prefix="trygg-bench-") as folder:
        db = Database(str(Path(folder) / "demo.db"))
        db.upgrade()
        summary = build_demo(db, seed=2022)
        db.dispose()
        code = (
            "import sys, time; t0 = time.perf_counter()\n"
            "from trygg.domain import clock\n"
            "from trygg.lagesbild.service import build_lagesbild\n"
            "from trygg.storage.database import Database\n"
            "from trygg.storage.reports import ReportFilter\n"
            "db = Database(sys.argv[1])\n"
            "with db.session() as s:\n"
            "    lb = build_lagesbild(s, ReportFilter(), today=clock.today(), use_cache=False)\n"
            "    cold = time.perf_counter() - t0\n"
            "    ws = []\n"
            "    for _ in range(5):\n"
            "        t1 = time.perf_counter()\n"
            "        build_lagesbild(s, ReportFilter(), today=clock.today(), use_cache=False)\n"
            "        ws.append(time.perf_counter() - t1)\n"
            "print(cold, sorted(ws)[2], lb.total)\n"
        )
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code, str(Path(folder) / "demo.db")], capture_output=True,
                             text=True, check=True, cwd=ROOT)
        wall = time.perf_counter() - t0
    inner_cold, warm, week = out.stdout.split()
    return {"cold_seconds": wall, "cold_inside_python": float(inner_cold), "warm_seconds": float(warm),
            "reports": summary.reports, "week_reports": int(week)}


@task
def alarms(quick: bool) -> dict[str, Any]:
    """Trend alarms against the oracle (true baseline, same tests and BH) on the same simulated counts."""
    from trygg.analysis.evaluation import simulate_alarms

    runs = 60 if quick else 300
    # (noise NB size or None for Poisson, level of series 0, range of the other levels, kind)
    scenarios: list[tuple[float | None, float, tuple[float, float], str]] = [
        (nb, level, (2.0, 30.0), "main") for nb in (30.0, None) for level in (5.0, 10.0, 20.0, 40.0, 60.0)
    ]
    # Harder nulls: stronger overdispersion, and only thin series (discrete, often below min_count).
    scenarios += [(10.0, 20.0, (2.0, 30.0), "harder"), (30.0, 4.0, (2.0, 5.0), "harder"),
                  (None, 4.0, (2.0, 5.0), "harder")]
    rows = []
    for nb, level, levels, kind in scenarios:
        s = simulate_alarms(runs=runs, n_series=20, level=level, levels=levels, test_weeks=4, nb_size=nb,
                            seed=2024)
        rows.append({"noise": f"NB(size {nb:g})" if nb else "Poisson", "level": level,
                     "other_levels": f"{levels[0]:g}-{levels[1]:g}", "kind": kind,
                     "false_alarm_rate": s.false_alarm_rate, "tested_weeks": s.tested_weeks,
                     "detection_rate": s.detection_rate,
                     "oracle_false_alarm_rate": s.oracle_false_alarm_rate,
                     "oracle_detection_rate": s.oracle_detection_rate, "runs": s.runs})
    return {"rows": rows}


# ------------------------------------------------------------------ driver


def _run_task(name: str, quick: bool) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.run", "--task", name] + (["--quick"] if quick else [])
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes; does not write docs")
    ap.add_argument("--task", choices=sorted(TASKS), help="run one measurement in this process (JSON out)")
    ap.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    args = ap.parse_args(argv)
    if args.task:
        print(json.dumps(TASKS[args.task](args.quick)))
        return
    res = {}
    load = [os.getloadavg()[0]]
    for name in TASKS:
        t0 = time.perf_counter()
        res[name] = _run_task(name, args.quick)
        print(f"{name}: {time.perf_counter() - t0:.1f} s  {json.dumps(res[name])}", file=sys.stderr)
        load.append(os.getloadavg()[0])
    command = ".venv/bin/python -m bench.run" + (" --quick" if args.quick else "")
    text = report(res, args.quick, command, load)
    print(text)
    if not args.quick:
        write_section(text, args.output)
        print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

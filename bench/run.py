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

    def run(inference: str) -> Any:
        g = grid_for_points(x, y, cell)
        return gi_star(grid_counts(x, y, g), inference=inference)  # type: ignore[arg-type]

    t, r = _median_time(lambda: run("analytic"), 5)
    t_exact, _ = _median_time(lambda: run("exact"), 5)
    return {"seconds": t, "seconds_exact": t_exact, "cells": int(r.z.size), "points": n, "rss_mb": _rss_mb()}


def _hot(p: np.ndarray, z: np.ndarray, q: float = 0.05) -> int:
    """Hot spots as every method here is judged: BH-FDR on the two-sided p, and z > 0."""
    from trygg.analysis.fdr import benjamini_hochberg

    return int(((benjamini_hochberg(np.minimum(1.0, 2.0 * p.ravel())) <= q) & (z.ravel() > 0)).sum())


@task
def gi_perm_ours(quick: bool) -> dict[str, Any]:
    from trygg.analysis.getis_ord import gi_star

    side = 100 if quick else 316
    y = _counts_grid(side)
    t, _ = _median_time(lambda: gi_star(y, inference="permutation", permutations=999, seed=1), 5)
    t_exact, ex = _median_time(lambda: gi_star(y), 5)
    perm_hot = [gi_star(y, inference="permutation", permutations=999, seed=s).n_hot for s in range(5)]
    an = gi_star(y, inference="analytic")
    # Sparse skewed counts without any spatial structure: every hot spot is a false one.
    null_hot: dict[str, list[int]] = {"exact": [], "analytic": [], "permutation_999": []}
    for seed in range(5):
        sparse = _sparse_grid(side, seed)
        null_hot["exact"].append(gi_star(sparse).n_hot)
        null_hot["analytic"].append(gi_star(sparse, inference="analytic").n_hot)
        null_hot["permutation_999"].append(gi_star(sparse, inference="permutation", permutations=999,
                                                   seed=seed).n_hot)
    return {
        "seconds": t,
        "seconds_exact": t_exact,
        "cells": int(y.size),
        "hot_exact": ex.n_hot,
        "hot_permutation_5_seeds": perm_hot,
        "hot_analytic": an.n_hot,
        "null_hot_5_grids": null_hot,
        "rss_mb": _rss_mb(),
    }


def _python_seconds(code: str, repeat: int = 5, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Median wall time of a fresh ``python -c code`` and the peak RSS it printed last (MB)."""
    times, rss = [], 0.0
    for _ in range(repeat):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                             env=env)
        times.append(time.perf_counter() - t)
        last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
        rss = float(last) if last.replace(".", "", 1).isdigit() else rss
    return statistics.median(times), rss


RSS = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
BASELINE = "import numpy, scipy\n"


@task
def gi_cold_start(quick: bool) -> dict[str, Any]:
    code = (
        "import numpy as np\n"
        "from trygg.analysis.getis_ord import gi_star\n"
        "y = np.random.default_rng(0).poisson(2.0, (316, 316)).astype(float)\n"
        "gi_star(y)\n" + RSS
    )
    base, base_rss = _python_seconds(BASELINE + RSS)
    t, rss = _python_seconds(code)
    return {"seconds": t, "rss_mb": rss, "baseline_seconds": base, "baseline_rss_mb": base_rss}


@task
def cli_startup(quick: bool) -> dict[str, Any]:
    """`trygg --help` and `trygg analyse hotspots` on 12,000 points, against `python -c "import numpy, scipy"`."""
    import tempfile

    x, y = _points(12_000, seed=3, extent=20_000.0)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "points.csv"
        path.write_text("x,y\n" + "\n".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True)) + "\n")
        out = Path(tmp) / "hot.json"
        run = "import sys\nfrom trygg.cli import main\nsys.argv = ['trygg', *{!r}]\ntry:\n    main()\n" \
              "except SystemExit:\n    pass\n" + RSS
        base, base_rss = _python_seconds(BASELINE + RSS, env=env)
        help_s, help_rss = _python_seconds(run.format(["--help"]), env=env)
        hot_s, hot_rss = _python_seconds(run.format(["analyse", "hotspots", str(path), "--cell-size", "100",
                                                     "--output", str(out)]), env=env)
        result = json.loads(out.read_text())
    return {"baseline_seconds": base, "baseline_rss_mb": base_rss, "help_seconds": help_s, "help_rss_mb": help_rss,
            "hotspots_seconds": hot_s, "hotspots_rss_mb": hot_rss, "cells": len(result["cells"]),
            "points": int(result["n_points"])}


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

    w = lat2W(side, side, rook=False)
    t0 = time.perf_counter()
    G_Local(y[:10, :10].ravel(), lat2W(10, 10, rook=False), transform="B", star=True, permutations=99, seed=0)
    t_compile = time.perf_counter() - t0
    runs, hot = [], []
    for seed in (1, 2, 3):
        t0 = time.perf_counter()
        r = G_Local(y.ravel(), w, transform="B", star=True, permutations=999, seed=seed)
        runs.append(time.perf_counter() - t0)
        # esda's p_sim is one-sided (folded to the nearer tail): doubled, as ours, before the same BH.
        hot.append(_hot(r.p_sim, r.Zs))
    null_hot = []
    for seed in range(3):
        r = G_Local(_sparse_grid(side, seed).ravel(), w, transform="B", star=True, permutations=999, seed=seed)
        null_hot.append(_hot(r.p_sim, r.Zs))
    return {
        "seconds": statistics.median(runs),
        "import_seconds": t_import,
        "compile_seconds": t_compile,
        "hot_fdr_3_seeds": hot,
        "null_hot_3_grids": null_hot,
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
    """KDEpy's FFTKDE used as its own error message advises: the data scaled (to cell units, bandwidth in cells)."""
    from KDEpy import FFTKDE

    x, y, g = _kde_case(quick)
    xs, ys = g.centres()
    s = g.cell_size
    # KDEpy needs every point inside its grid: one more cell on each side. Everything in cell units.
    gx = (np.concatenate([[xs[0] - s], xs, [xs[-1] + s]]) - xs[0]) / s
    gy = (np.concatenate([[ys[0] - s], ys, [ys[-1] + s]]) - ys[0]) / s
    gxx, gyy = np.meshgrid(gx, gy, indexing="ij")
    grid_pts = np.column_stack([gxx.ravel(), gyy.ravel()])
    data = np.column_stack([(x - xs[0]) / s, (y - ys[0]) / s])
    out: list[dict[str, Any]] = []
    for cells in (2, 20, 200):
        h = cells * s
        try:
            t, dens = _median_time(functools.partial(_kdepy_run, FFTKDE, float(cells), data, grid_pts), 5)
        except ValueError as exc:
            out.append({"bandwidth_cells": cells, "error": str(exc)})
            continue
        d = dens.reshape(gx.size, gy.size).T[1:-1, 1:-1] * x.size / (s * s)
        flat, px, py = _sample_cells(g, d, 200 if quick else 400)
        ex = _exact_at(x, y, px, py, h, "gaussian")
        err = float(np.abs(d.ravel()[flat] - ex).max() / ex.max())
        mass = float(dens.sum())
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


def _direct_pairs(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs closer than the last edge (Manhattan) and their distance row (0: same place)."""
    from scipy.spatial import cKDTree

    pairs = cKDTree(np.column_stack([x, y])).query_pairs(D_EDGES[-1], p=1.0, output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    d = np.abs(x[i] - x[j]) + np.abs(y[i] - y[j])
    keep = d < D_EDGES[-1]
    i, j, d = i[keep], j[keep], d[keep]
    row = np.where(d == 0, 0, np.searchsorted(D_EDGES, d, side="right") + 1)
    return i, j, row


@task
def knox_direct(quick: bool) -> dict[str, Any]:
    """The plain direct way: close pairs once, then per permutation the time band of every pair and a bincount."""
    x, y, t = _events(20_000 if quick else 100_000)
    perms = 9 if quick else 99
    n_cols = len(T_EDGES) + 1
    t0 = time.perf_counter()
    i, j, row = _direct_pairs(x, y)
    code0 = row * n_cols
    rng = np.random.default_rng(1)
    t_edges = np.asarray(T_EDGES)
    tables = []
    for k in range(perms + 1):
        tp = t if k == 0 else rng.permutation(t)
        col = np.searchsorted(t_edges, np.abs(tp[i] - tp[j]), side="right")
        tables.append(np.bincount(code0 + col, minlength=(len(D_EDGES) + 1) * n_cols))
    sec = time.perf_counter() - t0
    return {"seconds": sec, "permutations": perms, "seconds_99": sec if perms == 99 else sec * 99 / perms,
            "events": x.size, "close_pairs": int(i.size), "rss_mb": _rss_mb()}


@task
def knox_direct_tuned(quick: bool) -> dict[str, Any]:
    """The direct way tuned: int32 pair indices, int16 whole-day times, int8 band codes, comparisons not search."""
    x, y, t = _events(20_000 if quick else 100_000)
    perms = 9 if quick else 99
    n_cols = len(T_EDGES) + 1
    t0 = time.perf_counter()
    i, j, row = _direct_pairs(x, y)
    i, j = i.astype(np.int32), j.astype(np.int32)
    code0 = (row * n_cols).astype(np.int8)
    t16 = (t - t.min()).astype(np.int16)
    rng = np.random.default_rng(1)
    n_codes = (len(D_EDGES) + 1) * n_cols
    tables = []
    for k in range(perms + 1):
        tp = t16 if k == 0 else rng.permutation(t16)
        dt = np.abs(tp[i] - tp[j])
        code = code0.copy()
        for e in T_EDGES:  # whole days: dt >= e moves the pair one column right
            code += dt >= int(e)
        tables.append(np.bincount(code, minlength=n_codes))
    sec = time.perf_counter() - t0
    return {"seconds": sec, "permutations": perms, "seconds_99": sec if perms == 99 else sec * 99 / perms,
            "events": x.size, "close_pairs": int(i.size), "rss_mb": _rss_mb()}


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


@task
def alarms_short_history(quick: bool) -> dict[str, Any]:
    """False alarms and detection against the length of history (NB size 30, level 20, seasons and trend)."""
    from trygg.analysis.evaluation import simulate_alarms

    runs = 60 if quick else 300
    rows = []
    for weeks in (8, 26, 52, 78, 104, 156):
        s = simulate_alarms(runs=runs, history_weeks=weeks, test_weeks=4, seed=2024)
        rows.append({"history_weeks": weeks, "false_alarm_rate": s.false_alarm_rate, "tested_weeks": s.tested_weeks,
                     "detection_rate": s.detection_rate, "oracle_false_alarm_rate": s.oracle_false_alarm_rate,
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

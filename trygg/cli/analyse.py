"""``trygg analyse``: the analysis engine on plain files, without a database."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from trygg.cli.analyse_io import DEFAULT_CRS, InputError, read_points

app = typer.Typer(
    help="Analyse points in a CSV or GeoJSON file: hot spots, near repeats, trends.",
    no_args_is_help=True,
)
err = Console(stderr=True)


def _clean(v: Any) -> Any:
    """JSON-safe: NaN and infinity become null, NumPy types plain Python."""
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if isinstance(v, np.ndarray):
        return _clean(v.tolist())
    if isinstance(v, np.generic):
        return _clean(v.item())
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


#: Longest list of objects written one item per line.
LINE_PER_ITEM = 2_000


def _dumps(obj: dict[str, Any]) -> str:
    """JSON with one line per top-level key and per item of a list of objects (cells, features, series).

    Each piece goes through the C encoder: ``indent`` would switch the whole
    document to the pure-Python one, ten times slower on 100,000 cells. Longer
    lists than ``LINE_PER_ITEM`` are one line: one encoder call instead of one per item.
    """
    def one(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False, separators=(", ", ": "))

    parts = []
    for k, v in obj.items():
        if isinstance(v, list) and 0 < len(v) <= LINE_PER_ITEM and all(isinstance(x, dict) for x in v):
            body = "[\n  " + ",\n  ".join(one(x) for x in v) + "\n ]"
        elif isinstance(v, dict) and v:
            body = _dumps(v).replace("\n", "\n ")
        else:
            body = one(v)
        parts.append(f" {one(k)}: {body}")
    return "{\n" + ",\n".join(parts) + "\n}" if parts else "{}"


def _write(obj: dict[str, Any], output: Path | None, *, clean: bool = True) -> None:
    text = _dumps(_clean(obj) if clean else obj)
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.write_text(text + "\n", encoding="utf-8")
        err.print(f"wrote {output}")


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc}")
    return typer.Exit(code=2)


def _floats(text: str, what: str) -> list[float]:
    try:
        vals = [float(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise typer.BadParameter(f"{what} must be numbers separated by commas, e.g. 100,200,300") from None
    if not vals:
        raise typer.BadParameter(f"give one or more {what}, e.g. 100,200,300")
    return vals


@app.command()
def hotspots(
    input: Path = typer.Argument(..., help="CSV or GeoJSON with lon,lat or x,y."),
    cell_size: float = typer.Option(..., "--cell-size", help="Cell side in metres."),
    bandwidth: float | None = typer.Option(None, help="Kernel bandwidth in metres (default: Scott's rule)."),
    kernel: str = typer.Option("quartic", help="quartic or gaussian."),
    inference: str = typer.Option(
        "exact",
        help="Gi* p-values: exact (the randomisation distribution, computed exactly; the default), "
        "permutation (conditional, with --permutations) or analytic (normal approximation, too liberal on "
        "sparse counts).",
    ),
    permutations: int = typer.Option(
        0, help="Conditional permutations for Gi* (more than 0 implies --inference permutation)."
    ),
    seed: int | None = typer.Option(None, help="Seed for the permutations."),
    crs: str | None = typer.Option(
        None, help="CRS: lon/lat input is projected to it (default EPSG:3006); labels x,y input."
    ),
    x_col: str | None = typer.Option(None, help="Name of the x column."),
    y_col: str | None = typer.Option(None, help="Name of the y column."),
    lon_col: str | None = typer.Option(None, help="Name of the longitude column."),
    lat_col: str | None = typer.Option(None, help="Name of the latitude column."),
    output: Path | None = typer.Option(None, help="Write here (.geojson for GeoJSON cells); default stdout."),
) -> None:
    """Kernel density and Getis-Ord Gi* hot spots on a grid aligned to the cell size.

    Example: trygg analyse hotspots reports.csv --cell-size 250 --output hot.geojson
    """
    from trygg.analysis.getis_ord import CLASS_NAMES, INFERENCES, gi_star, permutation_resolution
    from trygg.analysis.grid import grid_counts, grid_for_points
    from trygg.analysis.kde import kernel_density

    if permutations > 0 and inference == "exact":
        inference = "permutation"
    if inference not in INFERENCES:
        raise typer.BadParameter(f"--inference must be exact, permutation or analytic, got {inference!r}.")
    if inference == "permutation" and permutations < 1:
        raise typer.BadParameter("--inference permutation needs --permutations, e.g. --permutations 99999.")
    try:
        pts = read_points(input, crs=crs or DEFAULT_CRS, x_col=x_col, y_col=y_col, lon_col=lon_col, lat_col=lat_col)
        grid = grid_for_points(pts.x, pts.y, cell_size)
        counts = grid_counts(pts.x, pts.y, grid)
        if kernel not in ("quartic", "gaussian"):
            raise ValueError(f"--kernel must be quartic or gaussian, got {kernel!r}.")
        kd = kernel_density(pts.x, pts.y, grid, bandwidth=bandwidth, kernel=kernel)  # type: ignore[arg-type]
        if counts.size < 2:
            raise ValueError("all points fall in one cell; use a smaller --cell-size.")
        gi = gi_star(counts, inference=inference, permutations=permutations, seed=seed)  # type: ignore[arg-type]
    except (InputError, ValueError) as exc:
        raise _fail(exc) from None
    resolution_note = None
    if gi.inference == "permutation":
        need = permutation_resolution(counts.size, permutations, gi.q)
        if need > 1:
            resolution_note = (
                f"with {permutations} permutations the smallest two-sided p is {2 / (permutations + 1):.2g}; "
                f"over {counts.size} cells FDR at {gi.q:g} can call no cell significant unless {need} or more "
                f"cells reach it. Use --inference exact (the default, no resolution limit) or "
                f"--permutations {int(np.ceil(2 * counts.size / gi.q))} or more."
            )
            err.print(f"[yellow]warning:[/yellow] {resolution_note}")
    xs, ys = grid.centres()
    rows, cols = np.indices(grid.shape)
    def plain(a: np.ndarray) -> list[Any]:
        """Array to a flat list of Python values, NaN and infinity as None (JSON null)."""
        out = a.ravel().tolist()
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            out = [v if math.isfinite(v) else None for v in out]
        return out

    names = np.array([CLASS_NAMES[k] for k in sorted(CLASS_NAMES)], dtype=object)
    columns = {
        "col": plain(cols), "row": plain(rows), "x": plain(xs[cols]), "y": plain(ys[rows]),
        "count": plain(counts.astype(np.int64)), "density": plain(kd.density), "gi_z": plain(gi.z),
        "gi_p": plain(gi.p), "gi_p_fdr": plain(gi.p_fdr),
        "class": names[gi.classes.ravel().astype(np.int64) - min(CLASS_NAMES)].tolist(),
    }
    # Plain Python values already: no _clean pass over 100,000 cells.
    cells = [dict(zip(columns, vals, strict=True)) for vals in zip(*columns.values(), strict=True)]
    meta = {
        "crs": (crs or DEFAULT_CRS) if pts.projected_from_lonlat else crs,
        "cell_size": grid.cell_size,
        "origin": [grid.x0, grid.y0],
        "n_cols": grid.n_cols,
        "n_rows": grid.n_rows,
        "n_points": int(pts.x.size),
        "kernel": kd.kernel,
        "bandwidth": kd.bandwidth,
        "bandwidth_rule": kd.bandwidth_rule,
        "density_unit": "points per square metre",
        "inference": gi.inference,
        "permutations": gi.permutations,
        "seed": seed,
        "resolution_note": resolution_note,
        "fdr_q": gi.q,
        "n_hot": gi.n_hot,
        "n_cold": gi.n_cold,
    }
    if output is not None and output.suffix.lower() == ".geojson":
        half = grid.cell_size / 2

        def ring(cx: float, cy: float) -> list[list[float]]:
            return [
                [cx - half, cy - half],
                [cx + half, cy - half],
                [cx + half, cy + half],
                [cx - half, cy + half],
                [cx - half, cy - half],
            ]

        feats = [
            {
                "type": "Feature",
                "properties": cell,
                "geometry": {"type": "Polygon", "coordinates": [ring(float(xs[c]), float(ys[r]))]},
            }
            for cell, r, c in zip(cells, rows.ravel(), cols.ravel(), strict=True)
        ]
        _write({"type": "FeatureCollection", "metadata": _clean(meta), "features": feats}, output, clean=False)
    else:
        _write({**_clean(meta), "cells": cells}, output, clean=False)


@app.command("near-repeat")
def near_repeat(
    input: Path = typer.Argument(..., help="CSV or GeoJSON with x,y (or lon,lat) and a date."),
    distance_bands: str = typer.Option(..., help="Upper edges of the distance bands in metres."),
    time_bands: str = typer.Option(..., help="Upper edges of the time bands in days."),
    metric: str = typer.Option("manhattan", help="manhattan or euclidean."),
    nrc_compatible: bool = typer.Option(
        False, "--nrc-compatible", help="Reproduce the Near Repeat Calculator (float32, whole days)."
    ),
    permutations: int = typer.Option(99, help="Monte Carlo permutations of the times."),
    seed: int | None = typer.Option(None, help="Seed for the permutations."),
    crs: str = typer.Option(DEFAULT_CRS, help="Projected CRS for lon/lat input."),
    date_col: str | None = typer.Option(None, help="Name of the date column."),
    date_format: str | None = typer.Option(None, help="strptime format, e.g. %d/%m/%Y (default ISO 8601)."),
    output: Path | None = typer.Option(None, help="Write the JSON here; default stdout."),
) -> None:
    """Knox test of near repeats, as in Ratcliffe's Near Repeat Calculator.

    Example: trygg analyse near-repeat burglary.csv --distance-bands 100,200,300
    --time-bands 7,14,21 --permutations 999 --seed 1 --nrc-compatible
    """
    from trygg.analysis.near_repeat import knox

    d_edges = _floats(distance_bands, "distance bands")
    t_edges = _floats(time_bands, "time bands")
    if metric not in ("manhattan", "euclidean"):
        raise _fail(ValueError(f"--metric must be manhattan or euclidean, got {metric!r}."))
    try:
        pts = read_points(input, crs=crs, date_col=date_col, date_format=date_format, need_dates=True)
        assert pts.dates is not None
        day = pts.dates.astype("datetime64[D]") if nrc_compatible else pts.dates
        t = (day - day.min()).astype("timedelta64[s]").astype(np.float64) / 86400.0
        with Progress(
            TextColumn("permutations"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=permutations < 50,
        ) as bar:
            task = bar.add_task("perm", total=permutations)
            result = knox(
                pts.x,
                pts.y,
                t,
                distance_edges=d_edges,
                time_edges=t_edges,
                metric=metric,  # type: ignore[arg-type]
                permutations=permutations,
                seed=seed,
                nrc_compatible=nrc_compatible,
                progress=lambda done, total: bar.update(task, completed=done),
            )
    except (InputError, ValueError) as exc:
        raise _fail(exc) from None
    _write(
        {
            "distance_bands": list(result.distance_edges),
            "time_bands": list(result.time_edges),
            "metric": result.metric,
            "nrc_compatible": result.nrc_compatible,
            "n_events": result.n_events,
            "rows": result.row_labels,
            "columns": result.col_labels,
            "observed": result.observed,
            "expected": result.expected,
            "ratio": result.ratio,
            "p_value": result.p_value,
            "permutations": result.permutations,
            "seed": result.seed,
        },
        output,
    )


@app.command()
def trends(
    input: Path = typer.Argument(..., help="CSV or GeoJSON with a date column."),
    period: str = typer.Option("week", help="week, month, quarter or year."),
    area_col: str | None = typer.Option(None, help="Column naming the area (default: one series)."),
    category_col: str | None = typer.Option(None, help="Column naming the category."),
    date_col: str | None = typer.Option(None, help="Name of the date column."),
    date_format: str | None = typer.Option(None, help="strptime format, e.g. %d/%m/%Y (default ISO 8601)."),
    output: Path | None = typer.Option(None, help="Write the JSON here; default stdout."),
) -> None:
    """Counts per period for each area x category, and trend alarms for the latest week.

    Example: trygg analyse trends reports.csv --period week --category-col category
    """
    from trygg.analysis.aggregate import CountCube, compare_periods, count_cube, period_index, period_starts
    from trygg.analysis.trends import trend_alarms

    if period not in ("week", "month", "quarter", "year"):
        raise _fail(ValueError(f"--period must be week, month, quarter or year, got {period!r}."))
    keep = tuple(c for c in (area_col, category_col) if c)
    try:
        # Only dates, areas and categories are counted: coordinates are optional here.
        pts = read_points(input, date_col=date_col, date_format=date_format, need_dates=True, keep=keep,
                          need_coordinates=False)
        for c in keep:
            if c not in pts.columns:
                raise InputError(f"column {c!r} not found in {input}.")
    except (InputError, ValueError) as exc:
        raise _fail(exc) from None
    assert pts.dates is not None
    n = pts.x.size
    a_names, a_codes = (
        np.unique(pts.columns[area_col], return_inverse=True)
        if area_col
        else (np.array(["all"]), np.zeros(n, dtype=np.int64))
    )
    c_names, c_codes = (
        np.unique(pts.columns[category_col], return_inverse=True)
        if category_col
        else (np.array(["all"]), np.zeros(n, dtype=np.int64))
    )
    cube = count_cube(
        a_codes,
        c_codes,
        pts.dates,
        period=period,  # type: ignore[arg-type]
        n_areas=a_names.size,
        n_categories=c_names.size,
    )
    # A last period that the data do not reach the end of is left out: it would look like a drop.
    last_day = pts.dates.astype("datetime64[D]").max()
    per = cube.period
    incomplete = period_starts(period_index(np.atleast_1d(last_day + 1), per), per)[0] == cube.starts[-1]  # type: ignore[arg-type]
    if incomplete and cube.counts.shape[2] > 1:
        cube = CountCube(cube.counts[:, :, :-1], cube.starts[:-1], cube.period)
    cmp = compare_periods(cube, -1)
    na, nc, n_p = cube.counts.shape
    alarms = trend_alarms(cube.counts.reshape(na * nc, n_p), cube.starts) if period == "week" else None
    series = []
    for ia in range(na):
        for ic in range(nc):
            k = ia * nc + ic
            item: dict[str, Any] = {
                "area": str(a_names[ia]),
                "category": str(c_names[ic]),
                "counts": cube.counts[ia, ic],
                "current": cmp.current[ia, ic],
                "previous": cmp.previous[ia, ic],
                "same_period_last_year": cmp.last_year[ia, ic],
                "change_previous": cmp.change_previous[ia, ic],
                "change_last_year": cmp.change_last_year[ia, ic],
            }
            if alarms is not None:
                item.update(
                    expected=alarms.expected[k, 0],
                    p_value=alarms.p_value[k, 0],
                    p_adjusted=alarms.p_adjusted[k, 0],
                    alarm=bool(alarms.alarm[k, 0]),
                )
            series.append(item)
    _write(
        {
            "period": period,
            "period_starts": [str(s) for s in cube.starts],
            "latest": str(cube.starts[-1]),
            "incomplete_last_period_left_out": bool(incomplete),
            "alarm_method": alarms.method if alarms is not None else None,
            "fdr_q": alarms.q if alarms is not None else None,
            "series": series,
        },
        output,
    )

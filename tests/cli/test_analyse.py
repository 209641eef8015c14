"""``trygg analyse``: hot spots, near repeats and trends on plain files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from trygg.cli.analyse import app

runner = CliRunner()
DATA = "data/analytics"


def _run(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, [*args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def xy_csv(tmp_path: Path) -> Path:
    """A small CSV of projected points with dates."""
    rng = np.random.default_rng(0)
    lines = ["x,y,date"]
    for k in range(300):
        lines.append(f"{rng.uniform(0, 2000):.2f},{rng.uniform(0, 1000):.2f},2024-01-{1 + k % 28:02d}")
    lines.append("1000.0,500.0,2024-01-05")
    path = tmp_path / "points.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_hotspots_json_has_the_documented_shape(xy_csv: Path) -> None:
    out = _run("hotspots", str(xy_csv), "--cell-size", "250", "--bandwidth", "500")
    assert {"crs", "cell_size", "origin", "n_cols", "n_rows", "cells", "inference"} <= out.keys()
    assert out["origin"][0] % 250 == 0 and out["inference"] == "exact"
    assert len(out["cells"]) == out["n_cols"] * out["n_rows"]
    cell = out["cells"][0]
    assert set(cell) == {"col", "row", "x", "y", "count", "density", "gi_z", "gi_p", "gi_p_fdr", "class"}
    assert cell["x"] == out["origin"][0] + 125 and cell["y"] == out["origin"][1] + 125
    assert sum(c["count"] for c in out["cells"]) == 301


def test_hotspots_with_permutations_say_so(xy_csv: Path) -> None:
    out = _run("hotspots", str(xy_csv), "--cell-size", "250", "--permutations", "99", "--seed", "1")
    assert out["inference"] == "permutation" and out["permutations"] == 99


def test_permutations_too_few_for_fdr_are_called_out(xy_csv: Path) -> None:
    result = runner.invoke(app, ["hotspots", str(xy_csv), "--cell-size", "50", "--permutations", "99"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["resolution_note"] and "--inference exact" in out["resolution_note"]
    assert "warning" in result.stderr and out["n_hot"] == 0
    analytic = _run("hotspots", str(xy_csv), "--cell-size", "250", "--inference", "analytic")
    assert analytic["inference"] == "analytic" and analytic["resolution_note"] is None
    bad = runner.invoke(app, ["hotspots", str(xy_csv), "--cell-size", "250", "--inference", "magic"])
    assert bad.exit_code == 2 and "--inference" in bad.output


def test_hotspots_geojson_output(xy_csv: Path, tmp_path: Path) -> None:
    target = tmp_path / "cells.geojson"
    result = runner.invoke(app, ["hotspots", str(xy_csv), "--cell-size", "500", "--output", str(target)])
    assert result.exit_code == 0, result.output
    gj = json.loads(target.read_text())
    assert gj["type"] == "FeatureCollection" and gj["features"][0]["geometry"]["type"] == "Polygon"
    assert "class" in gj["features"][0]["properties"]


def test_lonlat_is_projected_to_sweref(tmp_path: Path) -> None:
    path = tmp_path / "ll.csv"
    path.write_text("lon,lat\n18.06,59.33\n18.07,59.34\n18.05,59.33\n")
    out = _run("hotspots", str(path), "--cell-size", "500")
    assert out["crs"] == "EPSG:3006"
    assert 6_500_000 < out["origin"][1] < 6_600_000


def test_geojson_input(tmp_path: Path) -> None:
    feats = [{"type": "Feature", "properties": {"date": f"2024-01-0{1 + k % 9}"},
              "geometry": {"type": "Point", "coordinates": [18.0 + k * 1e-3, 59.3]}} for k in range(20)]
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    out = _run("near-repeat", str(path), "--distance-bands", "100,200", "--time-bands", "2,4",
               "--permutations", "9", "--seed", "1")
    assert len(out["observed"]) == 4 and len(out["observed"][0]) == 3


def test_missing_column_error_says_how_to_fix(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n")
    result = runner.invoke(app, ["hotspots", str(path), "--cell-size", "100"])
    assert result.exit_code == 2
    assert "--x-col" in result.output


def test_trends_weekly_series(xy_csv: Path) -> None:
    out = _run("trends", str(xy_csv))
    assert out["period"] == "week" and out["series"][0]["area"] == "all"
    assert "alarm" in out["series"][0]


@pytest.mark.shared_data
def test_near_repeat_nrc_compatible_on_the_golden_file(shared_dir: Path) -> None:
    out = _run("near-repeat", str(shared_dir / DATA / "steenbeek_chicago_be_month1.csv"),
               "--distance-bands", "100,200,300", "--time-bands", "7,14,21", "--nrc-compatible",
               "--permutations", "19", "--seed", "1")
    assert out["observed"][0] == [28, 5, 5, 2]
    assert out["observed"][4] == [182194, 146149, 95237, 45879]
    assert out["seed"] == 1 and out["permutations"] == 19 and out["metric"] == "manhattan"


@pytest.mark.shared_data
def test_near_repeat_pathological_dd_mm_yyyy(shared_dir: Path) -> None:
    out = _run("near-repeat", str(shared_dir / DATA / "davies_pathological_example.csv"),
               "--distance-bands", "100,200", "--time-bands", "3,6", "--date-format", "%d/%m/%Y",
               "--nrc-compatible", "--permutations", "0")
    assert out["observed"][2][1] == 1


@pytest.mark.shared_data
def test_hotspots_and_trends_on_the_real_files(shared_dir: Path) -> None:
    sf = str(shared_dir / DATA / "geoda_sf_crime_jul_dec_2012.csv")
    out = _run("hotspots", sf, "--cell-size", "250", "--x-col", "x_utm10n", "--y-col", "y_utm10n",
               "--crs", "EPSG:32610")
    assert out["n_hot"] > 0 and sum(c["count"] for c in out["cells"]) == 13472
    tr = _run("trends", sf, "--category-col", "category")
    assert {s["category"] for s in tr["series"]} == {"DRUG/NARCOTIC", "ROBBERY", "VANDALISM", "VEHICLE THEFT"}
    assert tr["incomplete_last_period_left_out"] is True
    chi = _run("trends", str(shared_dir / DATA / "opencp_quickstart_chicago_southside_2016.csv"),
               "--date-format", "%m/%d/%Y %I:%M:%S %p", "--period", "month")
    assert chi["series"][0]["counts"] and len(chi["period_starts"]) == 12
    wy = _run("hotspots", str(shared_dir / DATA / "policeuk_2016-07-west-yorkshire-street.csv"),
              "--cell-size", "1000", "--crs", "EPSG:27700", "--permutations", "999", "--seed", "2")
    assert wy["inference"] == "permutation" and wy["n_points"] > 25_000
    assert wy["n_hot"] == 0 and "FDR" in wy["resolution_note"]  # 999 cannot reach significance here


def test_trends_need_no_coordinates(tmp_path: Path) -> None:
    lines = ["date,area,category"] + [f"2024-{1 + k % 12:02d}-{1 + k % 27:02d},A{k % 2},theft" for k in range(400)]
    lines.append("2024-03-05,,theft")  # no area: counted as its own (empty) area
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    out = _run("trends", str(path), "--area-col", "area", "--category-col", "category", "--period", "month")
    assert {s["area"] for s in out["series"]} == {"", "A0", "A1"}
    first = {s["area"]: s["counts"][0] for s in out["series"]}
    assert first == {"": 0, "A0": 34, "A1": 0}  # January: k % 12 == 0, all even
    assert next(s for s in out["series"] if s["area"] == "")["counts"][2] == 1  # the row without an area
    bad = runner.invoke(app, ["trends", str(path), "--date-col", "when"])
    assert bad.exit_code == 2 and "when" in bad.output


def test_every_command_has_an_example_in_its_help() -> None:
    for cmd in ("hotspots", "near-repeat", "trends"):
        result = runner.invoke(app, [cmd, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output

"""Reading point files for ``trygg analyse``: CSV or GeoJSON to projected arrays.

A CSV has either ``lon,lat`` (WGS 84, projected to the target CRS) or ``x,y``
(projected metres, used as they are), and for time-based analyses a ``date``
or ``time`` column. Column names are matched without regard to case; other
names can be given. A CSV whose first row holds two numbers has no header:
its columns are taken as x, y, date (the Near Repeat Calculator's layout).
GeoJSON point features give lon/lat (or x/y with ``--projected``) and their
properties give the other columns.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["InputError", "Points", "read_points", "parse_dates"]

DEFAULT_CRS = "EPSG:3006"


class InputError(ValueError):
    """An input file that cannot be read as points; the message says how to fix it."""


@dataclass(frozen=True)
class Points:
    """Points read from a file, in projected metres."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    dates: NDArray[np.datetime64] | None
    columns: dict[str, list[str]]
    crs: str
    projected_from_lonlat: bool


def _find(header: list[str], wanted: str | None, candidates: tuple[str, ...]) -> int | None:
    low = [h.strip().lower() for h in header]
    names = (wanted,) if wanted else candidates
    for name in names:
        if name is not None and name.lower() in low:
            return low.index(name.lower())
    if wanted:
        raise InputError(f"column {wanted!r} not found; the file has {', '.join(header)}.")
    return None


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def parse_dates(values: list[str], date_format: str | None = None) -> NDArray[np.datetime64]:
    """Parse ISO 8601 dates or date-times (or ``date_format``, e.g. ``%d/%m/%Y``) to seconds."""
    out = np.empty(len(values), dtype="datetime64[s]")
    for k, v in enumerate(values):
        s = v.strip()
        try:
            if date_format:
                d = datetime.strptime(s, date_format)
            elif len(s) == 7 and s[4] == "-":  # YYYY-MM, as data.police.uk gives months
                d = datetime.strptime(s, "%Y-%m")
            else:
                d = datetime.fromisoformat(s.replace("Z", "+00:00"))
        except ValueError:
            hint = "pass --date-format, e.g. --date-format %d/%m/%Y" if not date_format else "check the format"
            raise InputError(f"row {k + 1}: cannot read the date {s!r}; {hint}.") from None
        if d.tzinfo is not None:
            d = d.replace(tzinfo=None) - (d.utcoffset() or (d - d))
        out[k] = np.datetime64(d.replace(microsecond=0), "s")
    return out


def _project(lon: NDArray[np.float64], lat: NDArray[np.float64], crs: str) -> tuple[NDArray, NDArray]:
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = tr.transform(lon, lat)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def _rows_from_file(path: Path) -> tuple[list[str], list[list[str]], bool]:
    """Header, rows and whether lon/lat came from GeoJSON geometry."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".geojson", ".json") or text.lstrip().startswith("{"):
        data = json.loads(text)
        feats = data.get("features", [])
        keys: list[str] = []
        for f in feats:
            for k in f.get("properties") or {}:
                if k not in keys:
                    keys.append(k)
        header = ["__gx", "__gy", *keys]
        rows = []
        for f in feats:
            g = f.get("geometry") or {}
            if g.get("type") != "Point":
                continue
            props = f.get("properties") or {}
            c = g["coordinates"]
            rows.append([str(c[0]), str(c[1]), *["" if props.get(k) is None else str(props[k]) for k in keys]])
        return header, rows, True
    reader = list(csv.reader(text.splitlines()))
    reader = [r for r in reader if any(c.strip() for c in r)]
    if not reader:
        raise InputError(f"{path} is empty; it needs a header and one row per point.")
    first = reader[0]
    if len(first) >= 2 and _is_number(first[0]) and _is_number(first[1]):
        header = ["x", "y", "date", *[f"col{k}" for k in range(3, len(first))]][: len(first)]
        return header, reader, False
    return first, reader[1:], False


def _without_coordinates(path: Path, header: list[str], rows: list[list[str]], date_col: str | None,
                         date_format: str | None, need_dates: bool, keep: tuple[str, ...]) -> Points:
    idate = _find(header, date_col, ("date", "time", "datetime", "timestamp", "t"))
    if need_dates and idate is None:
        raise InputError(f"no date column in {path}; found {', '.join(header)}; name it with --date-col.")
    dates = None
    if idate is not None and (need_dates or date_col is not None):
        good = [r for r in rows if len(r) > idate and r[idate].strip()]
        if not good:
            raise InputError(f"{path} has no rows with a date.")
        dates = parse_dates([r[idate] for r in good], date_format)
    else:
        good = rows
    columns: dict[str, list[str]] = {}
    for name in keep:
        k = _find(header, None, (name,))
        if k is not None:
            columns[name] = [r[k] if len(r) > k else "" for r in good]
    nan = np.full(len(good), np.nan)
    return Points(nan, nan.copy(), dates, columns, "none", False)


def read_points(
    path: Path,
    *,
    crs: str = DEFAULT_CRS,
    x_col: str | None = None,
    y_col: str | None = None,
    lon_col: str | None = None,
    lat_col: str | None = None,
    date_col: str | None = None,
    date_format: str | None = None,
    need_dates: bool = False,
    projected: bool = False,
    keep: tuple[str, ...] = (),
    need_coordinates: bool = True,
) -> Points:
    """Read points (and dates) from a CSV or GeoJSON file; see the module docstring.

    With ``need_coordinates=False`` (counting per area and period) coordinates
    are not read at all: every row is kept and ``x``, ``y`` are NaN.
    """
    if not path.exists():
        raise InputError(f"{path} does not exist; give the path of a CSV or GeoJSON file.")
    header, rows, geo = _rows_from_file(path)
    if not rows:
        raise InputError(f"{path} has no data rows.")
    if not need_coordinates:
        return _without_coordinates(path, header, rows, date_col, date_format, need_dates, keep)
    if geo:
        gx, gy = 0, 1
        lonlat = not projected
    else:
        ix = _find(header, x_col, ("x",)) if not (lon_col or lat_col) else None
        iy = _find(header, y_col, ("y",)) if not (lon_col or lat_col) else None
        if ix is not None and iy is not None:
            gx, gy, lonlat = ix, iy, False
        else:
            ilon = _find(header, lon_col, ("lon", "longitude", "lng"))
            ilat = _find(header, lat_col, ("lat", "latitude"))
            if ilon is None or ilat is None:
                raise InputError(
                    f"no coordinates in {path}: need columns x,y (metres) or lon,lat (WGS 84), "
                    f"found {', '.join(header)}; name them with --x-col/--y-col or --lon-col/--lat-col."
                )
            gx, gy, lonlat = ilon, ilat, True
    idate = _find(header, date_col, ("date", "time", "datetime", "timestamp", "t"))
    if need_dates and idate is None:
        raise InputError(f"no date column in {path}; found {', '.join(header)}; name it with --date-col.")
    good = [r for r in rows if len(r) > max(gx, gy) and r[gx].strip() and r[gy].strip()]
    try:
        a = np.array([float(r[gx]) for r in good])
        b = np.array([float(r[gy]) for r in good])
    except ValueError as exc:
        raise InputError(f"a coordinate in {path} is not a number ({exc}); fix or drop that row.") from None
    if a.size == 0:
        raise InputError(f"{path} has no rows with coordinates.")
    if lonlat:
        if np.any(np.abs(a) > 180) or np.any(np.abs(b) > 90):
            raise InputError("lon/lat out of range; if the file holds metres, name the columns x and y.")
        x, y = _project(a, b, crs)
    else:
        x, y = a, b
    parse = idate is not None and (need_dates or date_col is not None)
    dates = parse_dates([r[idate] for r in good], date_format) if parse and idate is not None else None
    columns: dict[str, list[str]] = {}
    for name in keep:
        k = _find(header, None, (name,))
        if k is not None:
            columns[name] = [r[k] if len(r) > k else "" for r in good]
    return Points(x, y, dates, columns, crs if lonlat else "as given", lonlat)

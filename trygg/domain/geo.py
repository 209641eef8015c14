"""Coordinates: WGS 84 (EPSG:4326) for the web, SWEREF 99 TM (EPSG:3006) metres for analysis."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import Transformer

WGS84 = "EPSG:4326"
SWEREF99TM = "EPSG:3006"


@lru_cache(maxsize=8)
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def to_sweref(lon: float, lat: float) -> tuple[float, float]:
    """WGS 84 lon/lat to SWEREF 99 TM easting/northing in metres."""
    x, y = _transformer(WGS84, SWEREF99TM).transform(lon, lat)
    return float(x), float(y)


def to_wgs84(x: float, y: float) -> tuple[float, float]:
    """SWEREF 99 TM easting/northing to WGS 84 lon/lat."""
    lon, lat = _transformer(SWEREF99TM, WGS84).transform(x, y)
    return float(lon), float(lat)


def many_to_sweref(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = _transformer(WGS84, SWEREF99TM).transform(np.asarray(lon), np.asarray(lat))
    return np.asarray(x), np.asarray(y)


def many_to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = _transformer(SWEREF99TM, WGS84).transform(np.asarray(x), np.asarray(y))
    return np.asarray(lon), np.asarray(lat)


def valid_wgs84(lon: float, lat: float) -> bool:
    return bool(np.isfinite(lon) and np.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90)

"""Reading boundary files: GeoJSON, GeoPackage, zipped Shapefile, … in any CRS, via GDAL (pyogrio).

Every geometry is reprojected to SWEREF 99 TM (EPSG:3006, metres), where `area_import` checks
areas, overlaps and the municipality boundary. A file without a declared CRS (a Shapefile without
its .prj) needs ``crs=`` from the caller; a declared CRS that does not fit the coordinates shows as
coordinates that cannot be projected or that land far outside the municipality.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from trygg.domain.geo import SWEREF99TM
from trygg.errors import ValidationError


@dataclass(frozen=True)
class FileFeature:
    number: int  # 1-based position in the file: what every message names
    properties: dict[str, Any]
    geom: shapely.Geometry | None  # EPSG:3006; None when the feature has none or it cannot be projected
    problem: str = ""  # why geom is None


@dataclass(frozen=True)
class BoundaryFile:
    crs: str  # as declared (or given)
    fields: tuple[str, ...]
    features: tuple[FileFeature, ...]


def _source(path: Path) -> str:
    if path.suffix.lower() == ".zip":
        return f"/vsizip/{path}"
    return str(path)


def read_boundary_file(path: Path, crs: str | None = None) -> BoundaryFile:
    """The features of the (first) layer of `path`, reprojected to EPSG:3006.

    `crs` overrides or supplies the file's CRS ("EPSG:3006"). Raises ValidationError for an
    unreadable file or an unknown CRS.
    """
    from pyogrio import raw
    from pyogrio.errors import DataLayerError, DataSourceError

    if not path.is_file():
        raise ValidationError(f"No file {path}.", fields={"file": "an existing file"})
    try:
        meta, _fids, wkb, field_data = raw.read(_source(path))
    except (DataSourceError, DataLayerError) as exc:
        raise ValidationError(f"Cannot read {path.name} as a boundary file: {exc}",
                              fields={"file": "GeoJSON, GeoPackage or a zipped Shapefile"},
                              hint="A Shapefile must be zipped with its .shp, .shx, .dbf and .prj.") from None
    declared = crs or meta.get("crs")
    if not declared:
        raise ValidationError(f"{path.name} declares no coordinate reference system.",
                              fields={"crs": "e.g. EPSG:3006 or EPSG:4326"},
                              hint="Give it with --crs (a Shapefile's CRS is in its .prj file).")
    try:
        source_crs = CRS.from_user_input(declared)
    except CRSError:
        raise ValidationError(f"Unknown coordinate reference system {declared!r}.",
                              fields={"crs": "e.g. EPSG:3006 or EPSG:4326"}) from None
    transformer = Transformer.from_crs(source_crs, SWEREF99TM, always_xy=True)
    names = tuple(str(n) for n in meta["fields"])
    features = []
    for i, blob in enumerate(wkb):
        props = {name: _plain(values[i]) for name, values in zip(names, field_data, strict=True)}
        features.append(_feature(i + 1, props, blob, transformer, str(declared)))
    return BoundaryFile(crs=str(declared), fields=names, features=tuple(features))


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def _feature(number: int, props: dict[str, Any], blob: bytes | None, transformer: Transformer,
             crs: str) -> FileFeature:
    if blob is None:
        return FileFeature(number, props, None, "has no geometry")
    geom = shapely.from_wkb(blob)
    if geom is None or geom.is_empty:
        return FileFeature(number, props, None, "has an empty geometry")

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    projected = shapely.transform(geom, project)
    xy = shapely.get_coordinates(projected)
    if not np.isfinite(xy).all():
        lon, lat = shapely.get_coordinates(geom)[0]
        return FileFeature(number, props, None,
                           f"has coordinates ({lon:g}, {lat:g}) that are not valid in the declared CRS {crs}")
    return FileFeature(number, props, projected)

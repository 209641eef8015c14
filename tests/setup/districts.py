"""Districts files for the tests: a municipality's (shipped) boundary cut into quadrants, written in
EPSG:3006 as GeoJSON, GeoPackage or zipped Shapefile, with the faults a test asks for."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, mapping

from trygg.setup.municipalities import find_municipality

_TO_SWEREF = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)


def municipality_in_sweref(ref: str) -> shapely.Geometry:
    geom = find_municipality(ref).geom
    return shapely.transform(geom, lambda c: np.column_stack(_TO_SWEREF.transform(c[:, 0], c[:, 1])))


def _multi(geom: shapely.Geometry) -> MultiPolygon:
    return MultiPolygon([g for g in shapely.get_parts(geom) if isinstance(g, Polygon)])


def quadrants(ref: str) -> list[dict[str, Any]]:
    """Four districts covering the municipality: (code, name, type, population, geometry in EPSG:3006)."""
    muni = municipality_in_sweref(ref)
    code = find_municipality(ref).code
    minx, miny, maxx, maxy = muni.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    boxes = [(minx, cy, cx, maxy), (cx, cy, maxx, maxy), (minx, miny, cx, cy), (cx, miny, maxx, cy)]
    names = ["Nordväst", "Nordost", "Sydväst", "Sydost"]
    out = []
    for i, (b, name) in enumerate(zip(boxes, names, strict=True), start=1):
        out.append({"kod": f"{code}S{i:02d}", "namn": name, "typ": i % 5 + 1, "folk": 1000 * i,
                    "geom": _multi(shapely.box(*b).intersection(muni))})
    return out


def write_geojson(path: Path, districts: list[dict[str, Any]], crs: str | None = "EPSG:3006") -> Path:
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {k: v for k, v in d.items() if k != "geom"},
         "geometry": mapping(d["geom"])} for d in districts]}
    if crs is not None:
        doc["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:{crs.replace(':', '::')}"}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def write_with_gdal(path: Path, districts: list[dict[str, Any]], driver: str) -> Path:
    from pyogrio import raw

    fields = ["kod", "namn", "typ", "folk"]
    raw.write(str(path), np.array([shapely.to_wkb(d["geom"]) for d in districts], dtype=object),
              [np.array([d[f] for d in districts], dtype=object if f in ("kod", "namn") else np.int64)
               for f in fields],
              fields, driver=driver, crs="EPSG:3006", geometry_type="MultiPolygon", encoding="UTF-8")
    return path


def zipped_shapefile(folder: Path, districts: list[dict[str, Any]]) -> Path:
    shp = write_with_gdal(folder / "stadsdelar.shp", districts, "ESRI Shapefile")
    target = folder / "stadsdelar.zip"
    with zipfile.ZipFile(target, "w") as z:
        for part in folder.glob("stadsdelar.*"):
            if part.suffix != ".zip":
                z.write(part, part.name)
    assert shp.exists()
    return target

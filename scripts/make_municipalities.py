"""Make the package's municipality boundaries (trygg/setup/data/municipalities.geojson.gz).

Source: okfse/sweden-geojson `swedish_municipalities.geojson` (290 municipalities, WGS 84,
simplified with mapshaper; derived from Valmyndigheten's boundaries via opendatasoft; see
docs/dependencies.md for the licence). The same file is in ../shared/data.

Run: .venv/bin/python scripts/make_municipalities.py [SOURCE.geojson]

Keeps SCB code, name and county code per municipality, rounds coordinates to 5 decimals (about
1 m: the source is simplified far beyond that), repairs any geometry the rounding made invalid
and writes sorted, gzipped GeoJSON (deterministic: mtime 0).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "swedish_municipalities.geojson"  # or give it as argument
TARGET = ROOT / "trygg" / "setup" / "data" / "municipalities.geojson.gz"
DECIMALS = 5


def _multi(geom: shapely.Geometry) -> MultiPolygon:
    polys = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty]
    return MultiPolygon(polys)


def convert(source: Path) -> dict[str, object]:
    doc = json.loads(source.read_text(encoding="utf-8"))
    features = []
    for f in doc["features"]:
        props = f["properties"]
        geom = shapely.set_precision(shape(f["geometry"]), 10 ** -DECIMALS)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        features.append({"type": "Feature",
                         "properties": {"code": str(props["id"]).zfill(4), "name": props["kom_namn"],
                                        "county": str(props["lan_code"]).zfill(2)},
                         "geometry": mapping(_multi(geom))})
    features.sort(key=lambda f: f["properties"]["code"])  # type: ignore[index]
    if len(features) != 290 or len({f["properties"]["code"] for f in features}) != 290:  # type: ignore[index]
        raise SystemExit(f"expected 290 distinct municipalities, found {len(features)}")
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    text = json.dumps(convert(source), ensure_ascii=False, separators=(",", ":"))
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with TARGET.open("wb") as raw, gzip.GzipFile(filename="municipalities.geojson", mode="wb", fileobj=raw,
                                                 mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size:,} bytes) from {source}")


if __name__ == "__main__":
    main()

"""GeoJSON: a FeatureCollection of points whose properties are mapped like CSV columns.

Quirks: coordinates are always lon/lat (RFC 7946); a feature's ``id`` (or a mapped property) is its
external id, so a re-import adds nothing; non-point geometries are refused with their line
(feature number); MultiPoints with one point are accepted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from trygg.domain.enums import Source
from trygg.ingest.base import Importer, RowIssue, SourceRow
from trygg.ingest.csv_source import RowError, guess_mapping, record_to_input


class GeoJSONImporter(Importer):
    fmt = "geojson"

    def __init__(self, content: bytes, *, mapping: dict[str, str] | None = None, filename: str = "",
                 source: str = Source.IMPORT, id_prefix: str = "") -> None:
        self.filename = filename
        self.source = source
        self.id_prefix = id_prefix
        self.error: str | None = None
        self.features: list[Any] = []
        try:
            doc = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.error = f"not valid JSON: {exc}"
            doc = {}
        if isinstance(doc, dict) and doc.get("type") == "FeatureCollection" and isinstance(doc.get("features"), list):
            self.features = doc["features"]
        elif isinstance(doc, dict) and doc.get("type") == "Feature":
            self.features = [doc]
        elif self.error is None:
            self.error = "not a GeoJSON FeatureCollection"
        headers = sorted({k for f in self.features if isinstance(f, dict)
                          for k in (f.get("properties") or {})})
        self.mapping = {k: v for k, v in (mapping or guess_mapping(headers)).items()
                        if v and k not in ("lon", "lat", "x", "y")}

    @classmethod
    def from_path(cls, path: Path, **kwargs: Any) -> GeoJSONImporter:
        return cls(path.read_bytes(), filename=path.name, **kwargs)

    def size(self) -> int:
        return len(self.features) or 1

    def rows(self) -> Iterator[SourceRow | RowIssue]:
        if self.error:
            yield RowIssue(0, self.error)
            return
        for n, feature in enumerate(self.features, start=1):
            if not isinstance(feature, dict):
                yield RowIssue(n, "not a GeoJSON Feature")
                continue
            geom = feature.get("geometry") or {}
            coords = geom.get("coordinates")
            if geom.get("type") == "MultiPoint" and isinstance(coords, list) and len(coords) == 1:
                coords = coords[0]
            elif geom.get("type") != "Point":
                yield RowIssue(n, f"geometry is {geom.get('type')!r}, expected a Point")
                continue
            if not (isinstance(coords, list) and len(coords) >= 2
                    and all(isinstance(c, int | float) for c in coords[:2])):
                yield RowIssue(n, "the Point has no numeric coordinates")
                continue
            props = dict(feature.get("properties") or {})
            mapping = dict(self.mapping)
            if "external_id" not in mapping and feature.get("id") is not None:
                props["__id"] = str(feature["id"])
                mapping["external_id"] = "__id"
            props["__coords"] = f"{coords[0]},{coords[1]}"
            mapping["__coords"] = "__coords"  # part of the content hash when there is no id
            try:
                data = record_to_input(props, mapping, self.id_prefix)
            except RowError as exc:
                yield RowIssue(n, str(exc))
                continue
            data.lon, data.lat = float(coords[0]), float(coords[1])
            yield SourceRow(n, data, str(feature.get("id") or ""))

"""Importers, one module per source, over the one report-creation service (`trygg.ingest.service`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trygg.ingest.base import Importer, ImportSummary, RowIssue, SourceRow, run_import

FORMATS = ("csv", "excel", "geojson", "polisen")

__all__ = ["FORMATS", "ImportSummary", "Importer", "RowIssue", "SourceRow", "open_importer", "run_import"]


def open_importer(content: bytes, fmt: str, *, filename: str = "", mapping: dict[str, str] | None = None,
                  **kwargs: Any) -> Importer:
    """The importer for `fmt` (csv, excel, geojson, polisen) over file `content`."""
    if fmt in ("csv", "excel"):
        from trygg.ingest.csv_source import TableImporter

        return TableImporter(content, fmt=fmt, mapping=mapping, filename=filename, **kwargs)
    if fmt == "geojson":
        from trygg.ingest.geojson_source import GeoJSONImporter

        return GeoJSONImporter(content, mapping=mapping, filename=filename, **kwargs)
    if fmt == "polisen":
        from trygg.ingest.polisen import PolisenImporter

        return PolisenImporter(content, filename=filename)
    raise ValueError(f"unknown import format {fmt!r}; use one of {', '.join(FORMATS)}")


def format_for(path: Path) -> str:
    suffix = path.suffix.lower()
    return {".xlsx": "excel", ".xlsm": "excel", ".geojson": "geojson", ".json": "polisen"}.get(suffix, "csv")

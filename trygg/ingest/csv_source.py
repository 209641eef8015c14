"""CSV and Excel files with a column mapping (saved per source), and the shared value parsers.

A mapping says which column holds which of our fields: ``{"category": "Kategori", "occurred_from":
"Datum", "time": "Tid", "lat": "Lat", "lon": "Long", ...}``. Without one, columns are recognised
by common Swedish and English header names (`guess_mapping`).

Quirks handled: Swedish Excel exports use ``;`` and decimal commas, sometimes Windows-1252
instead of UTF-8 (with or without BOM); dates come as ISO text, ``2024-05-03 22.30`` or real
Excel dates; date and time may be separate columns; yes/no as ja/nej/x; categories by code,
Swedish or English name.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from trygg.domain.enums import Source
from trygg.ingest.base import Importer, RowIssue, SourceRow
from trygg.ingest.service import ReportInput

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FIELDS = ("external_id", "category", "description", "occurred_from", "time", "occurred_to", "lon", "lat",
          "x", "y", "place", "area", "insecurity", "people_count", "police_called")
SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "external_id", "löpnummer", "nr", "ärendenummer", "rapport-id"),
    "category": ("category", "kategori", "typ", "type", "händelsetyp"),
    "description": ("description", "beskrivning", "text", "fritext", "händelse", "kommentar"),
    "occurred_from": ("occurred_from", "datum", "date", "tidpunkt", "when", "från", "start", "datetime"),
    "time": ("tid", "time", "klockslag"),
    "occurred_to": ("occurred_to", "till", "end", "slut"),
    "lon": ("lon", "long", "longitude", "lng", "longitud"),
    "lat": ("lat", "latitude", "latitud"),
    "x": ("x", "easting", "e", "sweref_e"),
    "y": ("y", "northing", "n", "sweref_n"),
    "place": ("place", "plats", "adress", "address", "plats/adress"),
    "area": ("area", "område", "omrade", "stadsdel", "regso"),
    "insecurity": ("insecurity", "otrygghet", "bedömning", "otrygghet 1-5", "bedömd otrygghet"),
    "people_count": ("people", "people_count", "antal", "antal personer", "personer"),
    "police_called": ("police_called", "polis", "polis tillkallad", "polisen larmad", "police"),
}
_TRUE = {"ja", "j", "yes", "y", "true", "1", "x", "sant"}
_FALSE = {"nej", "n", "no", "false", "0", "falskt", ""}


class RowError(ValueError):
    """A value that cannot be read; the message names the column."""


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """{our field: header} for headers that match a known name (case- and space-insensitive)."""
    norm = {h.strip().lower(): h for h in headers if h}
    out: dict[str, str] = {}
    for field_name, names in SYNONYMS.items():
        for n in names:
            if n in norm and norm[n] not in out.values():
                out[field_name] = norm[n]
                break
    return out


def parse_category(value: Any) -> str | None:
    """The file's category text as it is: a code, a name or a police event type, resolved against
    the database's taxonomy when the report is checked (`trygg.ingest.service.prepare_report`)."""
    text = str(value or "").strip()
    return text or None


def parse_number(value: Any, column: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise RowError(f"{column}: {str(value)[:40]!r} is not a number") from None


def parse_int(value: Any, column: str) -> int | None:
    number = parse_number(value, column)
    if number is None:
        return None
    if number != int(number):
        raise RowError(f"{column}: {value!r} is not a whole number")
    return int(number)


def parse_bool(value: Any, column: str) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False if text else None
    raise RowError(f"{column}: {str(value)[:20]!r} is not yes/no (ja/nej)")


_DT = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
                 r"\s*(Z|[+-]\d{2}:?\d{2})?$")
_SE_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})(?:\s+(\d{1,2})[:.](\d{2}))?$")


def parse_when(value: Any, column: str, time_value: Any = None) -> datetime | None:
    """A date/time in local Swedish time (or with an offset) → aware datetime."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime.combine(value, time(0))
    else:
        text = str(value).strip()
        m = _DT.match(text)
        if m:
            y, mo, d, hh, mm, ss, tz = m.groups()
            try:
                result = datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
            except ValueError:
                raise RowError(f"{column}: {text[:30]!r} is not a valid date") from None
            if tz:
                result = datetime.fromisoformat(result.isoformat() + (tz if tz != "Z" else "+00:00"))
        else:
            s = _SE_DATE.match(text)
            if not s:
                raise RowError(f"{column}: {text[:30]!r} is not a date (use YYYY-MM-DD HH:MM)")
            d2, mo2, y2, hh2, mm2 = s.groups()
            try:
                result = datetime(int(y2), int(mo2), int(d2), int(hh2 or 0), int(mm2 or 0))
            except ValueError:
                raise RowError(f"{column}: {text[:30]!r} is not a valid date") from None
    if time_value not in (None, "") and result.hour == 0 and result.minute == 0:
        if isinstance(time_value, time):
            t = time_value
        elif isinstance(time_value, datetime):
            t = time_value.time()
        else:
            tm = re.match(r"^(\d{1,2})[:.](\d{2})", str(time_value).strip())
            if not tm or int(tm.group(1)) > 23 or int(tm.group(2)) > 59:
                raise RowError(f"time: {str(time_value)[:10]!r} is not a time (HH:MM)")
            t = time(int(tm.group(1)), int(tm.group(2)))
        result = result.replace(hour=t.hour, minute=t.minute)
    return result if result.tzinfo else result.replace(tzinfo=STOCKHOLM)


def record_to_input(record: dict[str, Any], mapping: dict[str, str], id_prefix: str) -> ReportInput:
    """One row as {column: value} → ReportInput; raises RowError naming the bad column."""
    def get(name: str) -> Any:
        column = mapping.get(name)
        if not column:
            return None
        value = record.get(column)
        return value.strip() if isinstance(value, str) else value

    ext = get("external_id")
    if ext in (None, ""):
        canon = "\x1f".join(f"{k}={record.get(v)}" for k, v in sorted(mapping.items()))
        ext = "h:" + hashlib.sha256(canon.encode()).hexdigest()[:40]
    area = get("area")
    return ReportInput(
        category=parse_category(get("category")), category_by_name=True,
        description=str(get("description") or ""),
        occurred_from=parse_when(get("occurred_from"), mapping.get("occurred_from", "occurred_from"), get("time")),
        occurred_to=parse_when(get("occurred_to"), mapping.get("occurred_to", "occurred_to")),
        lon=parse_number(get("lon"), mapping.get("lon", "lon")),
        lat=parse_number(get("lat"), mapping.get("lat", "lat")),
        x=parse_number(get("x"), mapping.get("x", "x")),
        y=parse_number(get("y"), mapping.get("y", "y")),
        place=str(get("place")) if get("place") not in (None, "") else None,
        area=str(area) if area not in (None, "") else None,
        insecurity=parse_int(get("insecurity"), mapping.get("insecurity", "insecurity")),
        people_count=parse_int(get("people_count"), mapping.get("people_count", "people_count")),
        police_called=parse_bool(get("police_called"), mapping.get("police_called", "police_called")),
        external_id=f"{id_prefix}{ext}"[:120],
    )


def _decode(raw: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


class TableImporter(Importer):
    """Rows of a CSV or Excel sheet with a header line."""

    def __init__(self, content: bytes, *, fmt: str = "csv", mapping: dict[str, str] | None = None,
                 filename: str = "", source: str = Source.IMPORT, id_prefix: str = "") -> None:
        self.fmt = fmt
        self.filename = filename
        self.source = source
        self.id_prefix = id_prefix
        self.headers, self._records = (_read_excel(content) if fmt == "excel" else _read_csv(content))
        self.mapping = {k: v for k, v in (mapping or guess_mapping(self.headers)).items() if v}

    @classmethod
    def from_path(cls, path: Path, **kwargs: Any) -> TableImporter:
        fmt = kwargs.pop("fmt", None) or ("excel" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv")
        return cls(path.read_bytes(), fmt=fmt, filename=path.name, **kwargs)

    def missing_columns(self) -> list[str]:
        """Mapped columns that the file does not have."""
        return [v for v in self.mapping.values() if v not in self.headers]

    def size(self) -> int:
        return len(self._records)

    def preview(self, n: int = 10) -> list[dict[str, Any]]:
        return [rec for _line, rec in self._records[:n]]

    def rows(self) -> Iterator[SourceRow | RowIssue]:
        missing = self.missing_columns()
        for line, record in self._records:
            if missing:
                yield RowIssue(line, f"column(s) not in the file: {', '.join(missing)}")
                continue
            if not any(str(v or "").strip() for v in record.values()):
                yield RowIssue(line, "empty row", kind="skipped")
                continue
            try:
                yield SourceRow(line, record_to_input(record, self.mapping, self.id_prefix))
            except RowError as exc:
                yield RowIssue(line, str(exc))


def _read_csv(content: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    text = _decode(content)
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        return [], []
    records: list[tuple[int, dict[str, Any]]] = []
    for row in reader:
        if not row:
            continue
        records.append((reader.line_num, {h: (row[i] if i < len(row) else "") for i, h in enumerate(headers)}))
    return headers, records


def _read_excel(content: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """The first sheet's header and rows; a file that is not a sound workbook → ValidationError (422)."""
    from trygg.ingest.xlsx_guard import read_guarded

    return read_guarded(content, _read_workbook)


def _read_workbook(content: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        headers = [str(h).strip() if h is not None else "" for h in next(rows)]
    except StopIteration:
        return [], []
    records = []
    for n, row in enumerate(rows, start=2):
        if row is None or all(v is None for v in row):
            continue
        records.append((n, {h: (row[i] if i < len(row) else None) for i, h in enumerate(headers) if h}))
    wb.close()
    return headers, records


def read_table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """Headers and (line number, row) of a CSV (any Swedish export dialect) or Excel file."""
    content = path.read_bytes()
    return _read_excel(content) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(content)

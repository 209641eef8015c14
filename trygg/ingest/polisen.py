"""The Swedish police open events API format (``GET https://polisen.se/api/events``).

A JSON array of ``{id, datetime, name, summary, url, type, location{name, gps}}``. Quirks:

- ``datetime`` is the *publication* time and its hour is not zero-padded: ``"2023-04-20 9:22:45 +02:00"``.
- The *incident* time is only in ``name``: ``"20 april 09:23, Trafikolycka, Trollhättan"`` (older
  events write ``"14.32"``). The year is the publication year, minus one when the incident month
  lies after the publication month (published in January about 31 December).
- ``gps`` is ``"lat,lon"`` of the municipality or county centroid, never the address: events are
  stored with precision ``municipality_centroid`` and no district (useless for hot spots).
- ``type`` can contain commas (``"Stöld, försök"``); mapped with `Taxonomy.for_police_type` of the
  database's taxonomy (an administrator maps police types to categories).
- "Sammanfattning natt" (and "… kväll och natt", "… dag") rows summarise many incidents and are
  skipped, as are types with no Trygg category (traffic accidents, missing persons, …; each with its
  reason, `trygg.domain.categories.POLICE_TYPES_OUT_OF_SCOPE`) and events
  outside the municipality (unless the organisation keeps those): each with its reason.
- The event id is the external id: importing the same file twice adds nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from trygg.domain import personal_data
from trygg.domain.categories import Taxonomy, police_type_skip_reason
from trygg.domain.enums import Precision, Source
from trygg.ingest.base import SKIPPED, Importer, RowIssue, SourceRow
from trygg.ingest.service import IntakeContext, ReportInput
from trygg.storage.areas import AreaIndex

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONTHS = {m: i for i, m in enumerate(("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                                      "september", "oktober", "november", "december"), start=1)}
_PUBLISHED = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{1,2}):(\d{2}):(\d{2}) ([+-]\d{2}):?(\d{2})$")
_NAME = re.compile(r"^(\d{1,2}) (\w+) (\d{1,2})[.:](\d{2}),")


def _(message: str) -> str:
    """Mark a msgid for extraction; it is translated where it is shown."""
    return message


OUTSIDE = _("outside {municipality} ({place})")


def parse_published(text: str) -> datetime:
    """``"2023-04-20 9:22:45 +02:00"`` (hour not zero-padded) → aware datetime."""
    m = _PUBLISHED.match(text.strip())
    if not m:
        raise ValueError(f"datetime {text!r} is not 'YYYY-MM-DD H:MM:SS +HH:MM'")
    y, mo, d, hh, mm, ss, oh, om = m.groups()
    return datetime.fromisoformat(f"{y}-{mo}-{d}T{int(hh):02d}:{mm}:{ss}{oh}:{om}")


def incident_time(name: str, published: datetime) -> datetime | None:
    """The incident time from ``name`` (``"20 april 09:23, …"`` or ``"20 april 14.32, …"``)."""
    m = _NAME.match(name.strip())
    if not m:
        return None
    day, month_name, hh, mm = m.groups()
    month = MONTHS.get(month_name.lower())
    if month is None:
        return None
    local_pub = published.astimezone(STOCKHOLM)
    year = local_pub.year - (1 if month > local_pub.month else 0)
    try:
        return datetime(year, month, int(day), int(hh), int(mm), tzinfo=STOCKHOLM)
    except ValueError:
        return None


def _redact(text: str) -> str:
    """Police summaries are public texts; personal data in them is cut out rather than the event lost."""
    for f in reversed(personal_data.find_personal_data(text)):
        text = text[:f.start] + "[…]" + text[f.end:]
    return text


class PolisenImporter(Importer):
    fmt = "polisen"
    source = Source.POLICE_EVENTS

    def __init__(self, content: bytes, *, filename: str = "") -> None:
        self.filename = filename
        self.error: str | None = None
        self.events: list[Any] = []
        self._index: AreaIndex | None = None
        self._keep_outside = False
        self._municipality = ""
        self._taxonomy: Taxonomy | None = None  # the database's, set by `bind`
        try:
            doc = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.error = f"not valid JSON: {exc}"
            return
        if not isinstance(doc, list):
            self.error = "expected a JSON array of police events"
            return
        self.events = doc

    @classmethod
    def from_path(cls, path: Path) -> PolisenImporter:
        return cls(path.read_bytes(), filename=path.name)

    def bind(self, session: Session, ctx: IntakeContext) -> None:
        self._index = ctx.index(session)
        self._keep_outside = bool(ctx.allow_outside if ctx.allow_outside is not None else
                                  (ctx.organisation is not None and ctx.organisation.allow_outside))
        self._municipality = ctx.municipality_name(session)
        self._taxonomy = ctx.taxonomy(session)

    def size(self) -> int:
        return len(self.events) or 1

    def rows(self) -> Iterator[SourceRow | RowIssue]:
        if self.error:
            yield RowIssue(0, self.error)
            return
        for n, event in enumerate(self.events, start=1):
            yield self._row(n, event)

    def _row(self, n: int, event: Any) -> SourceRow | RowIssue:
        if not isinstance(event, dict) or "id" not in event:
            return RowIssue(n, "not a police event object (no id)")
        ref = f"id {event['id']}"
        ptype = str(event.get("type") or "").strip()
        name = str(event.get("name") or "")
        if ptype.startswith("Sammanfattning"):
            return RowIssue(n, f"summary row ({ptype}) covers many incidents, not one event", ref, SKIPPED)
        cat = self._taxonomy.for_police_type(ptype) if self._taxonomy is not None else None
        if cat is None:
            return RowIssue(n, f"police type {ptype!r} has no Trygg category: {police_type_skip_reason(ptype)}",
                            ref, SKIPPED)
        try:
            published = parse_published(str(event.get("datetime") or ""))
        except ValueError as exc:
            return RowIssue(n, str(exc), ref)
        loc = event.get("location") or {}
        try:
            lat_s, lon_s = str(loc.get("gps") or "").split(",")
            lat, lon = float(lat_s), float(lon_s)
        except ValueError:
            return RowIssue(n, f"location.gps {loc.get('gps')!r} is not 'lat,lon'", ref)
        if self._index is not None and not self._keep_outside and not self._index.inside_municipality(lon, lat):
            where = {"municipality": self._municipality or "the municipality",
                     "place": loc.get("name") or "unknown place"}
            return RowIssue(n, OUTSIDE.format(**where), ref, SKIPPED, OUTSIDE, where)
        occurred = incident_time(name, published) or published
        if occurred > published + timedelta(hours=1):  # a name time after publication: previous day
            occurred -= timedelta(days=1)
        summary = _redact(str(event.get("summary") or ""))
        place = str(loc.get("name") or "")
        description = f"{ptype}, {place}: {summary}".strip()[:4000]
        return SourceRow(n, ReportInput(category=cat.code, description=description, lon=lon, lat=lat,
                                        occurred_from=occurred, external_id=str(event["id"]),
                                        precision=Precision.MUNICIPALITY_CENTROID), ref)

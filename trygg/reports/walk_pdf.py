"""The safety-walk report as PDF: facts, a map image (district outline, route, numbered findings
coloured by status), the findings with where they went and what was done, and the photos.

The map is drawn with matplotlib (no basemap, nothing fetched); the page is HTML laid out by
WeasyPrint. Texts come through the caller's `gettext`, so the report follows the user's language.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import shapely

from trygg.reports.documents import DocTexts, env, to_pdf
from trygg.reports.figures import Format, save
from trygg.storage.schema.fieldwork import SafetyWalk

STATUS_COLOURS = {"open": "#c0392b", "in_progress": "#e08e0b", "resolved": "#1e8449"}

TEMPLATE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ walk.title }}</title>
<style>
@page { size: A4; margin: 16mm 14mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #1d2733; }
h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 12pt 0 4pt; }
.muted { color: #555; } table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 0.5pt solid #bbb; padding: 3pt 4pt; text-align: left; vertical-align: top; }
th { background: #eef2f6; } .map { width: 100%; } .photo { max-width: 100%; max-height: 70mm; }
.fig { display: inline-block; width: 48%; margin: 0 0 6pt; }
dl { display: block; } dt { font-weight: bold; float: left; width: 42mm; } dd { margin: 0 0 2pt 44mm; }
.dot { display: inline-block; width: 8pt; height: 8pt; border-radius: 4pt; }
thead { display: table-header-group; } tr, img { break-inside: avoid; page-break-inside: avoid; }
</style></head><body>
{% set kind = _("Safety walk") %}{% set named = walk.title.lower().startswith((kind.lower(), "trygghetsrond")) %}
<h1>{% if named %}{{ walk.title }}{% else %}{{ kind }}: {{ walk.title }}{% endif %}</h1>
<p class="muted">{{ when }} · {{ walk.area.name if walk.area else "" }} ·
{{ _("Organiser") }}: {{ walk.organiser.name }}</p>
<dl>
<dt>{{ _("Participating organisations") }}</dt><dd>{{ orgs or "–" }}</dd>
<dt>{{ _("Resident groups") }}</dt><dd>{{ walk.resident_groups|join(", ") or "–" }}</dd>
<dt>{{ _("Checklist") }}</dt><dd>{{ checklist }}</dd>
<dt>{{ _("Findings") }}</dt><dd>{{ _("{total} findings: {resolved} resolved, {progress} in progress, {open} open.",
  total=summary.total, resolved=summary.resolved, progress=summary.in_progress, open=summary.open) }}</dd>
</dl>
<img class="map" src="data:image/png;base64,{{ map_png }}" alt="{{ _('Map of the route and the findings') }}">
<h2>{{ _("Findings") }}</h2>
<table><thead><tr><th>#</th><th>{{ _("Checklist item") }}</th><th>{{ _("Note") }}</th><th>{{ _("Sent to") }}</th>
<th>{{ _("Status") }}</th><th>{{ _("What happened") }}</th></tr></thead><tbody>
{% for o in rows %}<tr><td>{{ o.n }}</td><td>{{ o.item }}<br><span class="muted">{{ o.when }}</span></td>
<td>{{ o.note }}</td><td>{{ o.routed_to }}</td>
<td><span class="dot" style="background: {{ o.colour }}"></span> {{ o.status }}</td><td>{{ o.resolution }}</td></tr>
{% else %}<tr><td colspan="6">{{ _("No findings yet.") }}</td></tr>{% endfor %}
</tbody></table>
{% if photos %}<h2>{{ _("Photos") }}</h2>
{% for p in photos %}<figure class="fig">
<img class="photo" src="data:{{ p.mime }};base64,{{ p.data }}" alt="{{ _('Photo') }} {{ p.n }}">
<figcaption class="muted">{{ _("Finding") }} {{ p.n }}</figcaption></figure>{% endfor %}{% endif %}
</body></html>"""


def walk_map_png(walk: SafetyWalk, width_in: float = 7.0, height_in: float = 4.6, *, fmt: Format = "png") -> bytes:
    """A PNG map: district outline, the route and the numbered findings coloured by status."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=150)
    ax = fig.add_subplot(1, 1, 1)
    if walk.area is not None:
        geoms = getattr(walk.area.geom, "geoms", [walk.area.geom])
        for poly in geoms:
            xs, ys = poly.exterior.xy
            ax.fill(xs, ys, facecolor="#eef3f7", edgecolor="#1d2733", linewidth=1.0)
    if walk.route is not None:
        xs, ys = walk.route.xy
        ax.plot(xs, ys, color="#0b5394", linewidth=2.5, label="route", solid_capstyle="round")
    for i, o in enumerate(walk.observations, start=1):
        ax.scatter([o.lon], [o.lat], s=90, color=STATUS_COLOURS.get(o.status, "#888"), edgecolors="#222",
                   zorder=3)
        ax.annotate(str(i), (o.lon, o.lat), xytext=(5, 5), textcoords="offset points", fontsize=8, weight="bold")
    extent = _extent(walk)
    if extent is not None:
        minx, miny, maxx, maxy = extent
        padx, pady = max((maxx - minx) * 0.08, 0.001), max((maxy - miny) * 0.08, 0.0006)
        ax.set_xlim(minx - padx, maxx + padx)
        ax.set_ylim(miny - pady, maxy + pady)
    mid_lat = ax.get_ylim()[0] / 2 + ax.get_ylim()[1] / 2
    import math

    ax.set_aspect(1 / math.cos(math.radians(mid_lat)))
    ax.set_xticks([])
    ax.set_yticks([])
    # Saved like every chart: cropped to everything drawn, so a number next to a finding at the edge is
    # never cut (the figure was saved uncropped before).
    return save(fig, fmt)


def _extent(walk: SafetyWalk) -> tuple[float, float, float, float] | None:
    parts: list[shapely.Geometry] = []
    if walk.route is not None:
        parts.append(walk.route)
    parts.extend(shapely.Point(o.lon, o.lat) for o in walk.observations)
    if not parts and walk.area is not None:
        parts.append(walk.area.geom)
    if not parts:
        return None
    b = shapely.GeometryCollection(parts).bounds
    return (b[0], b[1], b[2], b[3])


def format_datetime(value: Any, lang: str) -> str:
    from zoneinfo import ZoneInfo

    from babel.dates import format_datetime as babel_datetime

    return str(babel_datetime(value, "short", tzinfo=ZoneInfo("Europe/Stockholm"),
                              locale="sv_SE" if lang == "sv" else "en_GB"))


def walk_report_pdf(walk: SafetyWalk, *, lang: str = "sv", gettext: Callable[..., str] | None = None,
                    texts: DocTexts | None = None) -> bytes:
    """The walk report as PDF bytes, with the document `texts` (or just a language and a gettext)."""
    if texts is not None:
        lang, gettext = texts.lang, texts.gettext
    from trygg.fieldwork.vocab import OBSERVATION_STATUSES, WALK_ITEMS
    from trygg.fieldwork.walks import summary

    _ = gettext or (lambda m, **kw: m.format(**kw) if kw else m)
    rows: list[dict[str, Any]] = []
    photos: list[dict[str, Any]] = []
    for n, o in enumerate(walk.observations, start=1):
        rows.append({"n": n, "item": _(WALK_ITEMS[o.item].label) if o.item in WALK_ITEMS else o.item,
                     "when": format_datetime(o.observed_at, lang), "note": o.note,
                     "routed_to": o.routed_to.name if o.routed_to else "–",
                     "status": _(OBSERVATION_STATUSES.get(o.status, o.status)),
                     "colour": STATUS_COLOURS.get(o.status, "#888"), "resolution": o.resolution})
        photos.extend({"n": n, "mime": p.mime, "data": base64.b64encode(p.content).decode()} for p in o.photos)
    html = env.from_string(TEMPLATE).render(
        walk=walk, lang=lang, _=_, rows=rows, photos=photos, summary=summary(walk),
        when=format_datetime(walk.planned_for, lang),
        orgs=", ".join(o.name for o in walk.organisations),
        checklist=", ".join(_(WALK_ITEMS[c].label) for c in walk.checklist if c in WALK_ITEMS),
        map_png=base64.b64encode(walk_map_png(walk)).decode())
    return to_pdf(html)

"""A short generated text about the main changes, as translatable sentences.

The sentences are English msgids (marked with ``_`` so the catalog extractor finds them) with named
parameters; `render_summary` translates and formats them for the web page and the PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trygg.domain.msgid import _
from trygg.lagesbild.model import Alarm, AreaTypeGroup, CategoryCount, HotCell, SummaryLine


def _change(current: int, other: int) -> float | None:
    return current / other - 1.0 if other > 0 else None


def summarise(total: int, previous: int, last_year: int, categories: tuple[CategoryCount, ...],
              alarms: tuple[Alarm, ...], hot: tuple[HotCell, ...],
              area_types: tuple[AreaTypeGroup, ...]) -> tuple[SummaryLine, ...]:
    lines: list[SummaryLine] = []
    lines.append(SummaryLine(_("{total} reports in the period."), {"total": total}))
    cp = _change(total, previous)
    if cp is not None:
        msg = _("That is {change_pct} more than the previous period ({previous}).") if cp >= 0 else \
            _("That is {change_pct} fewer than the previous period ({previous}).")
        lines.append(SummaryLine(msg, {"change_pct": abs(cp), "previous": previous}))
    cl = _change(total, last_year)
    if cl is not None:
        msg = _("Compared with the same period last year ({last_year}): {change_pct} more.") if cl >= 0 else \
            _("Compared with the same period last year ({last_year}): {change_pct} fewer.")
        lines.append(SummaryLine(msg, {"change_pct": abs(cl), "last_year": last_year}))
    rising = sorted((c for c in categories if c.current >= 5 and c.current > c.previous),
                    key=lambda c: c.current - c.previous, reverse=True)[:2]
    for c in rising:
        lines.append(SummaryLine(_("{category} rose from {previous} to {current}."),
                                 {"category": c.code, "previous": c.previous, "current": c.current}))
    if alarms:
        top = alarms[0]
        lines.append(SummaryLine(
            _("{n} trend alarms: most marked {category} in {area} ({observed} reports, {expected} expected)."),
            {"n": len(alarms), "category": top.category, "area": top.area_name, "observed": top.observed,
             "expected": round(top.expected, 1)}))
    else:
        lines.append(SummaryLine(_("No trend alarms: no area and category rose more than expected.")))
    n_hot = sum(1 for c in hot if c.cls == "hot")
    n_new = sum(1 for c in hot if c.cls == "hot" and c.new)
    if n_hot:
        lines.append(SummaryLine(_("{n} hot-spot cells ({new} new); the strongest, by Gi* z-score: {ranked}."),
                                 {"n": n_hot, "new": n_new, "ranked": strongest_places(hot)}))
    groups = {g.key: g for g in area_types}
    low, high = groups.get("challenged"), groups.get("advantaged")
    if low and high:
        lr, hr = low.rate(), high.rate()
        if lr is not None and hr is not None and hr > 0 and low.current + high.current >= 10:
            lines.append(SummaryLine(
                _("Challenged areas (type 1–2) had {ratio} times the rate per inhabitant of advantaged areas "
                  "(type 4–5)."),
                {"ratio": round(lr / hr, 1)}))
    return tuple(lines)


MAX_NAMED = 4


def strongest_places(hot: tuple[HotCell, ...]) -> list[dict[str, Any]]:
    """The districts with the strongest hot spots, strongest first (by each district's highest Gi* z),
    each with why it is named: its strongest cell's place, z-score and reports, and whether it is new."""
    best: dict[str, HotCell] = {}
    for c in hot:
        if c.cls == "hot" and c.area_name and (c.area_name not in best or c.z > best[c.area_name].z):
            best[c.area_name] = c
    ranked = sorted(best.values(), key=lambda c: (-c.z, -c.count, c.area_name))[:MAX_NAMED]
    return [{"area": c.area_name, "place": c.place, "z": round(c.z, 1), "count": c.count, "new": c.new}
            for c in ranked]


def _ranked_text(items: list[dict[str, Any]], gettext: Callable[[str], str],
                 number: Callable[[Any, int], str]) -> str:
    parts = []
    for item in items:
        msgid = _("{place} in {area} (z = {z}, {count} reports)") if item.get("place") else \
            _("{area} (z = {z}, {count} reports)")
        if item.get("new"):
            msgid = _("{place} in {area} (z = {z}, {count} reports, new)") if item.get("place") else \
                _("{area} (z = {z}, {count} reports, new)")
        parts.append(gettext(msgid).format(place=item.get("place", ""), area=item["area"],
                                           z=number(item["z"], 1), count=number(item["count"], 0)))
    return "; ".join(parts)


def render_summary(lines: tuple[SummaryLine, ...], gettext: Callable[[str], str],
                   number: Callable[[Any, int], str], percent: Callable[[float], str],
                   category_name: Callable[[str], str]) -> list[str]:
    """Translate and format: `*_pct` as percent, `category` as its name, numbers by locale (floats 1 digit)."""
    out: list[str] = []
    for line in lines:
        params: dict[str, str] = {}
        for key, value in line.params.items():
            if key == "ranked" and isinstance(value, list):
                params[key] = _ranked_text(value, gettext, number)
            elif key.endswith("_pct"):
                params[key] = percent(float(value))
            elif key == "category":
                params[key] = category_name(str(value))
            elif isinstance(value, int | float) and not isinstance(value, bool):
                params[key] = number(value, 0 if isinstance(value, int) else 1)
            else:
                params[key] = str(value)
        out.append(gettext(line.msgid).format(**params))
    return out

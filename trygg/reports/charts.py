"""Charts of the lägesbild drawn server-side with matplotlib (Agg, no pyplot), returned as PNG bytes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.figure import Figure

from trygg.lagesbild.model import AreaTypeGroup, CategoryCount, WeekCount
from trygg.reports.figures import BLUE, GREY, LIGHT, RED, Format, save
from trygg.reports.figures import style as _style


def weekly_chart(weeks: Sequence[WeekCount], *, label: str, alarm_label: str,
                 date_label: Callable[[object], str], fmt: Format = "png") -> bytes:
    """Weekly counts as a line, weeks with trend alarms marked with red triangles."""
    fig = Figure(figsize=(7.2, 2.4))
    ax = fig.add_subplot()
    x = np.arange(len(weeks))
    counts = [w.count for w in weeks]
    ax.plot(x, counts, color=BLUE, linewidth=1.6, marker="o", markersize=2.5, label=label)
    alarm = [i for i, w in enumerate(weeks) if w.alarms]
    if alarm:
        ax.scatter(alarm, [counts[i] for i in alarm], marker="^", s=40, color=RED, zorder=3, label=alarm_label)
    step = max(1, len(weeks) // 8)
    ax.set_xticks(x[::step], [date_label(w.start) for w in weeks][::step])
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color=LIGHT, linewidth=0.5)
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    _style(ax)
    return save(fig, fmt)


def category_chart(categories: Sequence[CategoryCount], *, name: Callable[[str], str],
                   labels: tuple[str, str, str], top: int = 10, fmt: Format = "png") -> bytes:
    """Horizontal grouped bars: this period, the previous one and the same period last year."""
    rows = list(categories)[:top][::-1]
    fig = Figure(figsize=(7.2, 0.35 * max(len(rows), 3) + 0.8))
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    h = 0.27
    ax.barh(y + h, [c.current for c in rows], height=h, color=BLUE, label=labels[0])
    ax.barh(y, [c.previous for c in rows], height=h, color=GREY, label=labels[1])
    ax.barh(y - h, [c.last_year for c in rows], height=h, color=LIGHT, label=labels[2])
    ax.set_yticks(y, [name(c.code) for c in rows])
    ax.grid(axis="x", color=LIGHT, linewidth=0.5)
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    _style(ax)
    return save(fig, fmt)


def area_type_chart(groups: Sequence[AreaTypeGroup], *, names: dict[str, str], labels: tuple[str, str, str],
                    ylabel: str, fmt: Format = "png") -> bytes:
    """Reports per 1,000 inhabitants in challenged (1–2) and advantaged (4–5) areas."""
    fig = Figure(figsize=(4.2, 2.4))
    ax = fig.add_subplot()
    x = np.arange(len(groups))
    w = 0.27
    for k, (which, colour) in enumerate((("current", BLUE), ("previous", GREY), ("last_year", LIGHT))):
        ax.bar(x + (k - 1) * w, [g.rate(which) or 0.0 for g in groups], width=w, color=colour, label=labels[k])
    ax.set_xticks(x, [names[g.key] for g in groups])
    ax.set_ylabel(ylabel, fontsize=7)
    ax.grid(axis="y", color=LIGHT, linewidth=0.5)
    ax.legend(fontsize=6, frameon=False)
    _style(ax)
    return save(fig, fmt)


def heatmap_chart(hour_of_week: Sequence[Sequence[int]], *, day_names: Sequence[str], hour_label: str,
                  fmt: Format = "png") -> bytes:
    """Reports by weekday (rows, Monday first) and hour of day (columns)."""
    data = np.asarray(hour_of_week, dtype=float)
    fig = Figure(figsize=(7.2, 2.2))
    ax = fig.add_subplot()
    im = ax.imshow(data, aspect="auto", cmap="YlOrRd", interpolation="nearest")
    ax.set_yticks(range(7), list(day_names))
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    ax.set_xlabel(hour_label, fontsize=7)
    cbar = fig.colorbar(im, ax=ax, fraction=0.03, pad=0.01)
    cbar.ax.tick_params(labelsize=6)
    _style(ax)
    return save(fig, fmt)

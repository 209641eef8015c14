"""Charts of the plan documents drawn with matplotlib (Agg, no pyplot), returned as PNG bytes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from trygg.reports.figures import BLUE, GREY, RED, Format, save
from trygg.reports.figures import style as _style


def paired_bars(labels: Sequence[str], current: Sequence[float], previous: Sequence[float], *,
                current_label: str, previous_label: str, fmt: Format = "png") -> bytes:
    """Horizontal bars: this period against the one before, one row per label."""
    n = max(len(labels), 1)
    fig = Figure(figsize=(7.0, 0.32 * n + 0.9))
    ax = fig.add_subplot()
    y = np.arange(len(labels))
    ax.barh(y - 0.2, previous, height=0.38, color=GREY, label=previous_label)
    ax.barh(y + 0.2, current, height=0.38, color=BLUE, label=current_label)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    _style(ax)
    return save(fig, fmt)


def evaluation_chart(months: Sequence[str], treated: Sequence[int], comparison: Sequence[int],
                     after: Sequence[bool], *, treated_label: str, comparison_label: str, start_label: str,
                     fmt: Format = "png") -> bytes:
    """Monthly reports in the treated area and the comparison areas (scaled to the treated
    area's level before the start), with the start of the measure marked."""
    t = np.asarray(treated, dtype=float)
    c = np.asarray(comparison, dtype=float)
    a = np.asarray(after, dtype=bool)
    scale = t[~a].sum() / c[~a].sum() if c[~a].sum() > 0 else 1.0
    fig = Figure(figsize=(7.2, 2.6))
    ax = fig.add_subplot()
    x = np.arange(len(months))
    ax.plot(x, c * scale, color=GREY, linewidth=1.4, label=comparison_label)
    ax.plot(x, t, color=BLUE, linewidth=1.8, marker="o", markersize=2.5, label=treated_label)
    if a.any():
        start = int(np.argmax(a))
        ax.axvline(start - 0.5, color=RED, linestyle="--", linewidth=1.2, label=start_label)
    step = max(1, len(months) // 12)
    ax.set_xticks(x[::step], [months[i] for i in range(0, len(months), step)], rotation=45, ha="right")
    ax.legend(fontsize=7, frameon=False)
    _style(ax)
    return save(fig, fmt)

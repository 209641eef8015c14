"""What every server-drawn chart shares: the palette, the resolution, the axis style, PNG output."""

from __future__ import annotations

import io
from typing import Literal

import matplotlib
from matplotlib.figure import Figure

INK = "#1d2733"
BLUE = "#0b5394"
GREY = "#8994a0"
LIGHT = "#c9d3dd"
RED = "#b00020"
DPI = 150


Format = Literal["png", "svg"]


def save(fig: Figure, fmt: Format = "png") -> bytes:
    """The figure as PNG (what the documents show) or SVG bytes on white, cropped to everything drawn.

    ``bbox_inches="tight"`` grows the saved area to every text (axis titles, tick labels, legends), so
    none is cut, whatever the labels' length. The SVG keeps texts as ``<text>`` elements (same layout
    as the PNG) so that a test can check every text lies inside the viewBox
    (``tests/reports/test_chart_text.py``). No pyplot, no global state beyond the save.
    """
    buf = io.BytesIO()
    if fmt == "svg":
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "trygg"}):
            fig.savefig(buf, format="svg", dpi=DPI, bbox_inches="tight", facecolor="white")
    else:
        fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes on white (matplotlib's Agg canvas)."""
    return save(fig, "png")


def style(ax: object) -> None:
    """Quiet axes: no top/right spines, small ink-coloured ticks."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)  # type: ignore[attr-defined]
    ax.tick_params(colors=INK, labelsize=7)  # type: ignore[attr-defined]

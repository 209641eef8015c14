"""What every server-drawn chart shares: the palette, the resolution, the axis style, PNG output."""

from __future__ import annotations

import io

from matplotlib.figure import Figure

INK = "#1d2733"
BLUE = "#0b5394"
GREY = "#8994a0"
LIGHT = "#c9d3dd"
RED = "#b00020"
DPI = 150


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes on white (matplotlib's Agg canvas; no pyplot, no global state)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def style(ax: object) -> None:
    """Quiet axes: no top/right spines, small ink-coloured ticks."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)  # type: ignore[attr-defined]
    ax.tick_params(colors=INK, labelsize=7)  # type: ignore[attr-defined]

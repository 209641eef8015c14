"""Repeat locations: places with two or more reports.

Reports are snapped to a square lattice of ``tolerance`` metres (default 1 m,
the precision of most geocoders); reports in the same lattice square are one
place. Its position is the mean of its reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["RepeatLocations", "repeat_locations"]

#: Snapping tolerance in metres.
TOLERANCE = 1.0


@dataclass(frozen=True)
class RepeatLocations:
    """Places with at least ``min_count`` reports, most reports first.

    Attributes
    ----------
    x, y : ndarray
        Mean position of the reports at each place.
    count : ndarray of int64
    members : tuple of ndarray
        Indices of the reports at each place.
    tolerance : float
    """

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    count: NDArray[np.int64]
    members: tuple[NDArray[np.intp], ...]
    tolerance: float


def repeat_locations(
    x: ArrayLike, y: ArrayLike, *, tolerance: float = TOLERANCE, min_count: int = 2
) -> RepeatLocations:
    """Group reports by place and keep places with ``min_count`` or more.

    Examples
    --------
    >>> r = repeat_locations([0.1, 0.4, 50.0, 0.2], [0.0, 0.3, 50.0, 0.9])
    >>> r.count.tolist(), r.members[0].tolist()
    ([3], [0, 1, 3])
    """
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if not tolerance > 0:
        raise ValueError(f"tolerance must be positive, got {tolerance!r}.")
    keys = np.column_stack([np.floor(xa / tolerance), np.floor(ya / tolerance)]).astype(np.int64)
    _, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    places = np.flatnonzero(counts >= min_count)
    places = places[np.argsort(-counts[places], kind="stable")]
    order = np.argsort(inverse, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)])
    members = tuple(order[starts[p] : starts[p + 1]] for p in places)
    sx = np.bincount(inverse, xa) / counts
    sy = np.bincount(inverse, ya) / counts
    return RepeatLocations(sx[places], sy[places], counts[places].astype(np.int64), members, tolerance)

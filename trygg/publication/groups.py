"""The category groups of the public statistics, each with its suppression threshold."""

from __future__ import annotations

from dataclasses import dataclass

from trygg.analysis.suppression import NORMAL_THRESHOLD, SENSITIVE_THRESHOLD
from trygg.domain.categories import is_sensitive


@dataclass(frozen=True)
class Group:
    code: str
    label: str  # English msgid
    categories: tuple[str, ...]

    @property
    def sensitive(self) -> bool:
        return any(is_sensitive(c) for c in self.categories)

    @property
    def threshold(self) -> int:
        return SENSITIVE_THRESHOLD if self.sensitive else NORMAL_THRESHOLD


# Category groups of the public statistics. Planned events (``event``) are not incidents.
GROUPS: tuple[Group, ...] = (
    Group("violence", "Violence and threats", ("violence", "staff_threat", "shootings", "explosions", "weapons",
                                               "dangerous_objects")),
    Group("sexual_offences", "Sexual harassment", ("sexual_harassment",)),
    Group("youth", "Young people at risk", ("youth",)),
    Group("disorder", "Disorder, drugs and alcohol", ("disorder", "narcotics", "alcohol_minors")),
    Group("property", "Vandalism, arson and theft", ("vandalism", "arson", "burglary")),
    Group("environment", "Unsafe places and littering", ("unsafe_place", "littering")),
    Group("traffic", "Traffic", ("traffic",)),
)
GROUPS_BY_CODE = {g.code: g for g in GROUPS}
GROUP_OF_CATEGORY = {c: g for g in GROUPS for c in g.categories}

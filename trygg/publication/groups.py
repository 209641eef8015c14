"""The category groups of the public statistics, each with its suppression threshold.

The groups are a fixed part of the publication rule, not of the editable taxonomy: a group's
threshold follows the *default* sensitivity of its categories, so that months already published
and months to come are suppressed alike. A category an administrator adds is in no group (its
reports are in no public table); one made sensitive later is hidden from single-report views at
once (`trygg.publication.gate.single_report_public`, which reads the current taxonomy).
"""

from __future__ import annotations

from dataclasses import dataclass

from trygg.analysis.suppression import NORMAL_THRESHOLD, SENSITIVE_THRESHOLD
from trygg.domain.categories import DEFAULT_TAXONOMY


@dataclass(frozen=True)
class Group:
    code: str
    label: str  # English msgid
    categories: tuple[str, ...]

    @property
    def sensitive(self) -> bool:
        return any(DEFAULT_TAXONOMY.is_sensitive(c) for c in self.categories)

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

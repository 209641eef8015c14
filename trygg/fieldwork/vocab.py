"""The closed vocabularies of field work, with English labels (translated where shown).

``_`` below only marks the labels for extraction; pages translate them with the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from trygg.domain.msgid import _


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str  # English msgid
    category: str  # the report category a finding enters the lägesbild as
    organisation_kind: str  # the kind of organisation that usually fixes it (routing fallback)


WALK_CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("lighting", _("Lighting"), "unsafe_place", "municipality"),
    ChecklistItem("vegetation", _("Vegetation and sightlines"), "unsafe_place", "municipality"),
    ChecklistItem("litter", _("Litter"), "littering", "municipality"),
    ChecklistItem("graffiti", _("Graffiti"), "vandalism", "municipality"),
    ChecklistItem("damage", _("Damage"), "vandalism", "municipality"),
    ChecklistItem("unsafe_place", _("Places that feel unsafe"), "unsafe_place", "municipality"),
    ChecklistItem("accessibility", _("Accessibility"), "unsafe_place", "municipality"),
)
WALK_ITEMS: dict[str, ChecklistItem] = {i.code: i for i in WALK_CHECKLIST}

WALK_STATUSES = {"planned": _("Planned"), "walking": _("Under way"), "done": _("Done")}
OBSERVATION_STATUSES = {"open": _("Open"), "in_progress": _("In progress"), "resolved": _("Resolved")}

INSPECTION_CHECKLIST = {
    "age_checks": _("Age checks"),
    "over_serving": _("Over-serving"),
    "narcotics": _("Signs of narcotics"),
    "staff_training": _("Staff training"),
    "crowding": _("Crowding"),
    "closing_order": _("Order at closing time"),
}
INSPECTION_RESULTS = {"ok": _("OK"), "remark": _("Remark"), "na": _("Not checked")}
FOLLOW_UPS = {
    "none": _("No action"),
    "revisit": _("Revisit"),
    "reprimand": _("Reprimand (erinran)"),
    "warning": _("Warning"),
    "revocation": _("Licence revocation"),
}
LICENCE_TYPES = {
    "public": _("Open to the public"),
    "private": _("Private parties"),
    "catering": _("Catering"),
    "temporary": _("Temporary licence"),
}
TRAINING_STATUSES = {"none": _("Not trained"), "planned": _("Training planned"), "trained": _("Trained")}
GYM_STATUSES = {"none": _("Not certified"), "in_progress": _("Certification under way"),
                "certified": _("Certified")}
WATCH_STATUSES = {"active": _("Active"), "paused": _("Paused"), "ended": _("Ended")}
MEETING_TOPICS = {"andts": _("ANDTS (alcohol, narcotics, doping, tobacco, gambling)"),
                  "safety": _("Safety in the neighbourhood"), "watch": _("Neighbourhood watch"),
                  "other": _("Other")}
MEETING_STATUSES = {"planned": _("Planned"), "held": _("Held"), "cancelled": _("Cancelled")}

REMINDER_DAYS = 60  # gyms: remind this many days before the certification expires

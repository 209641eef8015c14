"""Display names (English msgids) of the plan vocabularies; templates translate them with ``_()``."""

from __future__ import annotations

from trygg.domain.msgid import _

PLAN_STATUS = {"draft": _("Draft"), "consultation": _("Consultation"), "approved": _("Approved"),
               "signed": _("Signed"), "active": _("Active"), "evaluated": _("Evaluated")}
TRANSITION = {"draft": _("Back to draft"), "consultation": _("Send to consultation"),
              "approved": _("Approve for signing"), "active": _("Activate"), "evaluated": _("Mark as evaluated")}
ACTIVITY_KIND = {"situational": _("Situational"), "social": _("Social"), "information": _("Information"),
                 "inspection": _("Inspection"), "training": _("Training")}
ACTIVITY_STATUS = {"planned": _("Planned"), "ongoing": _("Ongoing"), "done": _("Done"),
                   "cancelled": _("Cancelled"), "delayed": _("Delayed")}
SOURCE_KIND = {"report_category": _("Reports of a category"), "survey": _("Survey indicator"),
               "manual": _("Manual figures")}
PARTY = {"police": _("Police"), "municipality": _("Municipality"), "both": _("Police and municipality")}
READING_STATUS = {"reached": _("Target reached"), "improving": _("Improving"), "worse": _("Worse than baseline"),
                  "unchanged": _("Unchanged"), "no_data": _("No data yet"), "no_baseline": _("No baseline"),
                  "hidden": _("Hidden to protect privacy")}
CHANGE_KIND = {"added": _("Added"), "removed": _("Removed"), "changed": _("Changed")}
CHANGE_ITEM = {"plan": _("Plan"), "focus_area": _("Focus area"), "activity": _("Activity"),
               "indicator": _("Indicator")}
GROUP = {"1-2": _("Type 1–2"), "3": _("Type 3"), "4-5": _("Type 4–5"), "all": _("All areas")}
MONTHS = (_("January"), _("February"), _("March"), _("April"), _("May"), _("June"), _("July"), _("August"),
          _("September"), _("October"), _("November"), _("December"))

LABELS = {"status": PLAN_STATUS, "transition": TRANSITION, "kind": ACTIVITY_KIND, "act_status": ACTIVITY_STATUS,
          "source": SOURCE_KIND, "party": PARTY, "reading": READING_STATUS, "change": CHANGE_KIND,
          "item": CHANGE_ITEM, "group": GROUP, "months": MONTHS}

"""Swedish words stored as data that are really vocabulary: police area classes, indicator units,
public holidays. Pages show them through ``term()``, in the page's language.

Each is mapped to an English msgid; the Swedish catalog translates it back (trygg/locale/sv/pages.po).
A value not listed here is shown as stored (a unit a user typed is the user's text).
"""

from __future__ import annotations

from collections.abc import Callable


def _(message: str) -> str:
    """Mark a msgid for extraction; it is translated where it is shown."""
    return message


POLICE_CLASSES = {"utsatt område": _("vulnerable area"), "riskområde": _("risk area"),
                  "särskilt utsatt område": _("particularly vulnerable area")}
UNITS = {"rapporter/år": _("reports/year"), "rapporter": _("reports"), "personer": _("people"),
         "områden": _("areas"), "möten": _("meetings"), "tillsyner": _("inspections"),
         "föräldrar": _("parents"), "gym": _("gyms"), "index 0–6": _("index 0–6")}
HOLIDAYS = {"Nyårsdagen": _("New Year's Day"), "Trettondedag jul": _("Epiphany"),
            "Långfredagen": _("Good Friday"), "Påskdagen": _("Easter Day"), "Annandag påsk": _("Easter Monday"),
            "Första maj": _("May Day"), "Kristi himmelsfärdsdag": _("Ascension Day"),
            "Pingstdagen": _("Whit Sunday"), "Sveriges nationaldag": _("National Day of Sweden"),
            "Midsommarafton": _("Midsummer Eve"), "Midsommardagen": _("Midsummer Day"),
            "Alla helgons dag": _("All Saints' Day"), "Julafton": _("Christmas Eve"),
            "Juldagen": _("Christmas Day"), "Annandag jul": _("Boxing Day"), "Nyårsafton": _("New Year's Eve")}
#: A report's status for people (Open311 status notes, pages), by its code.
REPORT_STATUS = {"received": _("Received"), "triaged": _("Triaged"), "in_progress": _("In progress"),
                 "resolved": _("Resolved"), "rejected": _("Rejected"), "duplicate": _("Duplicate")}
TERMS = {**POLICE_CLASSES, **UNITS, **HOLIDAYS}


def term_for(gettext: Callable[..., str]) -> Callable[[str | None], str]:
    """term(value) → the stored Swedish term in the page's language, or the value as stored."""

    def term(value: str | None) -> str:
        if not value:
            return ""
        msgid = TERMS.get(value.strip())
        return gettext(msgid) if msgid else value

    return term

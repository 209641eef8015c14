"""`_`: mark an English msgid for extraction where it cannot be translated yet.

Module-level texts (labels, vocabularies, warnings, job steps) are defined before any request, so
they are only *marked* here — Babel extracts every ``_("…")`` into the catalogs — and translated
where they are shown (a page's ``_()``, a document's ``DocTexts.gettext``). The one definition:
import it, never write another.

>>> _("Vandalism")
'Vandalism'
"""

from __future__ import annotations


def _(message: str) -> str:
    """`message` unchanged; Babel extracts it as a msgid."""
    return message

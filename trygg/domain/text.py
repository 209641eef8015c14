"""Which characters a stored text may hold.

Free text and every other string field is refused when it holds a control character other than
tab, line feed and carriage return (NUL above all: PostgreSQL cannot store it, and it truncates
text in other programs) or a lone UTF-16 surrogate (not a character; no database can store it).
Every way in checks its strings here before anything else touches them, so the writer gets a
field-level message instead of a database error.

>>> check_text({"description": "Krossad ruta\\r\\nvid entrén\\t(igår)", "place": None})
{}
>>> check_text({"description": "nul\\x00byte"}, "en")
{'description': 'The text holds a control character (U+0000) that cannot be stored. Remove it.'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# C0 controls except tab, LF and CR; DEL and the C1 controls; lone surrogates.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

MESSAGES = {
    "sv": "Texten innehåller ett kontrolltecken ({code}) som inte kan sparas. Ta bort det.",
    "en": "The text holds a control character ({code}) that cannot be stored. Remove it.",
}


def forbidden_character(value: str) -> str | None:
    """The first character of `value` that may not be stored, as e.g. ``U+0000``; None when clean."""
    m = _FORBIDDEN.search(value)
    return f"U+{ord(m.group()):04X}" if m else None


def check_text(fields: Mapping[str, object], lang: str = "sv") -> dict[str, str]:
    """{field: message} for every string value holding a character that may not be stored.

    Values that are not strings (None, numbers) are skipped: their type is checked elsewhere."""
    errors: dict[str, str] = {}
    template = MESSAGES.get(lang, MESSAGES["en"])
    for name, value in fields.items():
        if isinstance(value, str):
            code = forbidden_character(value)
            if code is not None:
                errors[name] = template.format(code=code)
    return errors


def whole_number(text: str, max_digits: int = 18) -> int | None:
    """`text` as a non-negative whole number when it is 1–`max_digits` ASCII digits, else None.

    Never raises, unlike ``int(text) if text.isdigit()``: ``"²".isdigit()`` is true but ``int("²")``
    fails, and Python refuses to convert more than 4,300 digits. 18 digits fit a 64-bit column.

    >>> whole_number("42"), whole_number("²"), whole_number("9" * 5000), whole_number("-1")
    (42, None, None, None)
    """
    text = text.strip()
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)

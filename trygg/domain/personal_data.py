"""Find personal data in free text: Swedish identity and coordination numbers, phone numbers, e-mail.

EST reports and resident reports must not carry personal data (DOMAIN.md, Privacy). Free text is
checked before anything is stored; a text with a finding is refused and the writer is told what
was found, masked, so that they can remove it. Nothing here stores or logs the text.

A personal identity number (*personnummer*) is ``YYMMDD-NNNC`` or ``YYYYMMDDNNNC``; the separator
is ``-`` (or ``+`` from the year the person turns 100) and is often left out or written with
spaces. ``C`` is a Luhn check digit over the ten digits ``YYMMDDNNN``. A coordination number
(*samordningsnummer*) adds 60 to the day.

>>> [f.kind for f in find_personal_data("Ring 070-123 45 67 eller mejla a.b@example.se")]
['phone', 'email']
>>> find_personal_data("Pnr 19811218-9876")[0].masked
'19******-****'
>>> find_personal_data("Lägenhet 811218 och 9876 kr")
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
PHONE = "phone"
EMAIL = "email"

LABELS_SV = {PERSONNUMMER: "personnummer", SAMORDNINGSNUMMER: "samordningsnummer",
             PHONE: "telefonnummer", EMAIL: "e-postadress"}
LABELS_EN = {PERSONNUMMER: "personal identity number", SAMORDNINGSNUMMER: "coordination number",
             PHONE: "phone number", EMAIL: "e-mail address"}

# Optional century, YYMMDD, optional separator (- or +, spaces around allowed), NNNC.
_ID = re.compile(r"(?<![\d])((?:1[89]|20)?\d{6})[ \t]?([-+–]?)[ \t]?(\d{4})(?![\d])")
# Swedish numbers: 0…, +46 …, 0046 …; digits may be grouped by spaces, hyphens or a slash.
_PHONE = re.compile(r"(?<![\w+])(?:\+46|0046|0)[ \t\-/]?(?:\(0\)[ \t]?)?[1-9](?:[ \t\-/]?\d){5,9}(?![\d])")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w])", re.UNICODE)


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found in a text: its kind, masked form and position."""

    kind: str
    masked: str
    start: int
    end: int

    def label(self, lang: str = "sv") -> str:
        return (LABELS_EN if lang.startswith("en") else LABELS_SV)[self.kind]


def luhn_ok(digits: str) -> bool:
    """The Luhn check used by Swedish identity numbers (on the ten digits YYMMDDNNNC)."""
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _date_kind(yymmdd: str) -> str | None:
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    if not 1 <= month <= 12:
        return None
    if 1 <= day <= 31:
        return PERSONNUMMER
    if 61 <= day <= 91:
        return SAMORDNINGSNUMMER
    return None


def _mask(text: str, keep_start: int = 2, keep_end: int = 0) -> str:
    """Replace digits/letters with '*' except the first `keep_start` and last `keep_end` of them."""
    positions = [i for i, ch in enumerate(text) if ch.isalnum()]
    keep = set(positions[:keep_start]) | (set(positions[-keep_end:]) if keep_end else set())
    return "".join(ch if (i in keep or not ch.isalnum()) else "*" for i, ch in enumerate(text))


def _identity_numbers(text: str) -> list[Finding]:
    found: list[Finding] = []
    for m in _ID.finditer(text):
        date_part, tail = m.group(1), m.group(3)
        ten = date_part[-6:] + tail
        kind = _date_kind(date_part[-6:])
        if kind is None or not luhn_ok(ten):
            continue
        found.append(Finding(kind, _mask(m.group(0)), m.start(), m.end()))
    return found


def find_personal_data(text: str | None) -> list[Finding]:
    """Every identity/coordination number, phone number and e-mail address in `text`, in order."""
    if not text:
        return []
    findings = _identity_numbers(text)
    taken = [(f.start, f.end) for f in findings]

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for m in _EMAIL.finditer(text):
        local, _, domain = m.group(0).partition("@")
        findings.append(Finding(EMAIL, local[:1] + "***@" + domain, m.start(), m.end()))
        taken.append((m.start(), m.end()))
    for m in _PHONE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        digits = re.sub(r"\D", "", m.group(0))
        if not 8 <= len(digits) <= 13:
            continue
        findings.append(Finding(PHONE, _mask(m.group(0), keep_start=3, keep_end=2), m.start(), m.end()))
        taken.append((m.start(), m.end()))
    return sorted(findings, key=lambda f: f.start)


def describe(findings: list[Finding], lang: str = "sv") -> str:
    """A message naming what was found (masked) and asking to remove it."""
    parts = ", ".join(f"{f.label(lang)} {f.masked}" for f in findings)
    if lang.startswith("en"):
        return (f"The text contains personal data ({parts}). Remove it: reports must not contain "
                "identity numbers, phone numbers, e-mail addresses or names.")
    return (f"Texten innehåller personuppgifter ({parts}). Ta bort dem: rapporter får inte innehålla "
            "personnummer, telefonnummer, e-postadresser eller namn.")


def check_fields(fields: dict[str, str | None], lang: str = "sv") -> dict[str, str]:
    """{field: message} for every field whose text holds personal data (empty when clean)."""
    errors: dict[str, str] = {}
    for name, value in fields.items():
        findings = find_personal_data(value)
        if findings:
            errors[name] = describe(findings, lang)
    return errors

"""Find personal data in free text: Swedish identity and coordination numbers, phone numbers, e-mail.

EST reports and resident reports must not carry personal data (DOMAIN.md, Privacy). Free text is
checked before anything is stored; a text with a finding is refused and the writer is told what
was found, masked, so that they can remove it. Nothing here stores or logs the text.

A personal identity number (*personnummer*) is ``YYMMDD-NNNC`` or ``YYYYMMDDNNNC``; the separator
is ``-`` (or ``+`` from the year the person turns 100) and is often left out or written with
spaces. ``C`` is a Luhn check digit over the ten digits ``YYMMDDNNN``. A coordination number
(*samordningsnummer*) adds 60 to the day.

Before matching, the text is normalised (`normalise`): Unicode NFKC (full-width digits and ``＠``
become ASCII), invisible format characters removed, every dash and space variant made plain, and
written-out at-signs (``[at]``, ``(at)``, ``{at}``, `` @ ``, ``[snabel-a]``) and dots (``[dot]``,
``(punkt)``) turned into ``@`` and ``.``. Numbers may then be grouped with spaces, hyphens,
slashes, dots or a bracketed area code (``(070) 123 45 67``, ``070.123.45.67``), and an identity
number may be written digit by digit (``8 1 1 2 1 8 9 8 7 6``). Findings point into the original
text, so that a caller can mask them there.

>>> [f.kind for f in find_personal_data("Ring 070-123 45 67 eller mejla a.b@example.se")]
['phone', 'email']
>>> find_personal_data("Pnr 19811218-9876")[0].masked
'19******-****'
>>> find_personal_data("Lägenhet 811218 och 9876 kr")
[]
>>> [f.kind for f in find_personal_data("anna.svensson [at] example.se, (070) 123 45 67")]
['email', 'phone']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from trygg.errors import PersonalDataError

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
PHONE = "phone"
EMAIL = "email"

LABELS_SV = {PERSONNUMMER: "personnummer", SAMORDNINGSNUMMER: "samordningsnummer",
             PHONE: "telefonnummer", EMAIL: "e-postadress"}
LABELS_EN = {PERSONNUMMER: "personal identity number", SAMORDNINGSNUMMER: "coordination number",
             PHONE: "phone number", EMAIL: "e-mail address"}

# Optional century, YYMMDD, optional separator (- + or ., spaces around allowed), NNNC.
_ID = re.compile(r"(?<![\d])((?:1[89]|20)?\d{6})[ \t]?([-+.]?)[ \t]?(\d{4})(?![\d])")
# An identity number written digit by digit, one separator between digits: 8 1 1 2 1 8 9 8 7 6.
_SPACED = re.compile(r"(?<![\d])\d(?:([ .\-])\d)(?:\1\d){8}(?:(?:\1\d){2})?(?![\d]|\1\d)")
# Swedish numbers: 0…, +46 …, 0046 …; digits may be grouped by spaces, hyphens, slashes, dots and
# brackets around the area code. Not where a date or a decimal number goes on (2024-05-03, 12.08).
_PHONE = re.compile(r"(?<![\w+])(?<!\d[\-/.])\(?(?:\+46|0046|0)[ \-/.]?(?:\(0\)[ \-/.]?)?[1-9]"
                    r"(?:[ \-/.()]{0,2}\d){5,9}(?![\d])")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w])", re.UNICODE)

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), "-")
_AT = re.compile(r"\s*(?:[\[({<]\s*(?:at|snabel-?a|@)\s*[\])}>]|@)\s*", re.IGNORECASE)
_DOT = re.compile(r"\s*[\[({<]\s*(?:dot|punkt)\s*[\])}>]\s*", re.IGNORECASE)


def normalise(text: str) -> tuple[str, list[tuple[int, int]]]:
    """`text` ready for matching, and for each of its characters the span it came from in `text`.

    >>> normalise("０７０ – 1[at]x")[0]
    '070 - 1@x'
    """
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "Cf":  # zero-width spaces and joiners, soft hyphens
            continue
        norm = unicodedata.normalize("NFKC", ch).translate(_DASHES)
        for out in norm:
            chars.append(" " if out.isspace() and out not in "\n" else out)
            spans.append((i, i + 1))
    for pattern, replacement in ((_AT, "@"), (_DOT, ".")):
        joined = "".join(chars)
        if not pattern.search(joined):
            continue
        new_chars: list[str] = []
        new_spans: list[tuple[int, int]] = []
        at = 0
        for m in pattern.finditer(joined):
            new_chars += chars[at:m.start()]
            new_spans += spans[at:m.start()]
            new_chars.append(replacement)
            new_spans.append((spans[m.start()][0], spans[m.end() - 1][1]))
            at = m.end()
        chars, spans = new_chars + chars[at:], new_spans + spans[at:]
    return "".join(chars), spans


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


def _identity_numbers(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every identity or coordination number in normalised `text`."""
    found: list[tuple[str, int, int]] = []
    for m in _ID.finditer(text):
        date_part, tail = m.group(1), m.group(3)
        kind = _identity_kind(date_part[-6:] + tail)
        if kind is not None:
            found.append((kind, m.start(), m.end()))
    for m in _SPACED.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if len(digits) == 12 and not digits.startswith(("18", "19", "20")):
            continue
        kind = _identity_kind(digits[-10:])
        if kind is not None and all(m.end() <= s or m.start() >= e for _k, s, e in found):
            found.append((kind, m.start(), m.end()))
    return found


def _identity_kind(ten: str) -> str | None:
    kind = _date_kind(ten[:6])
    return kind if kind is not None and luhn_ok(ten) else None


def _uniform_separators(number: str) -> bool:
    """A phone number uses one kind of separator between groups (dots, or hyphen/slash with spaces).

    Tells ``070.123.45.67`` and ``070-123 45 67`` from a time range such as ``05.30-06.15``.
    """
    marks = set(re.sub(r"[\d\s()+]", "", number))
    return len(marks) <= 1


def find_personal_data(text: str | None) -> list[Finding]:
    """Every identity/coordination number, phone number and e-mail address in `text`, in order.

    The text is normalised first (`normalise`); start and end point into the original `text`.
    """
    if not text:
        return []
    norm, spans = normalise(text)
    hits: list[tuple[str, str, int, int]] = []  # kind, masked, start, end in `norm`
    for kind, start, end in _identity_numbers(norm):
        hits.append((kind, _mask(norm[start:end]), start, end))
    taken = [(s, e) for _k, _m, s, e in hits]

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for m in _EMAIL.finditer(norm):
        local, _, domain = m.group(0).partition("@")
        hits.append((EMAIL, local[:1] + "***@" + domain, m.start(), m.end()))
        taken.append((m.start(), m.end()))
    for m in _PHONE.finditer(norm):
        if not free(m.start(), m.end()) or not _uniform_separators(m.group(0)):
            continue
        digits = re.sub(r"\D", "", m.group(0))
        if not 8 <= len(digits) <= 13:
            continue
        hits.append((PHONE, _mask(m.group(0), keep_start=3, keep_end=2), m.start(), m.end()))
        taken.append((m.start(), m.end()))
    findings = [Finding(kind, masked, spans[start][0], spans[end - 1][1]) for kind, masked, start, end in hits]
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


def guard(fields: dict[str, str | None], lang: str = "sv", *, errors: dict[str, str] | None = None,
          message: str = "The text contains personal data and was not saved.") -> None:
    """Raise `PersonalDataError` (422, a message per field) when any of `fields` holds personal data.

    Every free text that other people read (reports, plans, promises, meeting notes, actions, walk
    notes) passes through here before it is stored. `errors` (other field problems found by the
    caller) are reported together with the findings.
    """
    found = check_fields(fields, lang)
    if found:
        raise PersonalDataError(message, fields={**(errors or {}), **found},
                                hint="Remove identity numbers, phone numbers and e-mail addresses; "
                                     "write roles (\"the caretaker\"), not names or contact details.")

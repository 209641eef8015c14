"""Text of the other language on a page: English words on Swedish pages, Swedish on English pages.

The scan looks at the visible text nodes of a page (scripts and styles left out). Data that users
and the demo entered (place names, descriptions, titles) is Swedish in every language; it is
recognised by the caller's `data_texts` and skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Words that occur in English sentences and not in Swedish ones.
ENGLISH = re.compile(
    r"\b(the|and|of|with|your|survey|entered|outside|received|reports|report|this|from|not|no data|yet|"
    r"has|have|been|which|will|should|could|would|there|their|per year|please|sign in|log in)\b", re.I)
#: Words that occur in Swedish sentences and not in English ones (letters å, ä, ö are checked apart).
SWEDISH = re.compile(
    r"\b(och|att|är|inte|för|med|som|utsatt|område|rapporter|år|också|eller|till|från|efter|"
    r"vid|hos|alla|inga|ingen|saknas|visa|sök|spara|nytt|ny|veckor|vecka)\b", re.I)
SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")
#: Codes of the vocabularies that must never show: snake_case words in visible text.
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")
NEGATIVE_ZERO = re.compile(r"[-−]0(?:[.,]0+)?\s?%")


#: Swedish words English pages use on purpose: the domain's own terms (docs: DOMAIN.md).
DOMAIN_TERMS = re.compile(r"\b(lägesbild|lägesbilden|medborgarlöfte|trygghetsmätning|trygghetsmätningen|"
                          r"Trygghetsrond|EST|RegSO|DeSO|Kontaktcenter)\b|100 % Ren Hårdträning", re.I)
#: A technical code shown on purpose after its label, as the audit trail does: "Sign-in failed (login_failed)".
CODE_AFTER_LABEL = re.compile(r"\s\([a-z]+(?:_[a-z]+)+\)$")
ELLIPSIS = ("...", "…")


class DataTexts:
    """The texts users and the demo stored (names, titles, descriptions), longest first."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.exact = {t for t in texts if t}
        self.ordered = sorted((t for t in self.exact if len(t) > 3), key=len, reverse=True)

    def strip(self, text: str) -> str:
        if text.endswith(ELLIPSIS):  # a shortened text: drop it when a stored text begins with it
            head = text.rstrip(".…").strip()
            if len(head) > 20 and any(d.startswith(head) for d in self.ordered):
                return ""
        for d in self.ordered:
            if d in text:
                text = text.replace(d, " ")
        return text


def problems(texts: Iterable[str], lang: str, data: DataTexts) -> list[str]:
    """The text nodes of a page in `lang` that hold the other language, a code, or '-0 %'."""
    found: list[str] = []
    for text in texts:
        if text in data.exact or len(text) < 2 or text.startswith("{"):
            continue
        kinds = _kinds(text, lang)
        if kinds:  # look again without the data the text quotes (slow, so only when needed)
            kinds = _kinds(CODE_AFTER_LABEL.sub("", DOMAIN_TERMS.sub(" ", data.strip(text))), lang)
        found.extend(f"{kind}: {text!r}" for kind in kinds)
    return found


def _kinds(text: str, lang: str) -> list[str]:
    kinds = []
    if NEGATIVE_ZERO.search(text):
        kinds.append("negative zero")
    if CODE.search(text) and "@" not in text and "/" not in text:
        kinds.append("code")
    if lang == "sv" and ENGLISH.search(text):
        kinds.append("English")
    if lang == "en" and (SWEDISH.search(text) or SWEDISH_LETTERS.search(text)):
        kinds.append("Swedish")
    return kinds

"""Languages: Swedish by default, English second. Texts are gettext messages with English msgids.

Every ``trygg/locale/<lang>/*.po`` file is read at start-up and compiled in memory (no build step),
so each feature keeps its own catalog file. Dates and numbers are formatted by Babel.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _format_decimal
from babel.numbers import format_percent as _format_percent
from babel.support import NullTranslations, Translations

from trygg.domain.categories import Taxonomy
from trygg.reports.documents import DocTexts

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
TIMEZONE = ZoneInfo("Europe/Stockholm")


@lru_cache(maxsize=4)
def translations(lang: str) -> NullTranslations:
    """The merged catalog of every .po file for `lang` (English msgids need none)."""
    folder = LOCALE_DIR / lang
    if lang == "en" or not folder.is_dir():
        return NullTranslations()
    merged = Catalog(locale=lang)
    for po in sorted(folder.glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if message.id and message.string:
                    merged[message.id] = message
    buf = io.BytesIO()
    write_mo(buf, merged)
    buf.seek(0)
    return Translations(buf)


def gettext_for(lang: str) -> Callable[..., str]:
    trans = translations(lang)

    def _(message: str, **params: object) -> str:
        text = trans.gettext(message)
        return text.format(**params) if params else text

    return _


def ngettext_for(lang: str) -> Callable[..., str]:
    trans = translations(lang)

    def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
        return trans.ngettext(singular, plural, n).format(n=n, **params)

    return ngettext


@lru_cache(maxsize=4)
def babel_locale(lang: str) -> Locale:
    return Locale.parse("sv_SE" if lang == "sv" else "en_GB")


def format_date(value: date | datetime | None, lang: str, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(TIMEZONE).date() if value.tzinfo else value.date()
    return _format_date(value, format=fmt, locale=babel_locale(lang))


def format_datetime(value: datetime | None, lang: str, fmt: str = "short") -> str:
    if value is None:
        return ""
    return _format_datetime(value, format=fmt, tzinfo=TIMEZONE, locale=babel_locale(lang))


def format_number(value: float | int | None, lang: str, digits: int = 0) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    if round(value, digits) == 0:
        value = 0  # never "-0": a small negative number rounded away is zero
    return _format_decimal(value, format=pattern, locale=babel_locale(lang))


def format_percent(value: float | None, lang: str, digits: int = 0) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    if round(value * 100, digits) == 0:
        value = 0.0  # never "-0 %"
    return _format_percent(value, format=pattern, locale=babel_locale(lang))


def pick_language(query: str | None, cookie: str | None, default: str) -> str:
    """The page language: ?lang=, then the language cookie, then the default (Swedish).

    The browser's Accept-Language is deliberately not used: a Swedish public service speaks
    Swedish unless the user chooses otherwise.
    """
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    return default


def document_texts(lang: str, municipality: str, tax: Taxonomy, **extra: Any) -> DocTexts:
    """The texts and formatters of a document (PDF/HTML) in `lang`: the one place they are built for
    the lägesbild, plan, follow-up and walk documents. `extra` fills the optional fields of `DocTexts`."""

    def number(v: Any, digits: int = 0) -> str:
        return format_number(v, lang, digits)

    def percent(v: Any, digits: int = 0) -> str:
        return format_percent(v, lang, digits)

    def day(v: Any, fmt: str = "medium") -> str:
        return format_date(v, lang, fmt)

    return DocTexts(lang=lang, gettext=gettext_for(lang), number=number, percent=percent, date=day,
                    datetime=lambda v: format_datetime(v, lang), category_name=lambda c: tax.label(c, lang),
                    municipality=municipality, **extra)

"""Every text in templates and code has a Swedish translation; Babel formats dates and numbers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir

from trygg.web import i18n

PACKAGE = Path(i18n.__file__).resolve().parent.parent
METHODS = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]


def _msgids() -> set[str]:
    ids: set[str] = set()
    for _fname, _lineno, message, _comments, _ctx in extract_from_dir(
            str(PACKAGE), METHODS, keywords={"_": None, "gettext": None, "ngettext": (1, 2)}):
        if isinstance(message, tuple):
            ids.update(m for m in message if m)
        elif message:
            ids.add(message)
    return ids


def test_every_message_has_a_swedish_translation() -> None:
    i18n.translations.cache_clear()
    sv = i18n.translations("sv")
    known = set(getattr(sv, "_catalog", {}))
    missing = sorted(m for m in _msgids() if m not in known)
    assert not missing, f"{len(missing)} texts lack a Swedish translation in trygg/locale/sv/*.po: {missing[:20]}"


def test_dates_and_numbers_follow_the_language() -> None:
    when = datetime(2024, 6, 21, 22, 30, tzinfo=UTC)
    assert i18n.format_date(when, "sv", "long") == "22 juni 2024"
    assert i18n.format_date(when, "en", "long") == "22 June 2024"
    assert i18n.format_number(12345.5, "sv", 1) == "12\xa0345,5"
    assert i18n.format_number(12345.5, "en", 1) == "12,345.5"


def test_language_choice_ignores_the_browser_and_defaults_to_swedish() -> None:
    assert i18n.pick_language(None, None, "sv") == "sv"
    assert i18n.pick_language("en", None, "sv") == "en"
    assert i18n.pick_language(None, "en", "sv") == "en"
    assert i18n.pick_language("xx", None, "sv") == "sv"


def test_no_text_has_two_different_swedish_translations() -> None:
    """The .po files are merged; the same msgid must mean the same in every feature's catalog."""
    from babel.messages.pofile import read_po

    seen: dict[str, tuple[str, str]] = {}
    clashes: list[str] = []
    for po in sorted((i18n.LOCALE_DIR / "sv").glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale="sv"):
                if not message.id or not message.string:
                    continue
                key = message.id if isinstance(message.id, str) else message.id[0]
                text = message.string if isinstance(message.string, str) else message.string[0]
                if key in seen and seen[key][0] != text:
                    clashes.append(f"{key!r}: {seen[key][1]} says {seen[key][0]!r}, {po.name} says {text!r}")
                seen.setdefault(key, (text, po.name))
    assert not clashes, "texts translated differently in two catalogs:\n" + "\n".join(clashes)

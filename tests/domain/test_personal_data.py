"""The personal-data guard: every Luhn-valid identity number in any format is caught."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trygg.domain.personal_data import (
    EMAIL,
    PERSONNUMMER,
    PHONE,
    SAMORDNINGSNUMMER,
    check_fields,
    find_personal_data,
    guard,
    luhn_ok,
)
from trygg.errors import PersonalDataError


def _check_digit(nine: str) -> str:
    for c in "0123456789":
        if luhn_ok(nine + c):
            return c
    raise AssertionError("unreachable")


@st.composite
def identity_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """(formatted number, kind) for a random birth date, serial, century and format."""
    born = draw(st.dates(min_value=date(1890, 1, 1), max_value=date(2025, 12, 31)))
    coordination = draw(st.booleans())
    day = born.day + (60 if coordination else 0)
    yymmdd = f"{born.year % 100:02d}{born.month:02d}{day:02d}"
    serial = f"{draw(st.integers(0, 999)):03d}"
    ten = yymmdd + serial + _check_digit(yymmdd + serial)
    century = draw(st.booleans())
    sep = draw(st.sampled_from(["", "-", "+", " - ", " ", "-"]))
    head = f"{born.year // 100:02d}{ten[:6]}" if century else ten[:6]
    return head + sep + ten[6:], SAMORDNINGSNUMMER if coordination else PERSONNUMMER


@given(identity_numbers(), st.sampled_from(["", "Personen ", "pnr:", "(", "Kl 22 sågs "]),
       st.sampled_from(["", " i trapphuset", ".", ")", "\nmer text"]))
def test_every_luhn_valid_identity_number_in_any_format_is_caught(number: tuple[str, str], before: str,
                                                                  after: str) -> None:
    text, kind = number
    found = find_personal_data(before + text + after)
    assert [f.kind for f in found] == [kind], (text, found)
    assert not any(ch.isdigit() for ch in found[0].masked[2:]), "the finding must be masked"


@given(st.integers(0, 10**9 - 1))
def test_a_number_failing_the_luhn_check_is_not_an_identity_number(n: int) -> None:
    nine = f"{n:09d}"
    good = _check_digit(nine)
    bad = str((int(good) + 1) % 10)
    found = find_personal_data(f"ärende {nine[:6]}-{nine[6:]}{bad} klart")
    assert all(f.kind not in (PERSONNUMMER, SAMORDNINGSNUMMER) for f in found)


def test_phone_numbers_and_email_addresses_are_caught() -> None:
    text = "Ring 070-123 45 67, +46 70 123 45 67, 0520-49 50 00 eller skriv till anna.b@exempel.se"
    kinds = [f.kind for f in find_personal_data(text)]
    assert kinds == [PHONE, PHONE, PHONE, EMAIL]


def test_times_dates_and_counts_are_not_personal_data() -> None:
    text = "Fredag 2024-05-03 kl 22.30 var 12 ungdomar vid Resecentrum, 3 rutor krossade, 150 m bort."
    assert find_personal_data(text) == []


def test_the_message_names_what_was_found_masked_in_the_users_language() -> None:
    errors = check_fields({"description": "Han heter Olle, 19811218-9876", "other": "ok"}, "sv")
    assert set(errors) == {"description"}
    assert "personnummer 19******-****" in errors["description"]
    assert "9876" not in errors["description"]
    en = check_fields({"description": "811218-9876"}, "en")["description"]
    assert "personal identity number" in en


def test_a_coordination_number_adds_sixty_to_the_day() -> None:
    nine = "811278987"
    assert find_personal_data(nine[:6] + "-" + nine[6:] + _check_digit(nine))[0].kind == SAMORDNINGSNUMMER


def test_an_invalid_date_is_not_an_identity_number() -> None:
    nine = "811332987"  # month 13
    assert find_personal_data(nine[:6] + "-" + nine[6:] + _check_digit(nine)) == []


# Every variant that slipped through before the text was normalised (issue 16, item 7).
VARIANTS = [
    ("(070) 123 45 67", PHONE), ("070.123.45.67", PHONE),
    ("\uff10\uff17\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17", PHONE),
    ("811218.9876", PERSONNUMMER), ("8 1 1 2 1 8 9 8 7 6", PERSONNUMMER),
    ("anna.svensson [at] example.se", EMAIL), ("anna.svensson\uff20example.se", EMAIL),
    ("anna.svensson @ example.se", EMAIL), ("anna.svensson(at)example(dot)se", EMAIL),
    ("070\u2013123\u00a045\u00a067", PHONE), ("070-12\u200b3 45 67", PHONE), ("1 9 8 1 1 2 1 8 9 8 7 6", PERSONNUMMER),
    ("+46 (0)70 123 45 67", PHONE),
]


@pytest.mark.parametrize(("text", "kind"), VARIANTS)
def test_obfuscated_variants_are_caught_and_point_into_the_original_text(text: str, kind: str) -> None:
    written = f"Ansvarig nås på {text} efter kl 17."
    found = find_personal_data(written)
    assert [f.kind for f in found] == [kind], found
    assert written[found[0].start:found[0].end] == text


def test_normalising_does_not_turn_dates_times_and_decimals_into_personal_data() -> None:
    for text in ("Mellan kl 05.30-06.15 och 2024-05-03 22.30.15 sågs 3 personer.",
                 "Position 58.2834567, 12.0834567; 0.5 km bort", "Möte @ Resecentrum kl 18",
                 "Vecka 1 2 3 4 5 6 7 8 9 10 var lugna", "Ärende 2024-05-12 14.30"):
        assert find_personal_data(text) == [], text


def test_the_guard_raises_one_field_level_422() -> None:
    with pytest.raises(PersonalDataError) as err:
        guard({"summary": "Ansvarig nås på 070-123 45 67", "title": "Plan"}, errors={"year": "is required"})
    assert err.value.status_code == 422 and err.value.code == "personal_data"
    assert set(err.value.fields) == {"summary", "year"}
    guard({"summary": "Ansvarig: fastighetsvärden"})  # clean text passes

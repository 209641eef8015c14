"""Swedish public holidays computed for any year; the Kontaktcenter's opening hours around them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trygg.domain.holidays import (
    STOCKHOLM,
    OpeningHours,
    easter_sunday,
    holidays,
    is_working_day,
    working_days_between,
)

EASTERS = {2019: date(2019, 4, 21), 2022: date(2022, 4, 17), 2024: date(2024, 3, 31), 2025: date(2025, 4, 20),
           2026: date(2026, 4, 5), 2038: date(2038, 4, 25), 2285: date(2285, 3, 22)}


@pytest.mark.parametrize("year", sorted(EASTERS))
def test_easter_sunday_is_computed_for_any_year(year: int) -> None:
    assert easter_sunday(year) == EASTERS[year]


def test_the_holidays_of_2024() -> None:
    h = holidays(2024)
    assert h[date(2024, 1, 1)] == "Nyårsdagen" and h[date(2024, 1, 6)] == "Trettondedag jul"
    assert h[date(2024, 3, 29)] == "Långfredagen" and h[date(2024, 4, 1)] == "Annandag påsk"
    assert h[date(2024, 5, 1)] == "Första maj" and h[date(2024, 5, 9)] == "Kristi himmelsfärdsdag"
    assert h[date(2024, 6, 6)] == "Sveriges nationaldag"
    assert h[date(2024, 6, 21)] == "Midsommarafton" and h[date(2024, 6, 22)] == "Midsommardagen"
    assert h[date(2024, 11, 2)] == "Alla helgons dag"
    for d, name in ((24, "Julafton"), (25, "Juldagen"), (26, "Annandag jul"), (31, "Nyårsafton")):
        assert h[date(2024, 12, d)] == name


@pytest.mark.parametrize("year", range(2020, 2041))
def test_midsummer_and_all_saints_fall_on_their_weekdays(year: int) -> None:
    h = holidays(year)
    eve = next(d for d, n in h.items() if n == "Midsommarafton")
    saints = next(d for d, n in h.items() if n == "Alla helgons dag")
    assert eve.weekday() == 4 and date(year, 6, 19) <= eve <= date(year, 6, 25)
    assert saints.weekday() == 5 and date(year, 10, 31) <= saints <= date(year, 11, 6)


def test_the_kontaktcenter_is_closed_on_midsummer_eve_and_open_on_an_ordinary_friday() -> None:
    hours = OpeningHours.parse("08:00-16:30")
    assert not hours.is_open(datetime(2025, 6, 20, 10, 0, tzinfo=STOCKHOLM))  # Midsommarafton
    assert hours.is_open(datetime(2025, 6, 13, 10, 0, tzinfo=STOCKHOLM))
    assert not hours.is_open(datetime(2025, 6, 13, 16, 30, tzinfo=STOCKHOLM))
    assert not is_working_day(date(2025, 6, 21))


def test_next_opening_skips_weekends_and_holidays() -> None:
    hours = OpeningHours.parse("08:00-16:30")
    # Thursday before Easter, after closing → Långfredag, Saturday, Easter Sunday, Annandag → Tuesday
    nxt = hours.next_opening(datetime(2024, 3, 28, 17, 0, tzinfo=STOCKHOLM))
    assert nxt == datetime(2024, 4, 2, 8, 0, tzinfo=STOCKHOLM)
    before = hours.next_opening(datetime(2024, 4, 3, 6, 0, tzinfo=STOCKHOLM))
    assert before == datetime(2024, 4, 3, 8, 0, tzinfo=STOCKHOLM)
    now = datetime(2024, 4, 3, 9, 0, tzinfo=STOCKHOLM)
    assert hours.next_opening(now) == now


def test_closed_weekdays_ahead_are_listed() -> None:
    hours = OpeningHours.parse("08:00-16:30")
    days = hours.closed_days_ahead(date(2024, 12, 20), 14)
    assert [n for _d, n in days] == ["Julafton", "Juldagen", "Annandag jul", "Nyårsafton", "Nyårsdagen"]


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(-30, 1500))
def test_working_days_between_counts_each_working_day_after_the_start(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    by_day = sum(1 for n in range(1, span + 1) if is_working_day(start + timedelta(days=n)))
    assert working_days_between(start, end) == by_day

"""The shipped municipality boundaries: all 290, found by code or name, with the usual organisation names."""

from __future__ import annotations

import doctest

import pytest

import trygg.setup.municipalities as municipalities
from trygg.errors import NotFound
from trygg.setup.municipalities import all_municipalities, default_org_name, find_municipality


def test_all_290_municipalities_ship_with_valid_boundaries() -> None:
    found = all_municipalities()
    assert len(found) == 290 and len({m.code for m in found}) == 290
    assert all(m.geom.is_valid and not m.geom.is_empty for m in found)
    assert all(len(m.code) == 4 and m.code.isdigit() for m in found)


def test_a_municipality_is_found_by_code_or_name_in_any_case() -> None:
    assert find_municipality("1487").name == "Vänersborg"
    assert find_municipality("vänersborgs kommun".removesuffix("s kommun")).code == "1487"
    assert find_municipality("LULEÅ kommun").code == "2580"
    assert find_municipality("180").code == "0180"  # a leading zero may be left out


def test_an_unknown_municipality_names_the_close_ones() -> None:
    with pytest.raises(NotFound) as info:
        find_municipality("Lule")
    assert "Luleå (2580)" in (info.value.hint or "")


def test_the_boundary_holds_the_town_and_not_the_neighbour() -> None:
    import shapely

    vanersborg, trollhattan = find_municipality("Vänersborg"), find_municipality("Trollhättan")
    town_square = shapely.Point(12.3245, 58.3807)  # Vänersborg, Torget
    assert vanersborg.geom.contains(town_square) and not trollhattan.geom.contains(town_square)


@pytest.mark.parametrize("name,org", [("Vänersborg", "Vänersborgs kommun"), ("Borås", "Borås kommun"),
                                      ("Ale", "Ale kommun"), ("Lilla Edet", "Lilla Edets kommun"),
                                      ("Falun", "Falu kommun"), ("Trollhättan", "Trollhättans Stad")])
def test_default_org_name_is_the_usual_swedish_form(name: str, org: str) -> None:
    assert default_org_name(name) == org


def test_docstring_examples_run() -> None:
    assert doctest.testmod(municipalities).failed == 0

"""The drawn Trollhättan: 16 RegSO and 32 DeSO that partition the municipality outline."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest
import shapely

from trygg.demo.geography import (
    PLACE_BY_NAME,
    PLACES,
    DemoGeography,
    build_geography,
    load_outline,
    load_regso_table,
    locate,
)

TOLERANCE = 1e-9  # square degrees: far below a square metre


def test_sixteen_regso_partition_the_municipality(geography: DemoGeography) -> None:
    outline = load_outline()
    assert len(geography.regso) == 16
    union = shapely.union_all([a.geom for a in geography.regso])
    assert union.symmetric_difference(outline).area < TOLERANCE
    for a, b in itertools.combinations(geography.regso, 2):
        assert a.geom.intersection(b.geom).area < TOLERANCE, (a.code, b.code)


def test_deso_partition_their_regso(geography: DemoGeography) -> None:
    assert len(geography.deso) == 32
    for regso in geography.regso:
        parts = [d for d in geography.deso if d.parent == regso.code]
        assert parts, regso.code
        union = shapely.union_all([d.geom for d in parts])
        assert union.symmetric_difference(regso.geom).area < TOLERANCE
        for a, b in itertools.combinations(parts, 2):
            assert a.geom.intersection(b.geom).area < TOLERANCE


def test_areas_are_valid_multipolygons_with_an_inside_centroid(geography: DemoGeography) -> None:
    for area in geography.all_areas:
        assert area.geom.geom_type == "MultiPolygon" and area.geom.is_valid and not area.geom.is_empty
        assert area.geom.contains(shapely.Point(area.centroid)), area.code


def test_populations_are_plausible(geography: DemoGeography) -> None:
    assert 57_000 <= geography.municipality.population <= 61_000
    assert all(700 <= d.population <= 2_700 for d in geography.deso)
    for regso in geography.regso:
        assert regso.population == sum(d.population for d in geography.deso if d.parent == regso.code)


def test_kronogarden_lextorp_and_sylte_are_the_vulnerable_area(geography: DemoGeography) -> None:
    vulnerable = {a.name for a in geography.regso if a.vulnerable}
    assert vulnerable == {a.name for a in geography.regso if a.area_type in (1, 2)}
    assert any("Kronogård" in n for n in vulnerable) and any("Sylte" in n for n in vulnerable)


def test_known_places_lie_in_the_right_districts(geography: DemoGeography) -> None:
    expected = {
        "Resecentrum": "1488R015", "Drottningtorget": "1488R015", "Kronogårds torg": "1488R007",
        "Överby köpcentrum": "1488R010", "Sjuntorp centrum": "1488R009", "Hjulkvarnelund": "1488R004",
        "Sylte centrum": "1488R012", "Väne-Åsaka": "1488R016",
    }
    names = list(expected)
    idx = locate([a.geom for a in geography.regso], np.array([PLACE_BY_NAME[n].lon for n in names]),
                 np.array([PLACE_BY_NAME[n].lat for n in names]))
    assert {n: geography.regso[i].code for n, i in zip(names, idx, strict=True)} == expected
    everywhere = locate([a.geom for a in geography.regso], np.array([p.lon for p in PLACES]),
                        np.array([p.lat for p in PLACES]))
    assert (everywhere >= 0).all()


def test_the_same_seed_draws_the_same_areas() -> None:
    a, b = build_geography.__wrapped__(7), build_geography.__wrapped__(7)
    assert [x.geom.wkt for x in a.deso] == [x.geom.wkt for x in b.deso]


@pytest.mark.shared_data
def test_embedded_table_matches_scb(shared_dir: Path) -> None:
    """The package's own area table agrees with SCB's RegSO/DeSO/områdestyp 2022 list."""
    with (shared_dir / "data" / "trollhattan_regso_deso_omradestyp_2022.csv").open(encoding="utf-8") as fh:
        scb = {(r["regsokod"], r["regso"], int(r["omradestyp_2022"]), r["desokod"]) for r in csv.DictReader(fh)}
    ours = {(s.code, s.name, s.area_type, d) for s in load_regso_table() for d, _ in s.deso}
    assert ours == scb

"""The demo's shipped set-up files are what the demo's definitions render, and the demo database holds
what they say — imported through the public set-up functions (`trygg.demo.shipped`)."""

from __future__ import annotations

import csv

import shapely
from sqlalchemy import select

from tests.demo.conftest import BuiltDemo
from trygg.demo.geography import DATA, PLACES, build_geography
from trygg.demo.organisations import ORGANISATIONS
from trygg.demo.shipped import MAP_SEED, SURVEY_NAME, render
from trygg.storage.schema import Area, AuditEntry, Organisation, Place, SurveyResult


def test_the_committed_files_are_what_the_demo_renders() -> None:
    for name, text in render().items():
        assert (DATA / name).read_text(encoding="utf-8") == text, (
            f"trygg/demo/data/{name} is out of date: run python -m trygg.demo.shipped")


def test_the_demo_is_set_up_through_the_public_imports(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        actions = set(s.scalars(select(AuditEntry.action)))
        orgs = list(s.scalars(select(Organisation).order_by(Organisation.id)))
        places = [p.name for p in s.scalars(select(Place).order_by(Place.id))]
        surveys = {r.survey for r in s.scalars(select(SurveyResult))}
    assert {"municipality_init", "areas_import", "areas_attributes", "surveys_import"} <= actions
    assert orgs[0].name == "Trollhättans Stad – Trygghet och säkerhet"  # `trygg init`'s organisation
    assert {o.name for o in orgs} == {o.name for o in ORGANISATIONS}
    assert places == [p.name for p in PLACES] and surveys == {SURVEY_NAME}


def test_the_stored_areas_are_the_drawn_map_within_a_centimetre(demo: BuiltDemo) -> None:
    geo = build_geography(MAP_SEED)
    drawn = {a.code: a for a in geo.all_areas}
    with demo.db.session() as s:
        stored = list(s.scalars(select(Area)))
        parents = {a.code: a.parent.code if a.parent else None for a in stored}
    assert len(stored) == len(drawn) == 49
    with (DATA / "area_attributes.csv").open(encoding="utf-8") as fh:
        attributes = {r["kod"]: r for r in csv.DictReader(fh)}
    for a in stored:
        d = drawn[a.code]
        assert a.name == d.name and a.level == d.level and a.vulnerable == d.vulnerable
        assert parents[a.code] == d.parent
        assert a.population == d.population == int(attributes[a.code]["folkmangd"])
        assert a.area_type == d.area_type
        assert shapely.hausdorff_distance(a.geom, d.geom) < 1e-6  # the import rounds to 7 decimals

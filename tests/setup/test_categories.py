"""Changing the taxonomy: add, rename, retire, merge and restore, each checked and audited; a police
event type maps to one category only; the file export imports again unchanged, and a bad file names
its lines and stores nothing (both backends)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from trygg.domain.categories import DEFAULT_TAXONOMY, Category
from trygg.domain.enums import Sensitivity
from trygg.errors import ValidationError
from trygg.setup import categories as service
from trygg.storage import categories
from trygg.storage.database import Database
from trygg.storage.schema import AuditEntry, CategoryRow


def _audit(database: Database) -> list[tuple[str, str]]:
    with database.session() as s:
        return [(e.action, e.object_id) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "category").order_by(AuditEntry.id))]


def test_add_rename_and_change_are_audited(database: Database) -> None:
    with database.session() as s:
        service.add(s, Category("e_scooters", "Elsparkcyklar", "E-scooters", police_types=("Trafikolycka",)),
                    user_id=None)
        changes = service.update(s, "littering", user_id=None, name_sv="Skräp", name_en="Litter",
                                 sensitivity=Sensitivity.SENSITIVE)
        assert changes["name_sv"] == ["Nedskräpning", "Skräp"] and changes["sensitivity"] == ["normal", "sensitive"]
        assert service.update(s, "littering", user_id=None, name_sv="Skräp") == {}  # no change, no entry
    with database.session() as s:
        tax = categories.taxonomy(s)
    assert tax.label("littering", "en") == "Litter" and tax.is_sensitive("littering")
    new = tax.category("e_scooters")
    assert new.sort_order > max(c.sort_order for c in DEFAULT_TAXONOMY.categories) and new.active
    assert tax.for_police_type("Trafikolycka, personskada") == new
    assert _audit(database) == [("category_add", "e_scooters"), ("category_update", "littering")]


def test_a_police_type_maps_to_one_category_only(database: Database) -> None:
    with database.session() as s, pytest.raises(ValidationError) as err:
        service.update(s, "disorder", user_id=None, police_types=("Bråk", "Skadegörelse"))
    assert "'Skadegörelse' → vandalism" in err.value.fields["police_types"]
    with database.session() as s, pytest.raises(ValidationError) as err:
        service.add(s, Category("burglary", "Inbrott", "Burglary"), user_id=None)
    assert "code" in err.value.fields
    with database.session() as s, pytest.raises(ValidationError) as err:
        service.add(s, Category("Bad Code", "X", "X"), user_id=None)
    assert "code" in err.value.fields


def test_retire_merge_and_restore(database: Database) -> None:
    with database.session() as s:
        service.retire(s, "event", user_id=None)
        service.merge(s, "arson", "vandalism", user_id=None)
    with database.session() as s:
        tax = categories.taxonomy(s)
        assert "event" in tax.codes and "event" not in tax.active_codes and "event" in tax.counted
        arson = tax.category("arson")
        assert arson.merged_into == "vandalism" and arson.retired_on is not None and arson.police_types == ()
        assert tax.for_police_type("Brand").code == "vandalism"  # its police types moved to the target
        assert tax.canonical("arson") == "vandalism" and "arson" not in tax.counted
        with pytest.raises(ValidationError):
            service.merge(s, "littering", "arson", user_id=None)  # not into a merged category
        service.restore(s, "event", user_id=None)
    with database.session() as s:
        assert "event" in categories.taxonomy(s).active_codes
    assert [a for a, _c in _audit(database)] == ["category_retire", "category_merge", "category_update",
                                                 "category_restore"]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_changes_nothing(database: Database, tmp_path: Path, fmt: str) -> None:
    with database.session() as s:
        service.retire(s, "event", user_id=None)
        service.merge(s, "arson", "vandalism", user_id=None)
        service.update(s, "disorder", user_id=None, police_types=("Bråk", "Ordningslagen, brott mot"))
    with database.session() as s:
        before = categories.taxonomy(s)
        path = tmp_path / f"kategorier.{fmt}"
        path.write_text(service.export_text(before, fmt), encoding="utf-8")
        entries = len(_audit(database))
        result = service.import_file(s, path, user_id=None)
    assert (result.errors, result.added, result.changed, result.retired, result.merged) == ([], [], [], [], [])
    assert result.unchanged == result.rows == len(before.categories)
    with database.session() as s:
        assert categories.load(s).categories == before.categories
    assert len(_audit(database)) == entries


def test_an_import_with_bad_rows_names_the_lines_and_stores_nothing(database: Database, tmp_path: Path) -> None:
    with database.session() as s:
        text = service.export_text(categories.taxonomy(s), "csv").splitlines()
    header = text[0]
    rows = [*text[1:3],
            "vandalism,Skadegörelse,Vandalism,secret,yes,4,Skadegörelse,,,50",  # line 4: bad sensitivity
            "e_bikes,Elcyklar,E-bikes,normal,maybe,x,,,,",  # line 5: bad public, bad focus areas
            "weapons2,Vapen 2,Weapons 2,normal,no,,Knivlagen,,,",  # line 6: Knivlagen belongs to weapons
            "littering,Nedskräpning,Littering,normal,yes,,,,nowhere,",  # line 7: unknown merge target
            "e_bikes,Elcyklar,E-bikes,normal,yes,,,,,"]  # line 8: the code again
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with database.session() as s:
        before = categories.load(s).categories
        result = service.import_file(s, path, user_id=None)
    errors = "\n".join(result.errors)
    assert "Line 4 (vandalism): sensitivity must be normal or sensitive, not 'secret'" in errors
    assert "Line 5 (e_bikes): public must be yes or no, not 'maybe'" in errors
    assert "Line 5 (e_bikes): focus_areas must be numbers" in errors
    assert "Line 6 (weapons2): police_types: A police event type maps to one category only" in errors
    assert "'Knivlagen' → weapons" in errors
    assert "Line 7 (littering): merged_into: Unknown category nowhere." in errors
    assert "Line 8 (e_bikes): code 'e_bikes' again (first on line 5)" in errors
    with database.session() as s:
        assert categories.load(s).categories == before
        assert s.scalar(select(CategoryRow).where(CategoryRow.code == "e_bikes")) is None


def test_an_import_adds_changes_retires_and_merges(database: Database, tmp_path: Path) -> None:
    rows = [{"code": "e_scooters", "name_sv": "Elsparkcyklar", "name_en": "E-scooters", "public": True},
            {"code": "littering", "name_sv": "Skräp", "name_en": "Litter"},
            {"code": "event", "name_sv": "Arrangemang", "name_en": "Planned event", "retired_on": "2026-11-01"},
            {"code": "arson", "name_sv": "Anlagd brand", "name_en": "Arson (containers, cars)",
             "merged_into": "vandalism", "retired_on": "2026-11-01", "police_types": []}]
    path = tmp_path / "andringar.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    with database.session() as s:
        dry = service.import_file(s, path, dry_run=True, user_id=None)
        assert (dry.added, dry.changed, dry.retired, dry.merged) == (["e_scooters"], ["littering"], ["event"],
                                                                     ["arson"])
    with database.session() as s:
        assert "e_scooters" not in categories.taxonomy(s)  # the dry run stored nothing
        done = service.import_file(s, path, user_id=None)
        assert done.stored == 4
    with database.session() as s:
        tax = categories.taxonomy(s)
    assert tax.label("littering", "sv") == "Skräp" and tax.category("littering").police_types == ()
    assert tax.canonical("arson") == "vandalism" and "event" not in tax.active_codes
    assert tax.category("e_scooters").public and ("category_add", "e_scooters") in _audit(database)


def test_a_merge_moves_no_police_type_that_another_category_has_taken(database: Database) -> None:
    with database.session() as s:
        service.retire(s, "narcotics", user_id=None)  # "Narkotikabrott" is free while it is retired
        service.update(s, "disorder", user_id=None,
                       police_types=(*DEFAULT_TAXONOMY.category("disorder").police_types, "Narkotikabrott"))
        service.merge(s, "narcotics", "vandalism", user_id=None)
    with database.session() as s:
        tax = categories.taxonomy(s)
    assert tax.category("vandalism").police_types == ("Skadegörelse",)
    assert tax.for_police_type("Narkotikabrott").code == "disorder"

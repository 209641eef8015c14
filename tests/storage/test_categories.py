"""The categories table: seeded by the migration with the default taxonomy, read as one Taxonomy that is
cached per data version and read again after a committed change (both backends)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import delete, func, select

from trygg.domain.categories import DEFAULT_TAXONOMY
from trygg.storage import categories, versions
from trygg.storage.database import Database
from trygg.storage.schema import CategoryRow


def test_the_migration_seeds_exactly_the_default_taxonomy(database: Database) -> None:
    with database.session() as s:
        tax = categories.load(s)
    assert tax.categories == DEFAULT_TAXONOMY.categories
    assert [c.code for c in tax.public] == [c.code for c in DEFAULT_TAXONOMY.public]
    assert tax.sensitive == frozenset({"sexual_harassment", "youth"})


def test_the_taxonomy_is_cached_until_a_committed_change(database: Database) -> None:
    with database.session() as s:
        first = categories.taxonomy(s)
        assert categories.taxonomy(s) is first  # two small lookups, no reload
        before = versions.current(s, versions.CATEGORIES)
    with database.session() as s:
        row = categories.rows(s)["littering"]
        categories.write(s, replace(first.category("littering"), name_sv="Skräp"), row)
    with database.session() as s:
        after = categories.taxonomy(s)
        assert after is not first and after.label("littering", "sv") == "Skräp"
        assert versions.current(s, versions.CATEGORIES) == before + 1 == after.version


def test_retirement_and_merge_are_stored_and_read_back(database: Database) -> None:
    with database.session() as s:
        tax = categories.taxonomy(s)
        rows = categories.rows(s)
        categories.write(s, replace(tax.category("event"), retired_on=date(2026, 11, 1)), rows["event"])
        categories.write(s, replace(tax.category("littering"), merged_into="unsafe_place",
                                    retired_on=date(2026, 11, 2)), rows["littering"])
    with database.session() as s:
        tax = categories.taxonomy(s)
    assert tax.category("event").retired_on == date(2026, 11, 1) and "event" not in tax.active_codes
    assert "event" in tax.counted and "littering" not in tax.counted and "littering" in tax.codes
    assert tax.canonical("littering") == "unsafe_place"
    assert set(tax.expand(["unsafe_place"])) == {"unsafe_place", "littering"}


def test_seed_fills_an_emptied_table_and_leaves_a_filled_one(database: Database) -> None:
    with database.session() as s:
        assert categories.seed(s) == len(DEFAULT_TAXONOMY.categories)  # already there: nothing added
        assert s.scalar(select(func.count(CategoryRow.id))) == len(DEFAULT_TAXONOMY.categories)
        s.execute(delete(CategoryRow))
        assert categories.seed(s) == len(DEFAULT_TAXONOMY.categories)
    with database.session() as s:
        assert categories.load(s).categories == DEFAULT_TAXONOMY.categories

"""The default taxonomy: shootings, explosions, weapons and dangerous objects of their own; every police
event type either has a category or a stated reason to stay out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trygg.domain.categories import DEFAULT_TAXONOMY, POLICE_TYPES_OUT_OF_SCOPE, police_type_skip_reason


@pytest.mark.parametrize("police_type,code", [
    ("Skottlossning", "shootings"), ("Skottlossning, misstänkt", "shootings"), ("Explosion", "explosions"),
    ("Detonation", "explosions"), ("Sprängning", "explosions"), ("Knivlagen", "weapons"), ("Vapenlagen", "weapons"),
    ("Farligt föremål, misstänkt", "dangerous_objects"), ("Misshandel, grov", "violence"),
])
def test_police_types_map_to_their_category(police_type: str, code: str) -> None:
    cat = DEFAULT_TAXONOMY.for_police_type(police_type)
    assert cat is not None and cat.code == code


def test_the_new_categories_are_for_partners_and_the_police_only() -> None:
    for code in ("shootings", "explosions", "weapons", "dangerous_objects"):
        cat = DEFAULT_TAXONOMY.category(code)
        assert not cat.public and cat.name_sv and cat.name_en


def test_each_police_type_maps_to_one_category_only() -> None:
    seen: dict[str, str] = {}
    for cat in DEFAULT_TAXONOMY.by_code.values():
        for t in cat.police_types:
            assert t not in seen, f"{t!r} is in {seen.get(t)} and {cat.code}"
            seen[t] = cat.code
    assert not set(seen) & set(POLICE_TYPES_OUT_OF_SCOPE)


def test_out_of_scope_types_carry_their_reason() -> None:
    assert police_type_skip_reason("Trafikolycka, personskada") == "a traffic accident"
    assert police_type_skip_reason("Försvunnen person") == "a missing person"
    assert police_type_skip_reason("Något helt nytt") == "no Trygg category"


@pytest.mark.shared_data
def test_every_type_in_the_real_feed_has_a_category_or_a_reason(shared_dir: Path) -> None:
    events = json.loads((shared_dir / "data/polisen_events_2023-04-13_to_04-25.json").read_text(encoding="utf-8"))
    unexplained = {e["type"] for e in events if not e["type"].startswith("Sammanfattning")
                   and DEFAULT_TAXONOMY.for_police_type(e["type"]) is None
                   and police_type_skip_reason(e["type"]) == "no Trygg category"}
    assert unexplained == set()

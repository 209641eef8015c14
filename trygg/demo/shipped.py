"""The set-up files the demo ships in ``trygg/demo/data`` and imports through the public set-up
functions, exactly as a municipality would (docs/going-live.md):

=========================  ==========================================  ===============================
file                       what                                        imported by
=========================  ==========================================  ===============================
``districts.geojson``      the 16 RegSO (WGS 84), code, name, police   ``trygg areas import``
                           class                                       (`setup.area_import`)
``deso.geojson``           the 32 DeSO, the same fields                ``trygg areas import``
``area_attributes.csv``    SCB area type and population of every area  ``trygg areas attributes``
``organisations.csv``      the 13 organisations                        ``trygg orgs import``
``places.csv``             the 26 known places                         ``trygg places import``
``surveys.csv``            the survey figures 2022–2026 per RegSO      ``trygg surveys import``
=========================  ==========================================  ===============================

They are rendered from the demo's own definitions — the drawn map of `geography` (seed
`MAP_SEED`), `organisations.ORGANISATIONS`, `geography.PLACES` and `surveys.survey_rows` — and
committed; ``python -m trygg.demo.shipped`` writes them again, and a test checks that the committed
files are what these functions render. Users are not a file: passwords never go in files, and the
demo's users have documented passwords (`organisations.demo_password`).

    >>> sorted(render())[:2]                                     # doctest: +SKIP
    ['area_attributes.csv', 'deso.geojson']
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from shapely.geometry import mapping

from trygg.demo.geography import DATA, MUNICIPALITY_CODE, PLACES, POLICE_CLASS, DemoArea, build_geography
from trygg.demo.organisations import ORGANISATIONS
from trygg.demo.surveys import survey_rows
from trygg.domain.enums import OrgKind

MAP_SEED = 2022  # the seed that drew the shipped map; the demo's `seed` varies only the simulation
SURVEY_NAME = "Trygghetsmätning (demo)"
KIND_WORDS = {OrgKind.POLICE: "polis", OrgKind.MUNICIPALITY: "kommun", OrgKind.HOUSING: "bostad",
              OrgKind.SCHOOL: "skola", OrgKind.RESCUE: "räddningstjänst", OrgKind.GUARD: "bevakning",
              OrgKind.VOLUNTEER: "ideell", OrgKind.OTHER: "annan"}
# The column names the builder hands to the importers.
AREA_FIELDS = {"code": "kod", "name": "namn", "police_class": "polisklass"}
ATTRIBUTE_COLUMNS = {"key": "kod", "type": "omradestyp", "population": "folkmangd"}


def _geojson(areas: Iterable[DemoArea]) -> str:
    """A FeatureCollection in WGS 84, one feature a line; coordinates exactly as drawn."""
    lines = []
    for a in areas:
        feature = {"type": "Feature",
                   "properties": {"kod": a.code, "namn": a.name, "polisklass": POLICE_CLASS if a.vulnerable else ""},
                   "geometry": mapping(a.geom)}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def _csv(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _share(percent: float) -> str:
    """44.2 (%) → "0.442": the share as the decimal text of the percentage, no float noise."""
    return str(Decimal(repr(percent)) / 100)


def render() -> dict[str, str]:
    """File name → text of every shipped set-up file."""
    geo = build_geography(MAP_SEED)
    attributes: list[tuple[str, int | str | None, int]] = [(MUNICIPALITY_CODE, "", geo.municipality.population)]
    attributes += [(a.code, a.area_type, a.population) for a in (*geo.regso, *geo.deso)]
    surveys = []
    for r in survey_rows(geo, MAP_SEED):
        percent = r.scale == "percent"
        surveys.append((r.regso_code, r.year, r.indicator, r.n, _share(r.value) if percent else "",
                        "" if percent else repr(r.value),
                        _share(r.normal_value) if percent else repr(r.normal_value)))
    return {
        "districts.geojson": _geojson(geo.regso),
        "deso.geojson": _geojson(geo.deso),
        "area_attributes.csv": _csv(list(ATTRIBUTE_COLUMNS.values()), attributes),
        "organisations.csv": _csv(["namn", "kortnamn", "typ", "utanför", "delar"],
                                  ((o.name, o.short_name, KIND_WORDS[o.kind], "nej", "ja") for o in ORGANISATIONS)),
        "places.csv": _csv(["namn", "lon", "lat", "typ"],
                           ((p.name, p.lon, p.lat, "lokal" if p.kind == "premises" else "plats") for p in PLACES)),
        "surveys.csv": _csv(["omrade", "ar", "indikator", "n", "andel", "medel", "normalvarde"], surveys),
    }


def write(directory: Path = DATA) -> list[Path]:
    """Write every shipped file into `directory` (the package's data folder by default)."""
    written = []
    for name, text in render().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    for p in write():
        print(p)

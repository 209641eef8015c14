"""`trygg areas import`: districts (RegSO) or DeSO from a boundary file, checked before anything is stored.

Every problem names the feature number (1-based, in file order) and its code. Errors — no or a
duplicate code, no geometry, a geometry that is not a polygon, a part outside the municipality,
an overlap with another area of the file, a code already stored, a DeSO in no district — store
nothing. Warnings — an invalid geometry repaired with ``make_valid`` — are reported and the
repaired geometry stored. Checks run in SWEREF 99 TM (metres); areas are stored in WGS 84.

``district`` is Trygg's district level: the areas the lägesbild, EST groups and routing work with,
stored as level ``regso``. Give ``regso`` when the codes are SCB's RegSO codes; both mean the same
level. ``deso`` areas are placed under the district holding them. An optional class field carries
the police's classification of the area (``utsatt område``, ``riskområde``, ``särskilt utsatt
område``; empty for none): such an area is marked vulnerable.

The areas of one import are an edition of their level (`AreaEdition`). A level that has areas
takes another file only as a new, named edition (``edition="DeSO 2025"``): checked exactly like
the first, then — in the same transaction — made the active edition, with every report and
everything else that has a point placed again among its areas (`trygg.setup.area_editions`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy.orm import Session

from trygg.domain.enums import AreaLevel
from trygg.domain.geo import SWEREF99TM, WGS84
from trygg.errors import ValidationError
from trygg.setup.area_editions import EditionChange, place_in_edition
from trygg.setup.area_files import BoundaryFile, read_boundary_file
from trygg.storage import area_editions as edition_store
from trygg.storage import areas as area_store
from trygg.storage import audit
from trygg.storage.area_writes import NewArea, add_areas, count_level, existing_codes
from trygg.storage.schema import Area

LEVELS = {"district": AreaLevel.REGSO, "regso": AreaLevel.REGSO, "deso": AreaLevel.DESO}
OUTSIDE_BUFFER_M = 500.0  # the shipped municipality boundaries are simplified: allow this margin
OUTSIDE_SHARE = 0.01  # more than this share of an area beyond the margin is an error
OVERLAP_M2 = 1000.0  # overlaps up to this many m² (or OVERLAP_SHARE of the smaller area) are slivers
OVERLAP_SHARE = 0.005
POLICE_CLASSES = ("utsatt område", "riskområde", "särskilt utsatt område")  # the police's list, 2015–


@dataclass(frozen=True)
class AreaIssue:
    feature: int  # 0 = the file as a whole
    code: str
    message: str

    def __str__(self) -> str:
        where = f"feature {self.feature}" + (f" ({self.code})" if self.code else "") if self.feature else "file"
        return f"{where}: {self.message}"


@dataclass
class AreaImportResult:
    level: str
    features: int
    crs: str
    areas: list[NewArea] = field(default_factory=list)
    errors: list[AreaIssue] = field(default_factory=list)
    warnings: list[AreaIssue] = field(default_factory=list)
    stored: int = 0
    dry_run: bool = False
    edition: str = ""  # the name of the edition the areas are (or would be) stored as
    change: EditionChange | None = None  # a new edition of a level that had one: what moves

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class FieldMap:
    code: str
    name: str
    type: str | None = None
    population: str | None = None
    police_class: str | None = None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _whole(value: Any) -> int | None:
    text = _text(value)
    return int(text) if text.lstrip("-").isdigit() else None


def _polygons(geom: shapely.Geometry) -> MultiPolygon:
    return MultiPolygon([g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty])


def _to_wgs84(geom: MultiPolygon) -> MultiPolygon:
    from pyproj import Transformer

    t = Transformer.from_crs(SWEREF99TM, WGS84, always_xy=True)

    def project(coords: np.ndarray) -> np.ndarray:
        lon, lat = t.transform(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([lon, lat]), 7)

    return _polygons(shapely.transform(geom, project))


def _to_sweref(geom: shapely.Geometry) -> shapely.Geometry:
    from pyproj import Transformer

    t = Transformer.from_crs(WGS84, SWEREF99TM, always_xy=True)
    return shapely.transform(geom, lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))


def check_features(source: BoundaryFile, fields: FieldMap, municipality: Area,
                   districts: list[Area] | None = None, level: str = AreaLevel.REGSO) -> AreaImportResult:
    """Check every feature; the prepared areas (WGS 84) in `areas` when there is no error."""
    result = AreaImportResult(level=level, features=len(source.features), crs=source.crs)
    missing = [f for f in (fields.code, fields.name, fields.type, fields.population, fields.police_class)
               if f is not None and f not in source.fields]
    if missing:
        result.errors.append(AreaIssue(0, "", f"no field {', '.join(map(repr, missing))}; the file has "
                                              f"{', '.join(source.fields) or 'no fields'}"))
        return result
    if not source.features:
        result.errors.append(AreaIssue(0, "", "the file holds no features"))
        return result
    muni = _to_sweref(municipality.geom)
    margin = muni.buffer(OUTSIDE_BUFFER_M)
    shapely.prepare(margin)
    first_of: dict[str, int] = {}
    checked: list[tuple[int, str, str, shapely.Geometry, int | None, int | None]] = []
    classes: dict[int, str | None] = {}
    for f in source.features:
        code = _text(f.properties.get(fields.code))
        name = _text(f.properties.get(fields.name)) or code
        err = len(result.errors)
        if not code:
            result.errors.append(AreaIssue(f.number, "", f"has no code in field {fields.code!r}"))
        elif len(code) > 20:
            result.errors.append(AreaIssue(f.number, code[:20] + "…", "the code is longer than 20 characters"))
        elif code in first_of:
            result.errors.append(AreaIssue(f.number, code, f"the code is the same as feature {first_of[code]}'s"))
        else:
            first_of[code] = f.number
        area_type = population = None
        if fields.type:
            raw = f.properties.get(fields.type)
            area_type = _whole(raw)
            if _text(raw) and (area_type is None or not 1 <= area_type <= 5):
                result.errors.append(AreaIssue(f.number, code, f"area type {_text(raw)!r} is not 1–5 (SCB områdestyp)"))
        if fields.population:
            raw = f.properties.get(fields.population)
            population = _whole(raw)
            if _text(raw) and (population is None or population < 0):
                result.errors.append(AreaIssue(f.number, code, f"population {_text(raw)!r} is not a whole number ≥ 0"))
        if fields.police_class:
            raw_class = _text(f.properties.get(fields.police_class))
            classes[f.number] = raw_class.casefold() or None
            if raw_class and raw_class.casefold() not in POLICE_CLASSES:
                result.errors.append(AreaIssue(f.number, code, f"police class {raw_class!r} is not one of "
                                                               f"{', '.join(POLICE_CLASSES)} (or empty)"))
        geom = f.geom
        if geom is None:
            result.errors.append(AreaIssue(f.number, code, f.problem))
            continue
        if not isinstance(geom, Polygon | MultiPolygon):
            result.errors.append(AreaIssue(f.number, code, f"is a {geom.geom_type}, not a polygon"))
            continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            geom = _polygons(shapely.make_valid(geom))
            result.warnings.append(AreaIssue(f.number, code, f"invalid geometry ({reason}) repaired with make_valid"))
            if geom.is_empty:
                result.errors.append(AreaIssue(f.number, code, "nothing of the geometry is left after repair"))
                continue
        outside = geom.difference(margin).area
        if not geom.intersects(muni):
            x, y = geom.representative_point().coords[0]
            result.errors.append(AreaIssue(
                f.number, code, f"lies entirely outside {municipality.name} (a point of it is at "
                                f"E {x:,.0f}, N {y:,.0f} in SWEREF 99 TM); is the declared CRS {source.crs} right?"))
        elif outside > OUTSIDE_SHARE * geom.area:
            result.errors.append(AreaIssue(
                f.number, code, f"{outside / geom.area:.0%} of it ({outside / 1e6:.2f} km²) lies outside "
                                f"{municipality.name}, more than {OUTSIDE_BUFFER_M:.0f} m beyond its boundary"))
        if len(result.errors) == err:
            checked.append((f.number, code, name, geom, area_type, population))
    _check_overlaps(checked, result)
    parents = _parents(checked, districts, municipality, level, result)
    if not result.errors:
        result.areas = [NewArea(code=code, name=name[:200], level=level, geom=_to_wgs84(_polygons(geom)),
                                parent_code=parents[number], population=population, area_type=area_type,
                                police_class=classes.get(number))
                        for number, code, name, geom, area_type, population in checked]
    return result


def _check_overlaps(checked: list[tuple[int, str, str, shapely.Geometry, int | None, int | None]],
                    result: AreaImportResult) -> None:
    geoms = [c[3] for c in checked]
    if len(geoms) < 2:
        return
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        shared = geoms[i].intersection(geoms[j]).area
        if shared > max(OVERLAP_M2, OVERLAP_SHARE * min(geoms[i].area, geoms[j].area)):
            a, b = checked[i], checked[j]
            result.errors.append(AreaIssue(a[0], a[1], f"overlaps feature {b[0]} ({b[1]}) by {shared:,.0f} m²"))


def _parents(checked: list[tuple[int, str, str, shapely.Geometry, int | None, int | None]],
             districts: list[Area] | None, municipality: Area, level: str,
             result: AreaImportResult) -> dict[int, str]:
    if level != AreaLevel.DESO or not districts:
        return {c[0]: municipality.code for c in checked}
    geoms = [_to_sweref(d.geom) for d in districts]
    tree = shapely.STRtree(geoms)
    parents: dict[int, str] = {}
    for number, code, _name, geom, _t, _p in checked:
        hits = tree.query(geom.representative_point(), predicate="intersects")
        if len(hits) == 0:
            result.errors.append(AreaIssue(number, code, "lies in no district; import the districts first"))
        else:
            parents[number] = districts[int(hits[0])].code
    return parents


def import_areas(session: Session, path: Path, level: str, fields: FieldMap, *, crs: str | None = None,
                 dry_run: bool = False, user_id: int | None = None, edition: str | None = None,
                 year: int | None = None,
                 progress: Callable[[str, int, int], None] | None = None) -> AreaImportResult:
    """Check `path` and, when nothing is wrong and not `dry_run`, store its areas (flushed, audited).

    The first import of a level is its first edition (named `edition`, else "first import"). A level
    that has areas needs `edition`: the new edition is stored, made active and everything with a
    point is placed again in its areas (`result.change`; in a dry run what would move).
    """
    if level not in LEVELS:
        raise ValidationError(f"Unknown level {level!r}.", fields={"level": "district, regso or deso"})
    name = (edition or "").strip()
    if len(name) > 80:
        raise ValidationError("An edition's name is at most 80 characters.", fields={"edition": "e.g. DeSO 2025"})
    stored_level = LEVELS[level]
    municipality = area_store.municipality(session)
    if municipality is None:
        raise ValidationError("The database has no municipality yet.", fields={"municipality": "missing"},
                              hint="Run 'trygg init --municipality …' first.")
    source = read_boundary_file(path, crs)
    districts = area_store.list_areas(session, AreaLevel.REGSO)
    districts.sort(key=lambda a: a.code)
    result = check_features(source, fields, municipality, districts, stored_level)
    result.dry_run = dry_run
    again = count_level(session, stored_level) > 0
    result.edition = name or edition_store.FIRST
    if again and not name:
        result.errors.insert(0, AreaIssue(0, "", f"the database already has {level} areas; to replace them, "
                                                 "import the file as a new edition (--edition NAME, e.g. "
                                                 "'DeSO 2025')"))
    elif any(e.name == result.edition for e in edition_store.list_editions(session, stored_level)):
        result.errors.insert(0, AreaIssue(0, "", f"the {level} level has an edition named {result.edition!r} "
                                                 "already; choose another name"))
    taken = existing_codes(session, [a.code for a in result.areas], other_than=stored_level)
    for number, a in enumerate(result.areas, start=1):
        if a.code in taken:
            result.errors.append(AreaIssue(number, a.code, "an area of another level has this code"))
    if result.errors:
        return result
    if dry_run:
        if again:
            stand_in = [-(i + 1) for i in range(len(result.areas))]
            result.change = place_in_edition(session, stored_level, stand_in, [a.code for a in result.areas],
                                             [a.geom for a in result.areas], new_edition_id=None, apply=False,
                                             progress=progress)
        return result
    if again:
        edition_store.adopt_unedited(session, stored_level)
    new = edition_store.add_edition(session, stored_level, result.edition, year=year, source_file=path.name,
                                    user_id=user_id, active=not again)
    rows = add_areas(session, result.areas, edition_id=new.id)
    result.stored = len(rows)
    detail: dict[str, object] = {"level": level, "areas": result.stored, "repaired": len(result.warnings),
                                 "edition": new.name, "file": path.name}
    if again:
        result.change = place_in_edition(session, stored_level, [r.id for r in rows], [r.code for r in rows],
                                         [r.geom for r in rows], new_edition_id=new.id, apply=True,
                                         progress=progress)
        edition_store.activate(session, new)
        c = result.change
        detail.update({"previous": c.previous, "reports_moved": c.reports_moved,
                       "reports_without_point": c.reports_without_point,
                       "reports_following": c.reports_following, "reports_outside": c.reports_outside})
    audit.record(session, user_id, "areas_import", "areas", stored_level, detail)
    return result

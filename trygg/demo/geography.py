"""The demo's Trollhättan: municipality outline, 16 RegSO and 32 DeSO drawn plausibly, and known places.

Real RegSO/DeSO boundaries are not available offline, so the areas are drawn: a Voronoi
tessellation of one seed point per urban RegSO inside a town envelope, and the two rural RegSO
(Sjuntorpsområdet in the south-west, östra landsbygd in the east) sharing the rest of the
municipality outline. Every DeSO is a Voronoi cell of k-means centres inside its RegSO. The
codes, names, area types (SCB områdestyp 2022) are real; the populations are plausible round
numbers that sum to about 59,000. Everything is computed in WGS 84 (the storage CRS for areas);
Voronoi cells are built in a locally scaled plane (longitude times cos(latitude)) so that they
are not stretched east–west.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

DATA = Path(__file__).parent / "data"
MUNICIPALITY_CODE = "1488"
MUNICIPALITY_NAME = "Trollhättan"
LAT0 = 58.28  # latitude of the local scaling
KX = float(np.cos(np.radians(LAT0)))  # metres per degree of longitude / metres per degree of latitude

# One seed point (lon, lat) per urban RegSO, near where the real district lies.
URBAN_SEEDS: dict[str, tuple[float, float]] = {
    "1488R001": (12.300, 58.301),  # Björndalen-Vårvik
    "1488R002": (12.334, 58.281),  # Dannebacken-Stavre-Sandhem
    "1488R003": (12.333, 58.264),  # Halvorstorp
    "1488R004": (12.325, 58.296),  # Hjulkvarn
    "1488R005": (12.274, 58.283),  # Innovatum-Norra Skoftebyn-Pettersberg
    "1488R006": (12.310, 58.288),  # Karlstorp-Hjortmossen
    "1488R007": (12.317, 58.272),  # Kronogårds Torg-Frälsegården
    "1488R008": (12.309, 58.263),  # Norra Lextorp-Västra/Östra Kronogården
    "1488R010": (12.258, 58.307),  # Skogshöjden-Överby
    "1488R011": (12.295, 58.274),  # Strömslund-Torsred-Källstorp
    "1488R012": (12.272, 58.268),  # Sylte-Hörlycke-Eriksro
    "1488R013": (12.296, 58.255),  # Södra Lextorp-Alingsåker
    "1488R014": (12.258, 58.292),  # Södra Skoftebyn
    "1488R015": (12.289, 58.285),  # Trollhättan centrum-Tingvalla-Västergärdet
}
# Seeds that split the countryside between the two rural RegSO.
RURAL_SEEDS: tuple[tuple[str, tuple[float, float]], ...] = (
    ("1488R009", (12.220, 58.200)),  # Sjuntorp
    ("1488R009", (12.185, 58.290)),  # Gärdhem, west of the town
    ("1488R009", (12.300, 58.140)),  # Edsvid, south
    ("1488R016", (12.450, 58.280)),  # east
    ("1488R016", (12.350, 58.320)),  # north-east of the town
    ("1488R016", (12.480, 58.180)),  # south-east
    ("1488R016", (12.420, 58.120)),  # far south-east
)
TOWN_BUFFER_KM = 1.2  # how far the town envelope reaches beyond the outermost urban seeds
VULNERABLE_REGSO = ("1488R007", "1488R008", "1488R012", "1488R013")  # police: utsatt område
POLICE_CLASS = "utsatt område"
TOWN_DESO = {"1488R009": "1488B2010"}  # the DeSO holding the village centre of a rural RegSO


@dataclass(frozen=True)
class PlaceSpec:
    """A known place of the gazetteer; `kind` is place | premises."""

    name: str
    lon: float
    lat: float
    kind: str = "place"


PLACES: tuple[PlaceSpec, ...] = (
    PlaceSpec("Resecentrum", 12.2855, 58.2835),
    PlaceSpec("Kronogårds torg", 12.3150, 58.2720),
    PlaceSpec("Överby köpcentrum", 12.2560, 58.3065),
    PlaceSpec("Stallbackabron", 12.2720, 58.3120),
    PlaceSpec("Älvhögsborg", 12.2800, 58.2795),
    PlaceSpec("Drottningtorget", 12.2890, 58.2838),
    PlaceSpec("Sjuntorp centrum", 12.2200, 58.2000),
    PlaceSpec("Väne-Åsaka", 12.3600, 58.2880),
    PlaceSpec("Lextorps centrum", 12.3010, 58.2625),
    PlaceSpec("Sylte centrum", 12.2710, 58.2690),
    PlaceSpec("Innovatum", 12.2745, 58.2800),
    PlaceSpec("Trollhättans Stadsbibliotek", 12.2905, 58.2830),
    PlaceSpec("Hjulkvarnelund", 12.3230, 58.2960),
    PlaceSpec("Folkets park", 12.2815, 58.2775),
    PlaceSpec("Spikön", 12.2800, 58.2860),
    PlaceSpec("Kronogårdsskolan", 12.3125, 58.2700, "premises"),
    PlaceSpec("Lextorpsskolan", 12.3035, 58.2605, "premises"),
    PlaceSpec("Sylteskolan", 12.2690, 58.2665, "premises"),
    PlaceSpec("Hjulkvarnsskolan", 12.3275, 58.2945, "premises"),
    PlaceSpec("Nils Ericsonsgymnasiet", 12.2870, 58.2820, "premises"),
    PlaceSpec("Magnus Åbergsgymnasiet", 12.2950, 58.2855, "premises"),
    PlaceSpec("Sjuntorpsskolan", 12.2170, 58.2020, "premises"),
    PlaceSpec("Ungdomsgården Kronogården", 12.3165, 58.2730, "premises"),
    PlaceSpec("Ungdomsgården Lextorp", 12.2995, 58.2640, "premises"),
    PlaceSpec("Ungdomsgården Sylte", 12.2735, 58.2680, "premises"),
    PlaceSpec("Fritidsgården Sjuntorp", 12.2215, 58.1985, "premises"),
)
PLACE_BY_NAME = {p.name: p for p in PLACES}


@dataclass(frozen=True)
class RegsoSpec:
    code: str
    name: str
    area_type: int
    deso: tuple[tuple[str, int], ...]  # (DeSO code, population)

    @property
    def population(self) -> int:
        return sum(p for _, p in self.deso)


@dataclass(frozen=True)
class DemoArea:
    """One drawn area in WGS 84; `parent` is the code of the enclosing area (None for the municipality)."""

    code: str
    name: str
    level: str  # municipality | regso | deso
    parent: str | None
    population: int
    area_type: int | None
    vulnerable: bool
    geom: MultiPolygon
    centroid: tuple[float, float]  # a point inside the area (lon, lat)


@dataclass(frozen=True)
class DemoGeography:
    municipality: DemoArea
    regso: tuple[DemoArea, ...]
    deso: tuple[DemoArea, ...]

    @property
    def all_areas(self) -> tuple[DemoArea, ...]:
        return (self.municipality, *self.regso, *self.deso)

    def regso_by_code(self) -> dict[str, DemoArea]:
        return {a.code: a for a in self.regso}


def load_regso_table() -> tuple[RegsoSpec, ...]:
    """The 16 RegSO with their DeSO codes and populations, from the package's own data file."""
    rows: dict[str, list[dict[str, str]]] = {}
    with (DATA / "areas.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            rows.setdefault(row["regso_code"], []).append(row)
    return tuple(
        RegsoSpec(code, group[0]["regso_name"], int(group[0]["area_type"]),
                  tuple((r["deso_code"], int(r["population"])) for r in group))
        for code, group in sorted(rows.items())
    )


def load_outline() -> Polygon:
    """The simplified municipality outline of Trollhättan (WGS 84)."""
    data = json.loads((DATA / "trollhattan_outline.geojson").read_text(encoding="utf-8"))
    geom = shape(data["features"][0]["geometry"])
    if not isinstance(geom, Polygon):
        raise ValueError("trollhattan_outline.geojson must hold one Polygon")
    return shapely.make_valid(geom) if not geom.is_valid else geom


def _scale(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda c: c * np.array([KX, 1.0]))


def _unscale(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda c: c / np.array([KX, 1.0]))


def _voronoi_cells(points: np.ndarray, extent: shapely.Geometry) -> list[shapely.Geometry]:
    """Voronoi cells (WGS 84) of lon/lat `points`, in input order, covering `extent`."""
    scaled = shapely.multipoints(points * np.array([KX, 1.0]))
    cells = shapely.voronoi_polygons(scaled, extend_to=_scale(extent).buffer(0.05))
    ordered: list[shapely.Geometry] = []
    for x, y in points * np.array([KX, 1.0]):
        p = shapely.Point(x, y)
        ordered.append(_unscale(next(c for c in cells.geoms if c.covers(p))))
    return ordered


def _multi(geom: shapely.Geometry) -> MultiPolygon:
    polys = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty]
    return MultiPolygon(polys)


def _inside_point(geom: shapely.Geometry) -> tuple[float, float]:
    c = geom.centroid
    if not geom.contains(c):
        c = geom.point_on_surface()
    return round(float(c.x), 6), round(float(c.y), 6)


def random_points_in(geom: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` points (lon, lat) uniformly inside `geom`, by rejection from its bounding box."""
    minx, miny, maxx, maxy = geom.bounds
    shapely.prepare(geom)
    out = np.empty((0, 2))
    while len(out) < n:
        m = max(64, 2 * (n - len(out)))
        cand = np.column_stack([rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m)])
        out = np.vstack([out, cand[shapely.contains_xy(geom, cand[:, 0], cand[:, 1])]])
    return out[:n]


def _kmeans(points: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 25) -> np.ndarray:
    scaled = points * np.array([KX, 1.0])
    centres = scaled[rng.choice(len(scaled), k, replace=False)]
    for _ in range(iterations):
        labels = np.argmin(((scaled[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
        centres = np.array([scaled[labels == j].mean(axis=0) if np.any(labels == j) else centres[j]
                            for j in range(k)])
    result: np.ndarray = centres / np.array([KX, 1.0])
    return result


def _town_envelope(outline: Polygon) -> shapely.Geometry:
    seeds = _scale(shapely.multipoints(list(URBAN_SEEDS.values())))
    buffer_deg = TOWN_BUFFER_KM / 111.32
    envelope = _unscale(seeds.convex_hull.buffer(buffer_deg, quad_segs=4))
    return envelope.intersection(outline)


def _split_deso(regso: RegsoSpec, geom: shapely.Geometry, rng: np.random.Generator) -> list[DemoArea]:
    if len(regso.deso) == 1:
        code, pop = regso.deso[0]
        parts = [(code, pop, geom)]
    else:
        candidates = random_points_in(geom, 400, rng)
        centres = _kmeans(candidates, len(regso.deso), rng)
        order = np.lexsort((centres[:, 0], -centres[:, 1]))  # north to south, then west to east
        centres = centres[order]
        cells = [c.intersection(geom) for c in _voronoi_cells(centres, geom)]
        codes = [d for d in regso.deso]
        town = TOWN_DESO.get(regso.code)
        if town is not None:  # the village DeSO gets the cell holding the village centre
            village = shapely.Point(PLACE_BY_NAME["Sjuntorp centrum"].lon, PLACE_BY_NAME["Sjuntorp centrum"].lat)
            i_cell = next(i for i, c in enumerate(cells) if c.covers(village))
            i_code = next(i for i, (c, _) in enumerate(codes) if c == town)
            codes[i_cell], codes[i_code] = codes[i_code], codes[i_cell]
        parts = [(code, pop, cell) for (code, pop), cell in zip(codes, cells, strict=True)]
    return [
        DemoArea(code=code, name=f"{regso.name} ({code[-5:]})", level="deso", parent=regso.code,
                 population=pop, area_type=regso.area_type, vulnerable=regso.code in VULNERABLE_REGSO,
                 geom=_multi(cell), centroid=_inside_point(cell))
        for code, pop, cell in parts
    ]


@lru_cache(maxsize=4)
def build_geography(seed: int = 2022) -> DemoGeography:
    """Draw the municipality, its 16 RegSO and 32 DeSO; the same seed draws the same polygons."""
    rng = np.random.default_rng(seed)
    outline = load_outline()
    table = load_regso_table()
    envelope = _town_envelope(outline)
    urban_codes = list(URBAN_SEEDS)
    urban_cells = _voronoi_cells(np.array([URBAN_SEEDS[c] for c in urban_codes]), outline)
    polygons: dict[str, shapely.Geometry] = {
        code: cell.intersection(envelope) for code, cell in zip(urban_codes, urban_cells, strict=True)
    }
    countryside = outline.difference(envelope)
    rural_cells = _voronoi_cells(np.array([p for _, p in RURAL_SEEDS]), outline)
    for (code, _), cell in zip(RURAL_SEEDS, rural_cells, strict=True):
        piece = cell.intersection(countryside)
        polygons[code] = polygons[code].union(piece) if code in polygons else piece
    regso: list[DemoArea] = []
    deso: list[DemoArea] = []
    for spec in table:
        geom = polygons[spec.code]
        regso.append(DemoArea(
            code=spec.code, name=spec.name, level="regso", parent=MUNICIPALITY_CODE,
            population=spec.population, area_type=spec.area_type,
            vulnerable=spec.code in VULNERABLE_REGSO, geom=_multi(geom), centroid=_inside_point(geom)))
        deso.extend(_split_deso(spec, geom, rng))
    muni = DemoArea(code=MUNICIPALITY_CODE, name=MUNICIPALITY_NAME, level="municipality", parent=None,
                    population=sum(a.population for a in regso), area_type=None, vulnerable=False,
                    geom=_multi(outline), centroid=_inside_point(outline))
    return DemoGeography(municipality=muni, regso=tuple(regso), deso=tuple(deso))


def locate(geoms: tuple[shapely.Geometry, ...] | list[shapely.Geometry],
           lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Index into `geoms` of the polygon holding each point, -1 where none does."""
    tree = shapely.STRtree(list(geoms))
    points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    out = np.full(len(points), -1, dtype=np.int64)
    pi, gi = tree.query(points, predicate="intersects")
    out[pi[::-1]] = gi[::-1]
    return out

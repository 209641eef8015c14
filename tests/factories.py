"""Builders for test data: a small, fully known municipality on any backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache

import shapely

from trygg.domain.enums import AreaLevel, OrgKind, Role
from trygg.domain.geo import to_sweref
from trygg.storage import users as user_store
from trygg.storage.database import Database
from trygg.storage.reports import insert_report
from trygg.storage.schema import Area, Organisation, User

# Four square districts of 0.02° × 0.01° around Trollhättan centre, in a 2×2 block.
AREA_BOXES = {
    "T001": ("Centrum", 4, (12.26, 58.28, 12.28, 58.29), 4000),
    "T002": ("Kronogården", 1, (12.28, 58.28, 12.30, 58.29), 3000),
    "T003": ("Sylte", 2, (12.26, 58.27, 12.28, 58.28), 2500),
    "T004": ("Halvorstorp", 5, (12.28, 58.27, 12.30, 58.28), 1500),
}
USERS = {  # username: (role, organisation key, sensitive clearance)
    "admin": (Role.ADMIN, "kommun", True),
    "samordnare": (Role.COORDINATOR, "kommun", True),
    "analytiker": (Role.POLICE_ANALYST, "polis", True),
    "rapportor": (Role.REPORTER, "bostad", False),
    "rapportor2": (Role.REPORTER, "skola", False),
    "lasare": (Role.VIEWER, "bostad", False),
    "signatar": (Role.SIGNATORY, "kommun", False),
    "kc": (Role.KONTAKTCENTER, "kommun", False),
}


def password_of(username: str) -> str:
    return f"pw-{username}-test"


@cache
def password_hash(username: str) -> str:
    """argon2id is slow on purpose; hash each test password once per test run."""
    return user_store.hash_password(password_of(username))


@dataclass
class World:
    area_ids: dict[str, int] = field(default_factory=dict)
    org_ids: dict[str, int] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    report_ids: list[int] = field(default_factory=list)


def seed_world(db: Database) -> World:
    w = World()
    with db.session() as s:
        muni = shapely.box(12.26, 58.27, 12.30, 58.29)
        m = Area(code="1488", name="Trollhättan", level=AreaLevel.MUNICIPALITY, population=11000,
                 geom=shapely.MultiPolygon([muni]), centroid_lon=12.28, centroid_lat=58.28)
        s.add(m)
        s.flush()
        w.area_ids["muni"] = m.id
        for code, (name, typ, box, pop) in AREA_BOXES.items():
            poly = shapely.box(*box)
            a = Area(code=code, name=name, level=AreaLevel.REGSO, parent_id=m.id, population=pop,
                     area_type=typ, vulnerable=typ <= 2, police_class="utsatt område" if typ <= 2 else None,
                     geom=shapely.MultiPolygon([poly]), centroid_lon=poly.centroid.x,
                     centroid_lat=poly.centroid.y)
            s.add(a)
            s.flush()
            w.area_ids[code] = a.id
        for key, name, kind in [("kommun", "Trollhättans Stad", OrgKind.MUNICIPALITY),
                                ("polis", "Polisen LPO Trollhättan", OrgKind.POLICE),
                                ("bostad", "Eidar", OrgKind.HOUSING),
                                ("skola", "Utbildningsförvaltningen", OrgKind.SCHOOL),
                                ("vakt", "Vaktbolaget", OrgKind.GUARD)]:
            org = Organisation(name=name, short_name=key, kind=kind, shares_details=key != "skola")
            s.add(org)
            s.flush()
            w.org_ids[key] = org.id
        for username, (role, org_key, clearance) in USERS.items():
            u = User(username=username, password_hash=password_hash(username), role=str(role),
                     organisation_id=w.org_ids[org_key], display_name=username.capitalize(),
                     sensitive_clearance=clearance)
            s.add(u)
            s.flush()
            w.user_ids[username] = u.id
        base = datetime(2024, 5, 3, 22, 0, tzinfo=UTC)
        samples = [("vandalism", "T001", "bostad", "rapportor"), ("disorder", "T002", "bostad", "rapportor"),
                   ("sexual_harassment", "T002", "skola", "rapportor2"), ("littering", "T003", "skola", "rapportor2"),
                   ("violence", "T004", "polis", "analytiker"), ("unsafe_place", "T001", "kommun", "samordnare")]
        for i, (cat, area, org_key, reporter) in enumerate(samples):
            name, _typ, box, _pop = AREA_BOXES[area]
            lon, lat = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            x, y = to_sweref(lon, lat)
            r = insert_report(s, category=cat, description=f"Testrapport {i}", lon=lon, lat=lat, x=x, y=y,
                              precision="exact", area_id=w.area_ids[area], occurred_from=base - timedelta(days=i),
                              insecurity=3, organisation_id=w.org_ids[org_key],
                              reporter_id=w.user_ids[reporter], source="est", status="received")
            w.report_ids.append(r.id)
    return w

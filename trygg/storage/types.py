"""Column types that differ by backend: geometry is PostGIS on PostgreSQL and WKT text on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import shapely
import shapely.wkb
import shapely.wkt
from geoalchemy2 import Geometry as PostGISGeometry
from geoalchemy2.elements import WKBElement, WKTElement
from sqlalchemy import DateTime, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class Geometry(TypeDecorator[shapely.Geometry]):
    """A shapely geometry: PostGIS ``geometry(type, srid)`` on PostgreSQL, WKT text on SQLite.

    The default Python SQLite build cannot load SpatiaLite, so spatial work on SQLite is done
    in shapely/NumPy; on PostgreSQL the column is a real PostGIS geometry with a GiST index.
    """

    impl = Text
    cache_ok = True

    def __init__(self, geometry_type: str = "GEOMETRY", srid: int = 4326) -> None:
        super().__init__()
        self.geometry_type = geometry_type
        self.srid = srid
        # Read by geoalchemy2's PostGIS DDL hooks (GiST index creation).
        self.spatial_index = True
        self.use_N_D_index = False
        self.use_typmod: bool | None = None
        self.dimension = 2

    def load_dialect_impl(self, dialect: Dialect | None) -> TypeEngine[Any]:
        # geoalchemy2's DDL hooks ask with dialect=None whether this is a spatial column.
        if dialect is None or dialect.name == "postgresql":
            return dialect.type_descriptor(
                PostGISGeometry(self.geometry_type, srid=self.srid, spatial_index=True)
            ) if dialect is not None else PostGISGeometry(self.geometry_type, srid=self.srid)
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = shapely.wkt.loads(value)
        if dialect.name == "postgresql":
            return f"SRID={self.srid};{value.wkt}"
        return value.wkt

    def process_result_value(self, value: Any, dialect: Dialect) -> shapely.Geometry | None:
        if value is None:
            return None
        if isinstance(value, WKBElement):
            return shapely.wkb.loads(bytes(value.data))
        if isinstance(value, WKTElement):
            return shapely.wkt.loads(value.data.split(";", 1)[-1])
        if isinstance(value, bytes | memoryview):
            return shapely.wkb.loads(bytes(value))
        text = str(value)
        if text[:1] in "0123456789ABCDEFabcdef" and not text.startswith(("POINT", "POLY", "MULTI")):
            try:
                return shapely.wkb.loads(text, hex=True)
            except shapely.errors.GEOSException:
                pass
        return shapely.wkt.loads(text.split(";", 1)[-1])


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime, stored as UTC on both backends and returned aware (UTC).

    SQLite has no time zones: values are stored as naive UTC and given back their UTC zone.
    A naive datetime handed in is taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

"""The Open311 GeoReport v2 server (``/open311/v2/``): see `trygg.web.open311.routes`."""

from trygg.web.open311.routes import router

__all__ = ["router"]

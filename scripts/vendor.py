"""Copy the browser libraries installed by npm into trygg/web/static/vendor (served by Trygg)."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "frontend" / "node_modules"
VENDOR = ROOT / "trygg" / "web" / "static" / "vendor"
FILES = {
    "leaflet": ["dist/leaflet.js", "dist/leaflet.css", "dist/images"],
    "leaflet.markercluster": ["dist/leaflet.markercluster.js", "dist/MarkerCluster.css",
                              "dist/MarkerCluster.Default.css"],
    "chart.js": ["dist/chart.umd.js"],
    "htmx": ["dist/htmx.min.js"],
    "swagger-ui": ["swagger-ui-bundle.js", "swagger-ui.css"],  # /api/docs
}
PACKAGE_DIR = {"htmx": "htmx.org", "swagger-ui": "swagger-ui-dist"}


def main() -> None:
    for name, files in FILES.items():
        target = VENDOR / name
        target.mkdir(parents=True, exist_ok=True)
        for rel in files:
            src = NODE / PACKAGE_DIR.get(name, name) / rel
            if not src.exists():
                raise SystemExit(f"{src} is missing: run 'npm ci' in frontend/ (scripts/setup does).")
            dst = target / Path(rel).name
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True)
            else:
                shutil.copy2(src, dst)
    print(f"vendor libraries in {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""The walk report PDF: a real PDF with the map image and the photos."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from PIL import Image

from tests.factories import seed_world
from trygg.fieldwork import walks
from trygg.reports.walk_pdf import walk_map_png, walk_report_pdf
from trygg.storage import fieldwork as store
from trygg.storage.database import Database
from trygg.storage.schema import User


def test_the_walk_pdf_holds_the_map_and_every_photo(sqlite_database: Database) -> None:
    world = seed_world(sqlite_database)
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buf, "JPEG")
    with sqlite_database.session() as s:
        user = s.get(User, world.user_ids["samordnare"])
        assert user is not None
        walk = walks.plan_walk(s, user, title="Rond", planned_for=datetime(2024, 5, 3, 19, tzinfo=UTC),
                               route=[[12.262, 58.285], [12.278, 58.285]])
        photo = walks.Photo("image/jpeg", 64, 48, buf.getvalue())
        walks.record_observation(s, user, walk, key="pdf-key-0001", item="lighting", lon=12.27, lat=58.285,
                                 note="Mörk passage", photos=[photo])
        walks.record_observation(s, user, walk, key="pdf-key-0002", item="graffiti", lon=12.275, lat=58.2852)
        loaded = store.walk_with_details(s, walk.id)
        assert loaded is not None
        png = walk_map_png(loaded)
        pdf = walk_report_pdf(loaded, lang="sv", gettext=lambda m, **kw: m.format(**kw) if kw else m)
    assert png.startswith(b"\x89PNG") and Image.open(io.BytesIO(png)).size[0] > 600
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) >= 2  # the map and the photo

"""Uploaded photos lose their EXIF (GPS position included) in every accepted format, and anything
that is not a photo is refused with a clear message (the sanitiser is trygg.web.uploads)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from trygg.errors import ValidationError
from trygg.web.uploads import sanitise_image

GPS_IFD = 0x8825


def _photo_with_gps(fmt: str) -> bytes:
    img = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (58.0, 17.0, 0.0), 3: "E", 4: (12.0, 17.0, 0.0)}
    buf = io.BytesIO()
    img.save(buf, format=fmt, exif=exif)
    data = buf.getvalue()
    assert GPS_IFD in Image.open(io.BytesIO(data)).getexif(), "the test photo carries GPS"
    return data


@pytest.mark.parametrize("fmt,mime", [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_gps_and_all_exif_are_removed(fmt: str, mime: str) -> None:
    clean = sanitise_image(_photo_with_gps(fmt), max_bytes=5 * 1024 * 1024)
    assert clean.mime == mime
    out = Image.open(io.BytesIO(clean.content))
    assert dict(out.getexif()) == {}
    assert b"PhoneMaker" not in clean.content and "exif" not in out.info


@pytest.mark.parametrize("data,why", [(b"%PDF-1.4 not a photo", "readable"), (b"", "empty"),
                                      (b"GIF89a" + b"\x00" * 20, "readable")])
def test_other_files_are_refused_with_a_clear_message(data: bytes, why: str) -> None:
    with pytest.raises(ValidationError) as info:
        sanitise_image(data, max_bytes=1024)
    assert why in info.value.message and "photos" in info.value.fields


def test_too_large_files_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        sanitise_image(_photo_with_gps("PNG"), max_bytes=100)
    assert "too large" in info.value.message

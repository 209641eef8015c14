"""Photo uploads: check the real type, size and dimensions, re-encode, strip every bit of metadata.

`sanitise_image(data, max_bytes)` accepts JPEG, PNG and WebP recognised by their *content* (not the
file name or the browser's Content-Type), refuses anything larger than ``max_bytes`` or with more
than `MAX_PIXELS` pixels (decompression bombs), applies the EXIF orientation, scales down to at
most `MAX_SIDE` pixels on the longest side and re-encodes from the pixels alone: EXIF (including
GPS position), XMP, ICC profiles and comments are gone. Used by the report form and by field work.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from trygg.errors import ValidationError

ALLOWED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_SIDE = 2048
MAX_PIXELS = 40_000_000
MAX_PHOTOS = 4


@dataclass(frozen=True)
class CleanImage:
    mime: str
    width: int
    height: int
    content: bytes


def sanitise_image(data: bytes, max_bytes: int, field: str = "photos") -> CleanImage:
    """A cleaned copy of an uploaded image; ValidationError(fields={field: …}) when refused."""
    if not data:
        raise ValidationError("The photo is empty.", fields={field: "the file is empty"})
    if len(data) > max_bytes:
        mib = max_bytes / (1024 * 1024)
        raise ValidationError("The photo is too large.", fields={field: f"at most {mib:g} MiB per photo"})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            fmt = probe.format or ""
            if fmt not in ALLOWED:
                raise ValidationError("The file is not a photo we accept.",
                                      fields={field: "only JPEG, PNG or WebP images"})
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError("The photo has too many pixels.",
                                      fields={field: f"at most {MAX_PIXELS // 1_000_000} megapixels"})
            probe.verify()
            img: Image.Image = Image.open(io.BytesIO(data))
            img.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        raise ValidationError("The file is not a readable image.",
                              fields={field: "only JPEG, PNG or WebP images"}) from None
    img = ImageOps.exif_transpose(img)
    img.thumbnail((MAX_SIDE, MAX_SIDE))
    has_alpha = img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info)
    clean = Image.new("RGBA" if has_alpha else "RGB", img.size)
    clean.paste(img.convert("RGBA" if has_alpha else "RGB"))
    out = io.BytesIO()
    if fmt == "PNG":
        clean.save(out, format="PNG", optimize=True)
    elif fmt == "WEBP":
        clean.save(out, format="WEBP", quality=85)
    else:
        clean.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    return CleanImage(ALLOWED[fmt], clean.width, clean.height, out.getvalue())

"""Read an uploaded .xlsx safely: hardened XML, bounded unpacking, and a 422 with the reason for a bad file.

An .xlsx is a zip of XML parts. A hostile file can declare XML entities in a part (an *external
entity* that reads a server file, or *billion laughs* that expands to gigabytes), hide a zip bomb,
or simply be cut off or not be a zip at all. Trygg reads workbooks with openpyxl, which parses
with `defusedxml` when it is installed (it is a dependency): entity declarations and external
references are refused by the parser itself. This module checks that hardening is in place, bounds
the unpacked size, and turns every way a file can be bad into a `ValidationError` on the field
``file`` naming the reason, never a 500.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import TypeVar
from xml.etree.ElementTree import ParseError

from trygg.errors import ConfigError, ValidationError

T = TypeVar("T")

MAX_UNPACKED = 400 * 1024 * 1024  # bytes of all parts together, unpacked
MAX_PARTS = 10_000


def _bad(reason: str) -> ValidationError:
    return ValidationError(f"The Excel file cannot be read: {reason}.", fields={"file": reason},
                           hint="Save the sheet again from Excel or LibreOffice as .xlsx, or export it as CSV.")


def check_archive(content: bytes) -> None:
    """Refuse what is not a zip, a zip that unpacks to more than `MAX_UNPACKED`, or no workbook."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise _bad("it is not an .xlsx file (not a zip archive)") from None
    if len(infos) > MAX_PARTS or sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise _bad(f"it unpacks to more than {MAX_UNPACKED // (1024 * 1024)} MB")
    if not any(i.filename == "xl/workbook.xml" for i in infos):
        raise _bad("it is a zip archive but holds no Excel workbook (xl/workbook.xml)")


def hardened() -> bool:
    """True when openpyxl parses with defusedxml (no entities, no external references)."""
    import openpyxl

    return bool(getattr(openpyxl, "DEFUSEDXML", False))


def read_guarded(content: bytes, read: Callable[[bytes], T]) -> T:
    """`read(content)` of a checked archive, with every parse failure turned into a 422 with its reason."""
    from defusedxml import DefusedXmlException

    if not hardened():
        raise ConfigError("Excel import needs the defusedxml package (hardened XML parsing).",
                          hint="Install it: pip install defusedxml.")
    check_archive(content)
    try:
        return read(content)
    except (DefusedXmlException, ParseError, zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError,
            AttributeError, OSError, EOFError, RuntimeError) as exc:
        raise _bad(_reason(exc)) from None


def _reason(exc: BaseException) -> str:
    """What went wrong, from the innermost cause (openpyxl wraps parse errors in a ValueError)."""
    from defusedxml import DefusedXmlException

    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for e in chain:
        if isinstance(e, DefusedXmlException):
            return (f"it declares XML entities or external references ({type(e).__name__}), which Excel "
                    "never writes")
    for e in chain:
        if isinstance(e, ParseError):
            return f"its XML is broken or cut off ({e})"
        if isinstance(e, zipfile.BadZipFile):
            return f"the zip archive is damaged ({e})"
        if isinstance(e, KeyError):
            return f"a part of the workbook is missing ({e})"
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"it is not a well-formed workbook ({type(exc).__name__}: {first_line[:120]})"

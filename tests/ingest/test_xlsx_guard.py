"""Hostile or broken .xlsx files answer a clear 422 naming the reason, never a 500, and read nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from trygg.errors import ValidationError
from trygg.ingest import open_importer, xlsx_guard

XXE = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">
<si><t>category</t></si><si><t>&xxe;</t></si></sst>"""
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">
<si><t>category</t></si><si><t>&lol5;</t></si></sst>"""
TRUNCATED = """<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">
<si><t>category</t></si><si><t>vanda"""


SST = """<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">
<si><t>category</t></si><si><t>description</t></si><si><t>vandalism</t></si><si><t>Krossad ruta</t></si></sst>"""
SHEET = """<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>
<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>
</sheetData></worksheet>"""
MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{MAIN}.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{MAIN}.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="{MAIN}.sharedStrings+xml"/></Types>""",
    "_rels/.rels": f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>""",
    "xl/workbook.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{REL}">
<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>""",
    "xl/_rels/workbook.xml.rels": f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>""",
    "xl/worksheets/sheet1.xml": SHEET,
    "xl/sharedStrings.xml": SST,
}


def workbook_bytes() -> bytes:
    """A small workbook with shared strings, as Excel writes it (openpyxl itself writes inline strings)."""
    return _zip(PARTS)


def with_part(content: bytes, name: str, data: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, data.encode() if info.filename == name else src.read(info.filename))
    return out.getvalue()


def test_a_sound_workbook_is_read() -> None:
    importer = open_importer(workbook_bytes(), "excel")
    assert importer.headers == ["category", "description"]  # type: ignore[attr-defined]
    assert importer.size() == 1


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("external entity", lambda: with_part(workbook_bytes(), "xl/sharedStrings.xml", XXE), "XML entities"),
    ("billion laughs", lambda: with_part(workbook_bytes(), "xl/sharedStrings.xml", LAUGHS), "XML entities"),
    ("entity in the sheet", lambda: with_part(workbook_bytes(), "xl/worksheets/sheet1.xml", XXE), "XML entities"),
    ("truncated XML", lambda: with_part(workbook_bytes(), "xl/sharedStrings.xml", TRUNCATED), "broken or cut off"),
    ("non-zip bytes", lambda: b"category;description\nvandalism;x\n" * 10, "not a zip archive"),
    ("cut-off zip", lambda: workbook_bytes()[:700], "not a zip archive"),
    ("zip without a workbook", lambda: _zip({"a.txt": "hej"}), "no Excel workbook"),
])
def test_a_hostile_or_broken_file_is_a_422_with_its_reason(name: str, content, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as err:
        open_importer(content(), "excel", filename=f"{name}.xlsx")
    assert err.value.status_code == 422
    assert reason in err.value.fields["file"], err.value.fields
    assert "root:" not in str(err.value)  # nothing of /etc/passwd


def _zip(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_unpacking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_guard, "MAX_UNPACKED", 1000)
    with pytest.raises(ValidationError, match="unpacks to more than"):
        open_importer(with_part(workbook_bytes(), "xl/sharedStrings.xml", "<sst>" + " " * 5000 + "</sst>"), "excel")


def test_openpyxl_parses_with_defusedxml() -> None:
    assert xlsx_guard.hardened()


def test_the_web_import_answers_422_with_the_reason(api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = api("admin")
    bad = with_part(workbook_bytes(), "xl/sharedStrings.xml", LAUGHS)
    r = c.post("/api/v1/imports", data={"fmt": "excel", "dry_run": "true"},
               files={"file": ("lol.xlsx", bad, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    assert r.status_code == 422, r.text
    assert "XML entities" in r.json()["error"]["details"]["file"]
    r = c.post("/api/v1/imports", data={"fmt": "excel", "dry_run": "true"},
               files={"file": ("x.xlsx", b"\x00\x01 not a zip", "application/octet-stream")})
    assert r.status_code == 422 and "not a zip" in r.json()["error"]["details"]["file"]

"""The texts stored in the demo database, for the language scan to tell data from the app's own words."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

from tests.web.language_scan import DataTexts

#: Columns of the demo that hold codes or vocabulary shown through a translated label, not data.
NOT_DATA = {("areas", "police_class"), ("indicators", "unit")}
SKIP_COLUMNS = {"password_hash", "hash", "prev_hash", "geom", "public_id", "token", "token_hash", "secret"}


def demo_texts(db_path: Path) -> DataTexts:
    texts: set[str] = set()
    con = sqlite3.connect(str(db_path))
    try:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for _cid, column, ctype, *_rest in con.execute(f'PRAGMA table_info("{table}")'):
                if not str(ctype).upper().startswith(("VARCHAR", "TEXT", "JSON")) or column in SKIP_COLUMNS \
                        or (table, column) in NOT_DATA or column.endswith(("_hash", "_id", "_secret")):
                    continue
                for (value,) in con.execute(f'SELECT DISTINCT "{column}" FROM "{table}" '
                                            f'WHERE length("{column}") BETWEEN 2 AND 300'):
                    texts.add(" ".join(str(value).split()))
                    if str(value).startswith("["):  # a JSON list of names (e.g. a walk's guests)
                        with contextlib.suppress(ValueError):
                            texts.update(" ".join(str(v).split()) for v in json.loads(value) if isinstance(v, str))
    finally:
        con.close()
    return DataTexts(texts)

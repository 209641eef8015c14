"""Streamed CSV: the chunks join to exactly what one csv.writer would write."""

from __future__ import annotations

import csv
import doctest
import io

from trygg.reports import csv_stream
from trygg.reports.csv_stream import csv_chunks


def test_chunks_join_to_the_whole_table_with_bom_and_quoting() -> None:
    rows = [[i, f"Rad {i}, med komma och \"citat\"", "åäö"] for i in range(5000)]
    chunks = list(csv_chunks(["id", "text", "ord"], rows, bom=True))
    assert len(chunks) > 1  # streamed, not built in one piece
    expected = io.StringIO()
    expected.write("\ufeff")
    writer = csv.writer(expected)
    writer.writerow(["id", "text", "ord"])
    writer.writerows(rows)
    assert "".join(chunks) == expected.getvalue()


def test_an_empty_export_is_just_the_header() -> None:
    assert "".join(csv_chunks(["a"], [], lineterminator="\n")) == "a\n"


def test_docstring_examples_run() -> None:
    assert doctest.testmod(csv_stream).failed == 0

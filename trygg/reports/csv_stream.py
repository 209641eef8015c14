"""CSV streamed in chunks, for exports of any size (reports, lägesbild, audit log)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

CHUNK_CHARS = 64_000


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False,
               lineterminator: str = "\r\n") -> Iterator[str]:
    """The header and `rows` as CSV text, yielded about every 64,000 characters.

    `bom` starts the text with a UTF-8 byte-order mark so that Excel reads Swedish letters right.

    >>> "".join(csv_chunks(["a", "b"], [[1, "x,y"]], lineterminator="\\n"))
    'a,b\\n1,"x,y"\\n'
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=lineterminator)
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

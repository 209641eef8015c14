"""Streamed exports that audit exactly the sensitive details a client was sent.

An export of reports is streamed in chunks; a client may stop reading after any of them. Every
sensitive report (``read_sensitive``) must be in the audit trail if — and only if — it went out.
The row generator notes each sensitive report in a `SentLedger` as it produces it;
`SentLedger.track` closes the ledger's current chunk whenever the stream hands a chunk on, so each
chunk knows the reports in it. `AuditedStreamingResponse` counts the chunks actually handed to the
server for sending and, when the stream ends — finished, cut off by the client, or failed —
records the sensitive reports of those chunks, in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse
from starlette.types import Message, Receive, Scope, Send

from trygg.storage import audit
from trygg.storage.database import Database

Read = tuple[int, str]  # report id, category


class SentLedger:
    """The sensitive reports of each chunk of a stream, in order."""

    def __init__(self) -> None:
        self._pending: list[Read] = []
        self._chunks: list[list[Read]] = []

    def note(self, report_id: int, category: str) -> None:
        """A sensitive report was written into the chunk being built."""
        self._pending.append((report_id, category))

    def track(self, chunks: Iterable[str]) -> Generator[str, None, None]:
        """`chunks`, each closing the ledger's current chunk as it is handed on."""
        for chunk in chunks:
            self._chunks.append(self._pending)
            self._pending = []
            yield chunk

    def reads_in(self, n_chunks: int) -> list[Read]:
        """The sensitive reports of the first `n_chunks` chunks."""
        return [read for chunk in self._chunks[:n_chunks] for read in chunk]


def record_reads(db: Database, user_id: int, reads: list[Read], via: str) -> int:
    """One ``read_sensitive`` entry per report sent, committed in a transaction of its own."""
    with db.session() as s:
        return audit.record_many(s, user_id, "read_sensitive", "report",
                                 [(report_id, {"category": category, "via": via}) for report_id, category in reads])


class AuditedStreamingResponse(StreamingResponse):
    """A streamed download whose sensitive rows are audited as far as they were sent."""

    def __init__(self, chunks: Iterable[str], *, ledger: SentLedger, db: Database, user_id: int, via: str,
                 **kwargs: Any) -> None:
        self._source = ledger.track(chunks)
        super().__init__(self._source, **kwargs)
        self.ledger, self.db, self.user_id, self.via = ledger, db, user_id, via
        self.chunks_sent = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counting_send(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and message.get("more_body", False):
                self.chunks_sent += 1

        try:
            await super().__call__(scope, receive, counting_send)
        finally:
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(self._finish)

    def _finish(self) -> None:
        self._source.close()  # a client that stopped early: end the row query now, not at garbage collection
        reads = self.ledger.reads_in(self.chunks_sent)
        if reads:
            record_reads(self.db, self.user_id, reads, self.via)

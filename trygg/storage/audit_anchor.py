"""Anchors of the audit trail: its head (sequence number, time, MAC) written to a file kept elsewhere.

The keyed chain (`trygg.storage.audit`) shows any edit of an entry, but not a cut: deleting the
last entries leaves a shorter chain that is still whole. An anchor records the head at one moment;
``trygg audit verify --anchor FILE`` then fails when the trail no longer reaches that head with
that MAC. The anchor carries its own MAC under the audit key, so it cannot be forged without it.

Keep anchors where whoever can change the database cannot change them: another machine, a
write-once share, the backup system, a ticket or an e-mail to the data protection officer. The
server writes one every ``TRYGG_AUDIT_ANCHOR_MINUTES`` to ``TRYGG_AUDIT_ANCHOR_PATH`` by calling
`write_anchor`; ``trygg audit anchor --output FILE`` writes one by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg.errors import ValidationError
from trygg.storage import audit
from trygg.storage.database import Database
from trygg.storage.schema import AuditEntry, utcnow

FORMAT = "trygg-audit-anchor/1"


@dataclass(frozen=True)
class Anchor:
    """The head of the audit trail at one moment."""

    sequence: int  # the id of the last entry
    at: str  # its time (ISO 8601, UTC)
    mac: str  # its hash (an HMAC under the audit key)
    entries: int  # how many entries the trail had
    keyed_from: int  # where the keyed chain starts (0: from the first entry)
    key_id: str  # which key (never the key itself)
    written_at: str
    anchor_mac: str = ""  # HMAC of the fields above under the audit key

    def body(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "anchor_mac"}

    def signed(self, key: bytes) -> Anchor:
        return Anchor(**{**self.body(), "anchor_mac": _sign(key, self.body())})

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self)}, indent=2, sort_keys=True) + "\n"


def _sign(key: bytes, body: dict[str, Any]) -> str:
    payload = json.dumps({"format": FORMAT, **body}, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def head_anchor(session: Session, key: bytes | None = None) -> Anchor:
    """The anchor of the trail's current head; starts the keyed chain first when it is not keyed yet.

    Runs in the caller's transaction (which it may write to: the chain's marker); commit it.
    """
    key = key if key is not None else audit.key_of(session)
    state = audit.chain_state(session)
    last = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    if state is None or last is None or (state.keyed_from and last.id < state.keyed_from):
        audit.record(session, None, "anchor_start", "audit_log", "", {"reason": "the trail had no keyed head"})
        state = audit.chain_state(session)
        last = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert state is not None and last is not None
    audit.check_key(session, key)
    entries = int(session.scalar(select(func.count(AuditEntry.id))) or 0)
    return Anchor(sequence=last.id, at=last.at.isoformat(timespec="microseconds"), mac=last.hash,
                  entries=entries, keyed_from=state.keyed_from, key_id=state.key_id,
                  written_at=utcnow().isoformat(timespec="seconds")).signed(key)


def write_anchor(db: Database, path: str | Path, key: bytes | None = None) -> Anchor:
    """Write the current head's anchor to `path` (atomically: a reader never sees half a file).

    The server calls this on a timer (``TRYGG_AUDIT_ANCHOR_PATH``); it is also a plain function for
    a job runner or a cron job.
    """
    with db.session() as session:
        anchor = head_anchor(session, key if key is not None else db.audit_key)
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".anchor-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(anchor.to_json())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return anchor


def read_anchor(path: str | Path, key: bytes) -> Anchor:
    """The anchor in `path`; ValidationError when it is not one or its MAC does not match `key`."""
    try:
        raw = json.loads(Path(path).expanduser().read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError(f"The anchor file {path} cannot be read: {exc}.",
                              fields={"anchor": "a file written by 'trygg audit anchor'"}) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ValidationError(f"{path} is not a Trygg audit anchor.", fields={"anchor": f"format {FORMAT}"})
    try:
        anchor = Anchor(sequence=int(raw["sequence"]), at=str(raw["at"]), mac=str(raw["mac"]),
                        entries=int(raw["entries"]), keyed_from=int(raw["keyed_from"]), key_id=str(raw["key_id"]),
                        written_at=str(raw["written_at"]), anchor_mac=str(raw["anchor_mac"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"The anchor {path} lacks a field: {exc}.", fields={"anchor": "incomplete"}) from None
    if anchor.key_id != audit.key_id(key):
        raise ValidationError(f"The anchor was made with another audit key (id {anchor.key_id}, this key is "
                              f"{audit.key_id(key)}).", fields={"anchor": "another key"})
    if not hmac.compare_digest(anchor.anchor_mac, _sign(key, anchor.body())):
        raise ValidationError("The anchor's own MAC does not match: the file was altered.",
                              fields={"anchor": "altered"})
    return anchor

"""Building e-mails (standard library `email`) and delivering them: SMTP (`smtplib`) or an mbox file.

`SmtpTransport` talks to a real SMTP server with STARTTLS, implicit TLS or none, and a login when a
user is set. `MboxTransport` appends the messages to a local mbox file instead (the demo, and any
installation without an SMTP host that sets ``TRYGG_MAIL_FILE``). A refusal with a 5xx code is
permanent (`PermanentError`: the row is marked failed at once); anything else is retried.
"""

from __future__ import annotations

import fcntl
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

from trygg.domain import clock

#: Headers are not folded below the SMTP limit, so a long Message-ID stays on one line.
HEADERS = policy.SMTP.clone(max_line_length=998)


class PermanentError(Exception):
    """The server refused the message for good (bad address, policy): retrying will not help."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "pdf"


def build_message(*, sender: str, recipient: str, subject: str, body: str, message_id: str, lang: str,
                  created: datetime, attachment: Attachment | None = None) -> EmailMessage:
    """A MIME message with the row's fixed Message-ID, so a resend is folded by mail clients."""
    msg = EmailMessage(policy=HEADERS)
    msg["From"] = sender
    msg["To"] = recipient
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(created)
    msg["Content-Language"] = lang
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body)
    if attachment is not None:
        msg.add_attachment(attachment.content, maintype=attachment.maintype, subtype=attachment.subtype,
                           filename=attachment.filename)
    return msg


class Transport(Protocol):
    def send(self, msg: EmailMessage) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    user: str = ""
    password: str = ""
    tls: str = "starttls"  # starttls | tls | none
    timeout: float = 20.0


class SmtpTransport:
    """One SMTP connection per round of the sender, opened on the first message."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        smtp: smtplib.SMTP
        if c.tls == "tls":
            smtp = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            if c.tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if c.user:
            smtp.login(c.user, c.password)
        return smtp

    def send(self, msg: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentError(f"refused: {exc.recipients}") from exc
            raise
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            self.close()
            if 500 <= exc.smtp_code < 600:
                raise PermanentError(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
            raise
        except (smtplib.SMTPException, OSError):
            self.close()
            raise
        if refused:
            raise PermanentError(f"refused: {refused}")

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


class MboxTransport:
    """Appends each message to an mbox file (with a lock: several senders may share it)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def send(self, msg: EmailMessage) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = msg.as_bytes(policy=msg.policy.clone(linesep="\n"))
        escaped = b"\n".join((b">" + line if line.startswith(b"From ") else line) for line in text.split(b"\n"))
        with self.path.open("ab") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.write(b"From trygg " + clock.local_now().strftime("%a %b %d %H:%M:%S %Y").encode() + b"\n")
            fh.write(escaped.rstrip(b"\n") + b"\n\n")
            fh.flush()
            fcntl.flock(fh, fcntl.LOCK_UN)

    def close(self) -> None:
        return None

"""The web side of notifications: the texts of e-mails (translations, public address) from the
settings, the transport they configure, and the sender thread that runs inside ``trygg serve``."""

from __future__ import annotations

from fastapi import Request

from trygg.config import Settings
from trygg.notify.mailer import MboxTransport, SmtpConfig, SmtpTransport, Transport
from trygg.notify.messages import MailTexts
from trygg.notify.sender import SenderThread
from trygg.storage.database import Database
from trygg.web.i18n import gettext_for


def mail_texts_for(settings: Settings) -> MailTexts:
    domain = settings.smtp_from.rpartition("@")[2] or "localhost"
    return MailTexts(translate=gettext_for, public_url=settings.public_url, domain=domain)


def mail_texts(request: Request) -> MailTexts:
    return mail_texts_for(request.app.state.settings)


def transport_factory(settings: Settings) -> type[Transport] | None:
    """Whether the settings configure a way to deliver mail (SMTP host, else a mail file)."""
    if settings.smtp_host:
        return SmtpTransport
    if settings.mail_file:
        return MboxTransport
    return None


def make_transport(settings: Settings) -> Transport:
    if settings.smtp_host:
        return SmtpTransport(SmtpConfig(host=settings.smtp_host, port=settings.smtp_port, user=settings.smtp_user,
                                        password=settings.smtp_password, tls=settings.smtp_tls))
    if settings.mail_file:
        return MboxTransport(settings.mail_file)
    raise RuntimeError("No SMTP host and no mail file are set.")


def sender_thread(settings: Settings, database: Database) -> SenderThread | None:
    """The sender of ``trygg serve``; None when nothing can be delivered or the interval is 0."""
    if transport_factory(settings) is None or settings.notify_interval <= 0:
        return None
    from trygg.domain.clock import today

    return SenderThread(database, lambda: make_transport(settings), sender_address=settings.smtp_from,
                        texts=mail_texts_for(settings), interval=float(settings.notify_interval), today=today)

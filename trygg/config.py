"""Every setting once: its name, default and help. Read from the environment, validated at start-up.

Settings are read from ``TRYGG_<NAME>`` environment variables. ``docs/configuration.md`` lists them
all; a test fails if a setting is missing there.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

from trygg.errors import ConfigError

DEFAULT_DB = "trygg.db"


def _env(name: str, default: str) -> str:
    return os.environ.get(f"TRYGG_{name.upper()}", default)


@dataclass(frozen=True)
class Settings:
    database_url: str = field(
        default=DEFAULT_DB,
        metadata={"help": "SQLite file path or database URL (sqlite:///path, postgresql://user@host/db)."},
    )
    secret_key: str = field(
        default="",
        metadata={"help": "Secret for signing cookies and tokens. Generated and kept in a file beside "
                          "a SQLite database when empty."},
    )
    tile_url: str = field(
        default="",
        metadata={"help": "Basemap tile URL template ({z}/{x}/{y}); empty = no basemap (works offline)."},
    )
    default_language: str = field(default="sv", metadata={"help": "Interface language: sv or en."})
    municipality_code: str = field(default="1488", metadata={"help": "SCB municipality code."})
    municipality_name: str = field(default="Trollhättan", metadata={"help": "Municipality name."})
    kontaktcenter_address: str = field(
        default="Gärdhemsvägen 9, 461 83 Trollhättan",
        metadata={"help": "Kontaktcenter visiting address shown to residents (an administrator can "
                          "change it at /admin/municipality)."},
    )
    kontaktcenter_hours: str = field(
        default="08:00-16:30",
        metadata={"help": "Kontaktcenter opening hours Monday–Friday, HH:MM-HH:MM; closed on "
                          "Swedish public holidays (an administrator can change them at /admin/municipality)."},
    )
    public_url: str = field(
        default="http://127.0.0.1:8000",
        metadata={"help": "The address residents and partners reach Trygg at: links in e-mails and the "
                          "set-password links printed by the command line start with it "
                          "(e.g. https://trygg.vanersborg.se)."},
    )
    session_idle_minutes: int = field(default=30, metadata={"help": "Idle timeout of a login session."})
    session_absolute_hours: int = field(default=12, metadata={"help": "Absolute lifetime of a session."})
    secure_cookies: str = field(
        default="auto",
        metadata={"help": "Mark cookies Secure (sent over HTTPS only): true, false, or auto = true except "
                          "in the plain-http demo (TRYGG_DEMO)."},
    )
    trusted_proxies: str = field(
        default="",
        metadata={"help": "Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: IP "
                          "addresses or networks, comma-separated (e.g. 127.0.0.1,10.0.0.0/8). Empty: the "
                          "headers are ignored and the connecting address is the client."},
    )
    require_totp: bool = field(
        default=True,
        metadata={"help": "Require a TOTP second factor for administrators and signatories "
                          "(always off in demo mode)."},
    )
    public_rate_limit: int = field(
        default=10, metadata={"help": "Resident reports / Open311 posts per client IP per hour."}
    )
    publication_settling_days: int = field(
        default=14,
        metadata={"help": "Days after a month has closed before its public figures are published "
                          "(late reports settle first); later changes need a republication."},
    )
    public_read_rate_limit: int = field(
        default=60,
        metadata={"help": "Anonymous reads of public figures (/api/v1/public/…, /kontakt/nearby) per "
                          "client IP per minute."},
    )
    max_upload_mb: int = field(default=10, metadata={"help": "Largest accepted photo upload in MiB."})
    demo: bool = field(default=False, metadata={"help": "Show demo users on the login page."})
    audit_key: str = field(
        default="",
        metadata={"help": "Key of the audit trail's HMAC chain (keep it outside the database and its "
                          "backups). Empty: read from TRYGG_AUDIT_KEY_FILE, else a key file beside a SQLite "
                          "database (<db>.audit-key), else derived from TRYGG_SECRET_KEY."},
    )
    audit_key_file: str = field(
        default="", metadata={"help": "File holding the audit chain's key (one line), instead of TRYGG_AUDIT_KEY."}
    )
    audit_anchor_path: str = field(
        default="",
        metadata={"help": "File the server writes the audit trail's anchor (its head: sequence number, "
                          "time, MAC) to every TRYGG_AUDIT_ANCHOR_MINUTES; put it on storage the database "
                          "server cannot rewrite. Empty: no periodic anchor."},
    )
    audit_anchor_minutes: int = field(
        default=60, metadata={"help": "Minutes between two anchors written to TRYGG_AUDIT_ANCHOR_PATH."}
    )
    run_jobs: bool = field(
        default=True,
        metadata={"help": "Run background jobs (imports, PDFs, feed polls) in a worker loop inside each web "
                          "process; set false when separate `trygg worker` processes run them."},
    )
    today: str = field(
        default="",
        metadata={"help": "Pin the calendar (YYYY-MM-DD): the server runs as if today were this date, the "
                          "time of day running on. For tests and recorded demos; empty = the real date."},
    )
    case_days: int = field(
        default=5,
        metadata={"help": "Working days within which a routed case should be answered; older open cases are "
                          "flagged in the Kontaktcenter queue and the inbox (weekends and Swedish public "
                          "holidays do not count)."},
    )
    smtp_host: str = field(
        default="",
        metadata={"help": "SMTP server for e-mail notifications; empty = no e-mail is sent (the outbox keeps "
                          "them; the demo writes them to TRYGG_MAIL_FILE)."},
    )
    smtp_port: int = field(default=587, metadata={"help": "SMTP server port (587 submission, 465 TLS, 25)."})
    smtp_from: str = field(
        default="trygg@localhost",
        metadata={"help": "Sender address of notifications (also the domain of their Message-IDs)."},
    )
    smtp_user: str = field(default="", metadata={"help": "SMTP user name; empty = no login."})
    smtp_password: str = field(default="", metadata={"help": "SMTP password (with TRYGG_SMTP_USER)."})
    smtp_tls: str = field(
        default="starttls",
        metadata={"help": "Encryption to the SMTP server: starttls, tls (implicit, port 465) or none."},
    )
    mail_file: str = field(
        default="",
        metadata={"help": "Without an SMTP host: append notifications to this mbox file instead of sending "
                          "(trygg demo uses <database>-mail.mbox). Empty and no SMTP host = keep them queued."},
    )
    notify_interval: int = field(
        default=30, metadata={"help": "Seconds between two rounds of the notification sender in trygg serve; "
                                      "0 = the server sends none (run trygg notify run instead)."},
    )

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = _env(f.name, "")
            if raw == "":
                continue
            if f.type in ("int", int):
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise ConfigError(
                        f"TRYGG_{f.name.upper()}={raw!r} is not a whole number.",
                        hint=f"Set it to a number, e.g. TRYGG_{f.name.upper()}={f.default}.",
                    ) from None
            elif f.type in ("bool", bool):
                values[f.name] = raw.lower() in ("1", "true", "yes", "on")
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    @property
    def cookies_secure(self) -> bool:
        """Whether cookies get the Secure flag (`secure_cookies`: true, false or auto)."""
        value = str(self.secure_cookies).strip().lower()
        if value in ("auto", ""):
            return not self.demo
        return value in ("1", "true", "yes", "on")

    def validate(self) -> None:
        if str(self.secure_cookies).strip().lower() not in ("auto", "", "1", "0", "true", "false", "yes", "no",
                                                            "on", "off"):
            raise ConfigError(f"TRYGG_SECURE_COOKIES={self.secure_cookies!r} is not true, false or auto.",
                              hint="Leave it unset (auto: Secure except in the plain-http demo).")
        try:
            proxy_networks(self.trusted_proxies)
        except ValueError as exc:
            raise ConfigError(f"TRYGG_TRUSTED_PROXIES={self.trusted_proxies!r}: {exc}.",
                              hint="Give IP addresses or networks, comma-separated: 127.0.0.1,10.0.0.0/8.") from None
        if self.default_language not in ("sv", "en"):
            raise ConfigError(
                f"TRYGG_DEFAULT_LANGUAGE={self.default_language!r} is not supported.",
                hint="Use sv or en.",
            )
        if self.publication_settling_days < 0:
            raise ConfigError(
                f"TRYGG_PUBLICATION_SETTLING_DAYS={self.publication_settling_days} is negative.",
                hint="Use 0 or more days, e.g. 14.",
            )
        if self.public_read_rate_limit < 1:
            raise ConfigError(
                f"TRYGG_PUBLIC_READ_RATE_LIMIT={self.public_read_rate_limit} must be at least 1.",
                hint="For example 60 (reads per client IP per minute).",
            )
        if self.today:
            try:
                date.fromisoformat(self.today)
            except ValueError:
                raise ConfigError(f"TRYGG_TODAY={self.today!r} is not a date.",
                                  hint="Use YYYY-MM-DD, e.g. TRYGG_TODAY=2026-11-23, or leave it empty.") from None
        if self.smtp_tls not in ("starttls", "tls", "none"):
            raise ConfigError(f"TRYGG_SMTP_TLS={self.smtp_tls!r} is not supported.",
                              hint="Use starttls, tls or none.")
        if self.case_days < 1:
            raise ConfigError(f"TRYGG_CASE_DAYS={self.case_days} must be at least 1.", hint="For example 5.")
        start, _, end = self.kontaktcenter_hours.partition("-")
        if not (len(start) == 5 and len(end) == 5 and start < end):
            raise ConfigError(
                f"TRYGG_KONTAKTCENTER_HOURS={self.kontaktcenter_hours!r} is not HH:MM-HH:MM.",
                hint="For example 08:00-16:30.",
            )

    def pinned_today(self) -> date | None:
        """The date of TRYGG_TODAY, or None."""
        return date.fromisoformat(self.today) if self.today else None

    def resolved_secret(self) -> str:
        """The secret key; for a SQLite database without one, a key kept in ``<db>.secret``."""
        if self.secret_key:
            return self.secret_key
        path = _sqlite_path(self.database_url)
        if path is not None:
            return _key_file(path.with_name(path.name + ".secret"))
        raise ConfigError(
            "TRYGG_SECRET_KEY is not set.",
            hint="Set TRYGG_SECRET_KEY to a long random string when using PostgreSQL.",
        )


def proxy_networks(value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The networks of TRYGG_TRUSTED_PROXIES (a bare address is a network of one)."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()]


def _sqlite_path(url: str) -> Path | None:
    if "://" not in url or url.startswith("sqlite"):
        return Path(url.split("///", 1)[-1] if "://" in url else url)
    return None


def _key_file(path: Path) -> str:
    """The key kept in `path`, made (random, owner-only) when the file does not exist yet."""
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(key)
        path.chmod(0o600)
    except OSError:
        pass
    return key


def resolve_audit_key(settings: Settings) -> bytes:
    """The audit chain's key: TRYGG_AUDIT_KEY, TRYGG_AUDIT_KEY_FILE, ``<db>.audit-key`` beside a SQLite
    database, else derived from TRYGG_SECRET_KEY (PostgreSQL)."""
    if settings.audit_key:
        return settings.audit_key.encode()
    if settings.audit_key_file:
        path = Path(settings.audit_key_file).expanduser()
        if not path.exists():
            raise ConfigError(f"TRYGG_AUDIT_KEY_FILE={path} does not exist.",
                              hint="Give the file that holds the audit key, or unset TRYGG_AUDIT_KEY_FILE.")
        return path.read_text().strip().encode()
    sqlite = _sqlite_path(settings.database_url)
    if sqlite is not None:
        return _key_file(sqlite.with_name(sqlite.name + ".audit-key")).encode()
    if settings.secret_key:
        return hmac.new(settings.secret_key.encode(), b"trygg audit chain key", hashlib.sha256).hexdigest().encode()
    raise ConfigError("No key for the audit trail's chain.",
                      hint="Set TRYGG_AUDIT_KEY (or TRYGG_AUDIT_KEY_FILE, or at least TRYGG_SECRET_KEY).")


def setting_help() -> list[tuple[str, str, str]]:
    """(environment variable, default, help) of every setting, for docs and --help."""
    return [(f"TRYGG_{f.name.upper()}", str(f.default), f.metadata.get("help", "")) for f in fields(Settings)]

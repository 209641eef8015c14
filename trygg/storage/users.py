"""Users, organisations, login sessions, lockout, TOTP second factor and API tokens."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.enums import OrgKind, Role
from trygg.errors import Conflict, NotFound, ValidationError
from trygg.storage.schema import ApiToken, Organisation, User, UserSecurity, WebSession

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
TOKEN_PREFIX = "tryggt_"
MAX_FAILED_LOGINS = 5  # consecutive failures before the account is locked
LOCK_MINUTES = 15
MIN_PASSWORD = 8
NO_PASSWORD = "!unset"  # the hash of an account without a password yet: matches no password
_DUMMY_HASH: list[str] = []
_VERIFY_SECONDS: list[float] = []  # how long one verification at the current parameters takes here
_PREPARED: list[bool] = []
_PREPARING = threading.Lock()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _dummy_hash() -> str:
    """A hash of a random password with the current parameters (made once per hasher)."""
    if not _DUMMY_HASH or _needs_rehash(_DUMMY_HASH[0]):
        _DUMMY_HASH[:] = [_hasher.hash(secrets.token_urlsafe(16))]
    return _DUMMY_HASH[0]


def _needs_rehash(password_hash: str) -> bool:
    try:
        return bool(_hasher.check_needs_rehash(password_hash))
    except (InvalidHashError, ValueError):
        return True


def _floor() -> float:
    """The time one verification at the current parameters takes here (measured, then kept current)."""
    if not _VERIFY_SECONDS:
        started = time.perf_counter()
        verify_password(_dummy_hash(), secrets.token_urlsafe(8))
        _VERIFY_SECONDS.append(time.perf_counter() - started)
    return _VERIFY_SECONDS[0]


def _observe(seconds: float) -> None:
    if _VERIFY_SECONDS:
        _VERIFY_SECONDS[0] = 0.8 * _VERIFY_SECONDS[0] + 0.2 * seconds
    else:
        _VERIFY_SECONDS.append(seconds)


def prepare_login_timing() -> None:
    """Make the dummy hash and measure one verification in the background, once per process.

    Called when the login page is shown, so that the first sign-in does not wait for it and the
    server's start (and its API traffic) never pays for it.
    """
    with _PREPARING:
        if _VERIFY_SECONDS or _PREPARED:
            return
        _PREPARED.append(True)
    threading.Thread(target=_floor, name="login-timing", daemon=True).start()


def check_login(password_hash: str | None, password: str) -> bool:
    """Check a sign-in's password in the same time whether or not the account exists (no timing oracle).

    An unknown username is checked against a dummy hash with the current parameters, so it costs
    one verification like a known one. A stored hash with other (older, cheaper) parameters — the
    demo's quick hashes, accounts from before a parameter change — would answer sooner: its check
    is padded to the measured time of one verification at the current parameters. The hash is
    upgraded to the current parameters at the next successful sign-in (`upgrade_hash`).
    """
    started = time.perf_counter()
    if password_hash is None:
        verify_password(_dummy_hash(), password)
        _observe(time.perf_counter() - started)
        return False
    ok = verify_password(password_hash, password)
    elapsed = time.perf_counter() - started
    if _needs_rehash(password_hash):
        time.sleep(max(0.0, _floor() - elapsed))
    else:
        _observe(elapsed)
    return ok


def upgrade_hash(user: User, password: str) -> bool:
    """After a successful sign-in: rehash a password stored with other parameters than the current ones."""
    if not _needs_rehash(user.password_hash):
        return False
    user.password_hash = hash_password(password)
    return True


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def get_organisation(session: Session, ref: int | str) -> Organisation:
    """An organisation by id, exact name or short name."""
    if isinstance(ref, int) or str(ref).isdigit():
        org = session.get(Organisation, int(ref))
    else:
        org = session.scalar(
            select(Organisation).where((Organisation.name == ref) | (Organisation.short_name == ref))
        )
    if org is None:
        raise NotFound(f"No organisation {ref!r}.", hint="List them with 'trygg users orgs'.")
    return org


def create_organisation(session: Session, name: str, kind: str, short_name: str = "",
                        allow_outside: bool = False) -> Organisation:
    if kind not in OrgKind.__members__.values():
        raise ValidationError(f"Unknown organisation kind {kind!r}.",
                              fields={"kind": f"one of {', '.join(OrgKind)}"})
    org = Organisation(name=name, kind=kind, short_name=short_name or name[:60],
                       allow_outside=allow_outside)
    session.add(org)
    session.flush()
    return org


def create_user(session: Session, username: str, password: str | None, role: str, organisation_id: int,
                display_name: str = "", sensitive_clearance: bool = False,
                signatory_title: str | None = None) -> User:
    """Create a user; with ``password=None`` the account has no password until its owner sets one
    through a one-time link (`trygg.storage.invitations`)."""
    problems: dict[str, str] = {}
    if not username or len(username) > 80 or not username.replace("-", "").replace(".", "").replace(
            "_", "").isalnum():
        problems["username"] = "1–80 letters, digits, '.', '-' or '_'"
    if password is not None and password_problem(password):
        problems["password"] = password_problem(password) or ""
    if role not in Role.__members__.values():
        problems["role"] = f"one of {', '.join(Role)}"
    if problems:
        raise ValidationError("The user could not be created.", fields=problems)
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict(f"A user named {username!r} exists already.", hint="Choose another username.")
    user = User(username=username, password_hash=hash_password(password) if password is not None else NO_PASSWORD,
                role=role,
                organisation_id=organisation_id, display_name=display_name or username,
                sensitive_clearance=sensitive_clearance, signatory_title=signatory_title)
    session.add(user)
    session.flush()
    return user


def get_user_by_name(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def create_session(session: Session, user: User, second_factor_done: bool = True) -> str:
    """Start a login session and return the cookie token (only its hash is stored).

    A session with ``second_factor_done=False`` only lets its user finish the TOTP step (or
    enrol); ``session_user`` does not return its user.
    """
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=sha256(token), user_id=user.id, second_factor_done=second_factor_done))
    session.flush()
    return token


def session_lookup(session: Session, token: str, idle: timedelta, absolute: timedelta,
                   on_expired: Callable[[WebSession, str], None] | None = None) -> tuple[User, WebSession] | None:
    """The active user and the live session row of `token`, whether or not its second factor is done.

    Sessions past the idle or absolute timeout are deleted, then ``on_expired(row, "idle" |
    "absolute")`` is called (e.g. to audit it). Touches last_seen_at.
    """
    ws = session.scalar(select(WebSession).where(WebSession.token_hash == sha256(token)))
    if ws is None:
        return None
    now = clock.now()
    if now - ws.last_seen_at > idle or now - ws.created_at > absolute:
        session.delete(ws)
        session.flush()
        if on_expired is not None:
            on_expired(ws, "absolute" if now - ws.created_at > absolute else "idle")
        return None
    if (now - ws.last_seen_at).total_seconds() > 30:
        ws.last_seen_at = now
    user = session.get(User, ws.user_id)
    if user is None or not user.active:
        return None
    return user, ws


def session_user(session: Session, token: str, idle: timedelta, absolute: timedelta) -> User | None:
    """The user of a live, fully signed-in session (second factor done when needed)."""
    found = session_lookup(session, token, idle, absolute)
    if found is None or not found[1].second_factor_done:
        return None
    return found[0]


def complete_second_factor(session: Session, token: str) -> str | None:
    """Finish the second step: the pending session is replaced by a full one under a new token
    (so that a token seen before the second factor is worth nothing). Returns the new token."""
    ws = session.scalar(select(WebSession).where(WebSession.token_hash == sha256(token)))
    if ws is None:
        return None
    user = session.get(User, ws.user_id)
    session.delete(ws)
    session.flush()
    return create_session(session, user, second_factor_done=True) if user is not None else None


def end_user_sessions(session: Session, user_id: int) -> int:
    """End every login session of a user (after deactivation, a password or TOTP reset)."""
    rows = list(session.scalars(select(WebSession).where(WebSession.user_id == user_id)))
    for ws in rows:
        session.delete(ws)
    session.flush()
    return len(rows)


# --------------------------------------------------------------------------- lockout


def locked_for(user: User, now: datetime | None = None) -> timedelta | None:
    """How much longer `user` is locked out, or None."""
    now = now or clock.now()
    if user.locked_until is not None and user.locked_until > now:
        return user.locked_until - now
    return None


def register_failure(session: Session, user: User, now: datetime | None = None) -> bool:
    """Count one failed login (password or TOTP); lock the account at the limit. True when locked."""
    now = now or clock.now()
    user.failed_logins = (user.failed_logins or 0) + 1
    locked = user.failed_logins >= MAX_FAILED_LOGINS
    if locked:
        user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        user.failed_logins = 0
    session.flush()
    return locked


def register_success(session: Session, user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
    session.flush()


def unlock(session: Session, user: User) -> None:
    register_success(session, user)


# --------------------------------------------------------------------------- passwords


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"at least {MIN_PASSWORD} characters"
    if len(password) > 200:
        return "at most 200 characters"
    return None


def set_password(session: Session, user: User, password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise ValidationError("The password was not changed.", fields={"new_password": problem})
    user.password_hash = hash_password(password)
    security(session, user).password_changed_at = clock.now()
    session.flush()


# --------------------------------------------------------------------------- TOTP


def security(session: Session, user: User) -> UserSecurity:
    row = session.get(UserSecurity, user.id)
    if row is None:
        row = UserSecurity(user_id=user.id)
        session.add(row)
        session.flush()
    return row


def totp_begin(session: Session, user: User) -> str:
    """Start (or continue) enrolment: a pending secret, kept until a code confirms it."""
    import pyotp

    row = security(session, user)
    if not row.pending_totp_secret:
        row.pending_totp_secret = pyotp.random_base32()
        session.flush()
    return row.pending_totp_secret


def _check_code(secret: str, code: str, last_step: int | None, now: datetime | None = None) -> int | None:
    """The accepted time step for `code` (±1 step of clock drift), or None. Replays are refused."""
    import pyotp

    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    at = (now or clock.real_now()).timestamp()  # real time, as on the user's authenticator
    step_now = int(at // totp.interval)
    for step in (step_now, step_now - 1, step_now + 1):
        if last_step is not None and step <= last_step:
            continue
        if secrets.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def totp_confirm(session: Session, user: User, code: str) -> bool:
    """Finish enrolment with a code from the app; the pending secret becomes the user's."""
    row = security(session, user)
    if not row.pending_totp_secret:
        return False
    step = _check_code(row.pending_totp_secret, code, None)
    if step is None:
        return False
    user.totp_secret = row.pending_totp_secret
    row.pending_totp_secret = None
    row.totp_last_step = step
    session.flush()
    return True


def totp_verify(session: Session, user: User, code: str) -> bool:
    """Check a code against the enrolled secret; each code is accepted once."""
    if not user.totp_secret:
        return False
    row = security(session, user)
    step = _check_code(user.totp_secret, code, row.totp_last_step)
    if step is None:
        return False
    row.totp_last_step = step
    session.flush()
    return True


def totp_reset(session: Session, user: User) -> None:
    """Remove the second factor (an administrator's action); the user enrols again."""
    user.totp_secret = None
    row = security(session, user)
    row.pending_totp_secret = None
    row.totp_last_step = None
    end_user_sessions(session, user.id)


def end_session(session: Session, token: str) -> int | None:
    """End the login session of `token` (sign-out); its user's id, or None when there was none."""
    ws = session.scalar(select(WebSession).where(WebSession.token_hash == sha256(token)))
    if ws is None:
        return None
    session.delete(ws)
    return ws.user_id


def create_token(session: Session, user: User, name: str = "", days: int | None = 365) -> str:
    """Create an API token for `user`; the plain token is returned once and stored hashed."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = clock.now() + timedelta(days=days) if days else None
    session.add(ApiToken(token_hash=sha256(token), prefix=token[:12], name=name, user_id=user.id,
                         expires_at=expires))
    session.flush()
    return token


def token_row(session: Session, token: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == sha256(token)))


#: The statement of `token_user`, built once (building it cost more than running it).
_TOKEN_USER = select(ApiToken, User).join(User, User.id == ApiToken.user_id).where(
    ApiToken.token_hash == bindparam("token_hash"))


def token_user(session: Session, token: str) -> User | None:
    found = session.execute(_TOKEN_USER, {"token_hash": sha256(token)}).first()  # token and user at once
    now = clock.now()
    if found is None:
        return None
    row, user = found
    if row.revoked_at is not None or (row.expires_at and row.expires_at < now):
        return None
    # Recorded at most once a minute: a write (and a disk flush) on every API call costs throughput.
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() >= 60:
        row.last_used_at = now
    return user if user.active else None


def revoke_token(session: Session, token_id: int) -> None:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"No API token with id {token_id}.")
    row.revoked_at = clock.now()


def list_users(session: Session, organisation_id: int | None = None) -> list[User]:
    q = select(User).order_by(User.username)
    if organisation_id is not None:
        q = q.where(User.organisation_id == organisation_id)
    return list(session.scalars(q))


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def list_tokens(session: Session) -> list[tuple[ApiToken, str]]:
    """Every API token with its owner's username, newest first."""
    rows = session.execute(select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
                           .order_by(ApiToken.id.desc())).all()
    return [(t, name) for t, name in rows]

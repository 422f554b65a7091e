"""Users, passwords, sessions and API tokens: everything that decides who is asking.

Passwords are argon2id hashes (argon2-cffi's defaults follow RFC 9106). Session
ids and API tokens are random 256-bit values; the store keeps only their
SHA-256, so reading the database does not let anyone in. The session cookie
carries the id signed with itsdangerous, which rejects a tampered or expired
cookie before any query is made.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Engine, delete, select, update

from fakewatch.store.tables.web import api_tokens, sessions, users

ROLES = ("admin", "analyst")
MIN_PASSWORD = 10  # NIST SP 800-63B asks for at least 8; journalists' accounts guard victims' phone numbers
TOKEN_PREFIX = "fw_"
TOKEN_TOUCH = timedelta(minutes=1)

_hasher = PasswordHasher()
# Verifying against a throwaway hash when the user does not exist keeps login time the same
# for known and unknown names, so the login form does not reveal who has an account.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AuthError(Exception):
    """A user or token operation that cannot be done (unknown user, duplicate name, weak password)."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(engine: Engine, name: str, password: str, role: str) -> User:
    """Add a user; the password is stored as an argon2 hash."""
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    if not name or len(name) > 64 or not name.isprintable():
        raise AuthError("user name must be 1-64 printable characters")
    _check_password(password)
    with engine.begin() as conn:
        if conn.execute(select(users.c.id).where(users.c.name == name)).first():
            raise AuthError(f"user {name!r} exists")
        uid = conn.execute(
            users.insert().values(name=name, password_hash=_hasher.hash(password), role=role, disabled=False,
                                  created_at=_now())
        ).inserted_primary_key[0]
    return User(uid, name, role)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"password must have at least {MIN_PASSWORD} characters")


def set_password(engine: Engine, name: str, password: str) -> None:
    """Reset a user's password (an operator's job: there is no e-mail); their open sessions end with it."""
    _check_password(password)
    with engine.begin() as conn:
        uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
        if uid is None:
            raise AuthError(f"no user {name!r}")
        conn.execute(update(users).where(users.c.id == uid).values(password_hash=_hasher.hash(password)))
        conn.execute(delete(sessions).where(sessions.c.user_id == uid))


def list_users(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(users.c.id, users.c.name, users.c.role, users.c.disabled, users.c.created_at)
                            .order_by(users.c.name)).mappings()
        return [dict(r) for r in rows]


def set_disabled(engine: Engine, user_id: int, disabled: bool) -> None:
    """Disable (or re-enable) a user; disabling also ends their sessions."""
    with engine.begin() as conn:
        if not conn.execute(update(users).where(users.c.id == user_id).values(disabled=disabled)).rowcount:
            raise AuthError("no such user")
        if disabled:
            conn.execute(delete(sessions).where(sessions.c.user_id == user_id))


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    """The user whose name and password these are, or None (same cost either way)."""
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row["disabled"]:
        return None
    if _hasher.check_needs_rehash(row["password_hash"]):
        with engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == row["id"]).values(password_hash=_hasher.hash(password)))
    return User(row["id"], row["name"], row["role"])


def _active_user(conn, user_id: int) -> User | None:
    row = conn.execute(select(users).where(users.c.id == user_id, users.c.disabled.is_(False))).mappings().first()
    return User(row["id"], row["name"], row["role"]) if row else None


class SessionSigner:
    """Signs session ids into cookie values and checks them back (tamper and age)."""

    def __init__(self, secret: str, max_age: timedelta) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="fakewatch-session")
        self.max_age = max_age

    def sign(self, token: str) -> str:
        return self._serializer.dumps(token)

    def unsign(self, cookie: str) -> str | None:
        try:
            return self._serializer.loads(cookie, max_age=int(self.max_age.total_seconds()))
        except BadSignature:
            return None


def start_session(engine: Engine, user: User, ttl: timedelta) -> tuple[str, str]:
    """(session token, CSRF token) of a new session for `user`."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    with engine.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.expires_at < now))
        conn.execute(sessions.insert().values(id=_digest(token), user_id=user.id, csrf=csrf, created_at=now,
                                              expires_at=now + ttl))
    return token, csrf


def session_user(engine: Engine, token: str) -> tuple[User, str] | None:
    """(user, CSRF token) of a live session, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(sessions).where(sessions.c.id == _digest(token))).mappings().first()
        if row is None or row["expires_at"] < _now():
            return None
        user = _active_user(conn, row["user_id"])
    return (user, row["csrf"]) if user else None


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.id == _digest(token)))


def create_token(engine: Engine, user_name: str, token_name: str = "api") -> str:
    """A new bearer API token for `user_name`; shown once, stored only as a digest."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        uid = conn.execute(select(users.c.id).where(users.c.name == user_name)).scalar()
        if uid is None:
            raise AuthError(f"no user {user_name!r}")
        conn.execute(api_tokens.insert().values(user_id=uid, name=token_name[:128], token_hash=_digest(token),
                                                created_at=_now()))
    return token


def list_tokens(engine: Engine, user_id: int) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.created_at,
                                   api_tokens.c.last_used_at).where(api_tokens.c.user_id == user_id)
                            .order_by(api_tokens.c.id)).mappings()
        return [dict(r) for r in rows]


def revoke_token(engine: Engine, user_id: int, token_id: int) -> None:
    with engine.begin() as conn:
        if not conn.execute(delete(api_tokens).where(api_tokens.c.id == token_id,
                                                     api_tokens.c.user_id == user_id)).rowcount:
            raise AuthError("no such token")


def token_user(engine: Engine, token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    digest = _digest(token)
    with engine.connect() as conn:
        row = conn.execute(select(api_tokens.c.user_id, api_tokens.c.last_used_at)
                           .where(api_tokens.c.token_hash == digest)).first()
        user = _active_user(conn, row.user_id) if row else None
    now = _now()
    # Record use at most once a minute: a write per request would queue API reads behind a running pipeline.
    if user and (row.last_used_at is None or now - row.last_used_at > TOKEN_TOUCH):
        with engine.begin() as conn:
            conn.execute(update(api_tokens).where(api_tokens.c.token_hash == digest).values(last_used_at=now))
    return user

"""Tables written by the web app: users, their sessions and API tokens, debunks, upload jobs.

Secrets are never stored as given: passwords as argon2 hashes, session ids and
API tokens as SHA-256 digests, so a copy of the store does not log anyone in.
The full-text index over `messages.text` is created by the web migration only
(FTS5 on SQLite, a GIN expression index on PostgreSQL); `search_state` remembers
how far the SQLite index has been filled.
"""

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text

from .base import metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(16), nullable=False),  # admin | analyst
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the cookie's random token
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("name", String(128), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("last_used_at", DateTime),
)

debunks = Table(
    "debunks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign", String(32), index=True),  # campaign code, e.g. "C1"; NULL for a media debunk
    Column("media_key", String(255), index=True),  # a media cluster's key (clusters.key) for a media debunk
    Column("category", String(64)),  # MediaReview mediaAuthenticityCategory of a media debunk
    Column("claim", Text, nullable=False),  # the claim being checked, as circulated
    Column("text", Text, nullable=False),  # the debunk itself
    Column("rating", String(64), nullable=False),  # e.g. "False", "Misleading"
    Column("links", JSON, nullable=False),  # sources backing the debunk
    Column("status", String(16), nullable=False),  # draft | published
    Column("author_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

upload_jobs = Table(
    "upload_jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("files", JSON, nullable=False),  # [{"name", "size", "sha256"}]
    Column("folder", Text, nullable=False),  # where the uploads and the outputs live
    Column("status", String(16), nullable=False),  # queued | running | done | partial (inputs refused) | failed
    Column("stage", String(64)),
    Column("done", Integer, nullable=False, default=0),
    Column("total", Integer),
    Column("error", Text),
    Column("findings", Text),  # path of findings.json once done
    Column("refused", JSON),  # ["file: position: problem", ...] for inputs the run could not read
    Column("created_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
)

search_state = Table(
    "search_state",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("last_pk", Integer, nullable=False),
)

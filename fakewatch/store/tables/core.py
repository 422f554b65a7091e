"""Tables written by ingest: inputs, chats, accounts, messages, their raw records and what the exports say.

Downstream stages key on `messages.id` (an integer surrogate) for speed; the
contract identity `(platform, chat_id, message_id)` is unique.
"""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from .base import metadata

inputs = Table(
    "inputs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("format", String(32), nullable=False),
    Column("messages", Integer, nullable=False, default=0),  # messages read from the file
    Column("added", Integer, nullable=False, default=0),  # of which new to the store
    Column("chats", Integer, nullable=False, default=0),
    Column("accounts", Integer, nullable=False, default=0),
    Column("notes", JSON),  # warnings raised while reading, e.g. fallbacks taken
    Column("ingested_at", DateTime, nullable=False),
    UniqueConstraint("path", "sha256", name="uq_inputs_path_sha256"),
)

chats = Table(
    "chats",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(32), nullable=False),
    Column("chat_id", String(255), nullable=False),
    Column("name", Text),
    Column("type", String(64)),
    UniqueConstraint("platform", "chat_id", name="uq_chats_platform_chat_id"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(255), primary_key=True),  # platform:native_id
    Column("platform", String(32), nullable=False),
    Column("native_id", String(255), nullable=False),
    Column("name", Text),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(32), nullable=False),
    Column("chat_id", String(255), nullable=False),
    Column("message_id", String(255), nullable=False),
    Column("account_id", String(255), index=True),
    Column("sent_at", DateTime, nullable=False, index=True),  # naive UTC
    Column("kind", String(16), nullable=False, default="message"),
    Column("text", Text, nullable=False, default=""),
    Column("reply_to", String(255)),
    Column("forwarded_from", Text),
    Column("forwarded_from_id", String(255)),
    Column("edited_at", DateTime),
    Column("via_bot", String(255)),
    Column("url", Text),
    Column("raw_block", Integer),  # the record as read, evidence: record raw_index of raw_blocks (input_id, raw_block)
    Column("raw_index", Integer),
    Column("input_id", Integer, ForeignKey("inputs.id"), nullable=False),
    UniqueConstraint("platform", "chat_id", "message_id", name="uq_messages_identity"),
)

raw_blocks = Table(
    "raw_blocks",
    metadata,
    Column("input_id", Integer, ForeignKey("inputs.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),  # store/raw.py: zstd of the records, RS-separated JSON texts
)

entities = Table(
    "entities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_pk", Integer, ForeignKey("messages.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("type", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("href", Text),
    UniqueConstraint("message_pk", "seq", name="uq_entities_message_seq"),
)

media = Table(
    "media",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_pk", Integer, ForeignKey("messages.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("path", Text),  # as written in the export
    Column("stored_path", Text),  # absolute path of the file on disk when present
    Column("mime", String(128)),
    Column("size", BigInteger),
    Column("sha256", String(64), index=True),
    Column("file_absent", Boolean, nullable=False, default=True),
    Column("width", Integer),
    Column("height", Integer),
    Column("duration", Float),
    UniqueConstraint("message_pk", "seq", name="uq_media_message_seq"),
)

Index("ix_messages_chat_sent", messages.c.platform, messages.c.chat_id, messages.c.sent_at)

# One account under two names: WhatsApp shows a sender as each exporter's phone names them (a contact
# name in one member's export, the phone number in another's). Written by ingest (store/aliases.py).
account_aliases = Table(
    "account_aliases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", String(255), nullable=False, index=True),  # the name kept: E.164 where one is
    Column("alias_id", String(255), nullable=False, index=True),  # the other name of the same sender
    Column("input_id", Integer, ForeignKey("inputs.id"), nullable=False),  # the file that showed the link
    UniqueConstraint("account_id", "alias_id", name="uq_account_aliases_pair"),
)

# The messages that link them: held under one name, read again under the other.
alias_evidence = Table(
    "alias_evidence",
    metadata,
    Column("alias_pk", Integer, ForeignKey("account_aliases.id"), primary_key=True),
    Column("message_pk", Integer, ForeignKey("messages.id"), primary_key=True),
)

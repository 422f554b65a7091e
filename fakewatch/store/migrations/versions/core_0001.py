"""core tables: inputs, chats, accounts, messages, entities, media

Revision ID: core_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0001"
down_revision = None
branch_labels = ("core",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inputs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("messages", sa.Integer, nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("chats", sa.Integer, nullable=False),
        sa.Column("accounts", sa.Integer, nullable=False),
        sa.Column("notes", sa.JSON),
        sa.Column("ingested_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("path", "sha256", name="uq_inputs_path_sha256"),
    )
    op.create_table(
        "chats",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.String(255), nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("type", sa.String(64)),
        sa.UniqueConstraint("platform", "chat_id", name="uq_chats_platform_chat_id"),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(255), primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("native_id", sa.String(255), nullable=False),
        sa.Column("name", sa.Text),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.String(255), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("account_id", sa.String(255)),
        sa.Column("sent_at", sa.DateTime, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("reply_to", sa.String(255)),
        sa.Column("forwarded_from", sa.Text),
        sa.Column("forwarded_from_id", sa.String(255)),
        sa.Column("edited_at", sa.DateTime),
        sa.Column("via_bot", sa.String(255)),
        sa.Column("url", sa.Text),
        sa.Column("raw", sa.Text),
        sa.Column("input_id", sa.Integer, sa.ForeignKey("inputs.id", name="fk_messages_input_id_inputs"), nullable=False),
        sa.UniqueConstraint("platform", "chat_id", "message_id", name="uq_messages_identity"),
    )
    op.create_index("ix_messages_account_id", "messages", ["account_id"])
    op.create_index("ix_messages_sent_at", "messages", ["sent_at"])
    op.create_index("ix_messages_chat_sent", "messages", ["platform", "chat_id", "sent_at"])
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("message_pk", sa.Integer, sa.ForeignKey("messages.id", name="fk_entities_message_pk_messages"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("href", sa.Text),
        sa.UniqueConstraint("message_pk", "seq", name="uq_entities_message_seq"),
    )
    op.create_index("ix_entities_message_pk", "entities", ["message_pk"])
    op.create_table(
        "media",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("message_pk", sa.Integer, sa.ForeignKey("messages.id", name="fk_media_message_pk_messages"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("path", sa.Text),
        sa.Column("stored_path", sa.Text),
        sa.Column("mime", sa.String(128)),
        sa.Column("size", sa.BigInteger),
        sa.Column("sha256", sa.String(64)),
        sa.Column("file_absent", sa.Boolean, nullable=False),
        sa.Column("width", sa.Integer),
        sa.Column("height", sa.Integer),
        sa.Column("duration", sa.Float),
        sa.UniqueConstraint("message_pk", "seq", name="uq_media_message_seq"),
    )
    op.create_index("ix_media_message_pk", "media", ["message_pk"])
    op.create_index("ix_media_sha256", "media", ["sha256"])


def downgrade() -> None:
    for table in ("media", "entities", "messages", "accounts", "chats", "inputs"):
        op.drop_table(table)

"""detect: coactivity_pairs (account pairs posting into the same chats within seconds, with their evidence)

Revision ID: detect_0002
Revises: detect_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "detect_0002"
down_revision = "detect_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coactivity_pairs",
        sa.Column("account_a", sa.String(255), primary_key=True),
        sa.Column("account_b", sa.String(255), primary_key=True),
        sa.Column("occasions", sa.Integer, nullable=False),
        sa.Column("expected", sa.Float, nullable=False),
        sa.Column("window_s", sa.Integer, nullable=False),
        sa.Column("message_pks", sa.JSON, nullable=False),
        sa.Column("chats", sa.JSON, nullable=False),
        sa.Column("first_seen", sa.DateTime, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
    )
    op.create_index("ix_coactivity_pairs_account_b", "coactivity_pairs", ["account_b"])


def downgrade() -> None:
    op.drop_table("coactivity_pairs")

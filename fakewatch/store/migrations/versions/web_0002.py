"""web: debunks of media clusters (MediaReview) beside campaign debunks

A debunk is about a campaign (`campaign` set) or about a media cluster (`media_key`
set to the cluster's stable key, `category` its MediaReview authenticity category).

Revision ID: web_0002
Revises: web_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "web_0002"
down_revision = "web_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("debunks") as batch:
        batch.alter_column("campaign", existing_type=sa.String(32), nullable=True)
        batch.add_column(sa.Column("media_key", sa.String(255)))
        batch.add_column(sa.Column("category", sa.String(64)))
    op.create_index("ix_debunks_media_key", "debunks", ["media_key"])


def downgrade() -> None:
    op.drop_index("ix_debunks_media_key", "debunks")
    with op.batch_alter_table("debunks") as batch:
        batch.drop_column("category")
        batch.drop_column("media_key")
        batch.alter_column("campaign", existing_type=sa.String(32), nullable=False)

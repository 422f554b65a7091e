"""media tables: media_files, media_hashes

Revision ID: media_0001
Revises: core_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "media_0001"
down_revision = "core_0001"
branch_labels = ("media",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_files",
        sa.Column("media_id", sa.Integer, sa.ForeignKey("media.id", name="fk_media_files_media_id_media"),
                  primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("hashed_as", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16)),
        sa.Column("size", sa.BigInteger),
        sa.Column("width", sa.Integer),
        sa.Column("height", sa.Integer),
        sa.Column("duration", sa.Float),
        sa.Column("provenance", sa.JSON),
        sa.Column("thumbnail", sa.LargeBinary),
        sa.Column("error", sa.Text),
        sa.Column("group_key", sa.String(100)),
        sa.Column("hashed_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_media_files_sha256", "media_files", ["sha256"])
    op.create_index("ix_media_files_group_key", "media_files", ["group_key"])
    op.create_table(
        "media_hashes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("media_id", sa.Integer, sa.ForeignKey("media.id", name="fk_media_hashes_media_id_media"),
                  nullable=False),
        sa.Column("algo", sa.String(16), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("t", sa.Float, nullable=False),
        sa.Column("hash", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_media_hashes_media_id", "media_hashes", ["media_id"])


def downgrade() -> None:
    op.drop_table("media_hashes")
    op.drop_table("media_files")

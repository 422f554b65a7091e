"""runs tables: investigations (each investigate run's output folder and refused inputs)

Revision ID: runs_0001
Revises: core_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "runs_0001"
down_revision = "core_0001"
branch_labels = ("runs",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "investigations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("out_dir", sa.Text, nullable=False),
        sa.Column("refused", sa.JSON, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("investigations")

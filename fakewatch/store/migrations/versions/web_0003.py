"""web: an upload job's refused inputs (the run finished, but not on everything uploaded)

Revision ID: web_0003
Revises: web_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "web_0003"
down_revision = "web_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("upload_jobs") as batch:
        batch.add_column(sa.Column("refused", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("upload_jobs") as batch:
        batch.drop_column("refused")

"""outlets tables: outlets, pages, lookalikes, trackers

Revision ID: outlets_0001
Revises: core_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "outlets_0001"
down_revision = "core_0001"
branch_labels = ("outlets",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outlets",
        sa.Column("domain", sa.String(255), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("lang", sa.String(16)),
        sa.Column("country", sa.String(8)),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("aliases", sa.JSON),
        sa.Column("evidence", sa.JSON),
    )
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text),
        sa.Column("host", sa.String(255)),
        sa.Column("domain", sa.String(255)),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("html", sa.LargeBinary, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("date", sa.String(32)),
        sa.Column("text", sa.Text),
        sa.Column("site_name", sa.Text),
        sa.Column("canonical", sa.Text),
        sa.Column("lang", sa.String(16)),
        sa.Column("claims", sa.JSON),
        sa.Column("meta", sa.JSON),
        sa.Column("fetched_at", sa.DateTime),
        sa.Column("input_id", sa.Integer, sa.ForeignKey("inputs.id", name="fk_pages_input_id_inputs"), nullable=False),
    )
    op.create_index("ix_pages_host", "pages", ["host"])
    op.create_index("ix_pages_domain", "pages", ["domain"])
    op.create_index("ix_pages_sha256", "pages", ["sha256"])
    op.create_index("ix_pages_input_id", "pages", ["input_id"])
    op.create_table(
        "lookalikes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("domain", sa.String(255), nullable=False),
        sa.Column("registrable", sa.String(255), nullable=False),
        sa.Column("outlet_domain", sa.String(255), nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("evidence", sa.JSON),
        sa.UniqueConstraint("domain", "outlet_domain", name="uq_lookalikes_domain_outlet"),
    )
    op.create_index("ix_lookalikes_domain", "lookalikes", ["domain"])
    op.create_index("ix_lookalikes_outlet_domain", "lookalikes", ["outlet_domain"])
    op.create_table(
        "trackers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("domain", sa.String(255), nullable=False),
        sa.Column("tracker_kind", sa.String(32), nullable=False),
        sa.Column("tracker_id", sa.String(64), nullable=False),
        sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id", name="fk_trackers_page_id_pages"), nullable=False),
        sa.UniqueConstraint("page_id", "tracker_kind", "tracker_id", name="uq_trackers_page_kind_id"),
    )
    op.create_index("ix_trackers_domain", "trackers", ["domain"])
    op.create_index("ix_trackers_tracker_id", "trackers", ["tracker_id"])


def downgrade() -> None:
    for table in ("trackers", "lookalikes", "pages", "outlets"):
        op.drop_table(table)

"""detect tables: clusters, cluster_members, coord_edges, coord_groups, floods, seeders, waves

Revision ID: detect_0001
Revises: core_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "detect_0001"
down_revision = "core_0001"
branch_labels = ("detect",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clusters",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("accounts", sa.Integer, nullable=False),
        sa.Column("chats", sa.Integer, nullable=False),
        sa.Column("representative_pk", sa.Integer,
                  sa.ForeignKey("messages.id", name="fk_clusters_representative_pk_messages")),
        sa.Column("first_seen", sa.DateTime, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
    )
    op.create_index("ix_clusters_kind", "clusters", ["kind"])
    op.create_table(
        "cluster_members",
        sa.Column("cluster_id", sa.Integer, sa.ForeignKey("clusters.id", name="fk_cluster_members_cluster_id_clusters"),
                  primary_key=True),
        sa.Column("message_pk", sa.Integer, sa.ForeignKey("messages.id", name="fk_cluster_members_message_pk_messages"),
                  primary_key=True),
        sa.Column("similarity", sa.Float),
    )
    op.create_index("ix_cluster_members_message_pk", "cluster_members", ["message_pk"])
    op.create_table(
        "coord_edges",
        sa.Column("account_a", sa.String(255), primary_key=True),
        sa.Column("account_b", sa.String(255), primary_key=True),
        sa.Column("weight", sa.Integer, nullable=False),
        sa.Column("clusters", sa.JSON, nullable=False),
        sa.Column("first_seen", sa.DateTime, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
    )
    op.create_index("ix_coord_edges_account_b", "coord_edges", ["account_b"])
    op.create_table(
        "coord_groups",
        sa.Column("account_id", sa.String(255), primary_key=True),
        sa.Column("group_id", sa.Integer, nullable=False),
        sa.Column("degree", sa.Float, nullable=False),
    )
    op.create_index("ix_coord_groups_group_id", "coord_groups", ["group_id"])
    op.create_table(
        "floods",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.String(255), nullable=False),
        sa.Column("cluster_id", sa.Integer, sa.ForeignKey("clusters.id", name="fk_floods_cluster_id_clusters"),
                  nullable=False),
        sa.Column("chats", sa.Integer, nullable=False),
        sa.Column("messages", sa.Integer, nullable=False),
        sa.Column("start", sa.DateTime, nullable=False),
        sa.Column("end", sa.DateTime, nullable=False),
    )
    op.create_index("ix_floods_account_id", "floods", ["account_id"])
    op.create_index("ix_floods_cluster_id", "floods", ["cluster_id"])
    op.create_table(
        "seeders",
        sa.Column("cluster_id", sa.Integer, sa.ForeignKey("clusters.id", name="fk_seeders_cluster_id_clusters"),
                  primary_key=True),
        sa.Column("account_id", sa.String(255), primary_key=True),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
    )
    op.create_table(
        "waves",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cluster_id", sa.Integer, sa.ForeignKey("clusters.id", name="fk_waves_cluster_id_clusters"),
                  nullable=False),
        sa.Column("start", sa.DateTime, nullable=False),
        sa.Column("end", sa.DateTime, nullable=False),
        sa.Column("messages", sa.Integer, nullable=False),
        sa.Column("chats", sa.Integer, nullable=False),
    )
    op.create_index("ix_waves_cluster_id", "waves", ["cluster_id"])


def downgrade() -> None:
    for table in ("waves", "seeders", "floods", "coord_groups", "coord_edges", "cluster_members", "clusters"):
        op.drop_table(table)

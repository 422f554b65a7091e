"""campaigns tables: campaigns, campaign_clusters, campaign_messages, campaign_accounts, campaign_evidence

Revision ID: campaigns_0001
Revises: core_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "campaigns_0001"
down_revision = "core_0001"
branch_labels = ("campaigns",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("reported", sa.Boolean, nullable=False),
        sa.Column("first_seen", sa.DateTime, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.UniqueConstraint("code", name="uq_campaigns_code"),
    )
    op.create_table(
        "campaign_clusters",
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", name="fk_campaign_clusters_campaign_id_campaigns"),
                  primary_key=True),
        sa.Column("cluster_id", sa.Integer, primary_key=True),
    )
    op.create_table(
        "campaign_messages",
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", name="fk_campaign_messages_campaign_id_campaigns"),
                  primary_key=True),
        sa.Column("message_pk", sa.Integer, sa.ForeignKey("messages.id", name="fk_campaign_messages_message_pk_messages"),
                  primary_key=True),
    )
    op.create_index("ix_campaign_messages_message_pk", "campaign_messages", ["message_pk"])
    op.create_table(
        "campaign_accounts",
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", name="fk_campaign_accounts_campaign_id_campaigns"),
                  primary_key=True),
        sa.Column("account_id", sa.String(255), primary_key=True),
        sa.Column("messages", sa.Integer, nullable=False),
        sa.Column("coordinated", sa.Boolean, nullable=False),
        sa.Column("seeder_rank", sa.Integer),
    )
    op.create_index("ix_campaign_accounts_account_id", "campaign_accounts", ["account_id"])
    op.create_table(
        "campaign_evidence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", name="fk_campaign_evidence_campaign_id_campaigns"),
                  nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("data", sa.JSON),
        sa.Column("message_pks", sa.JSON, nullable=False),
    )
    op.create_index("ix_campaign_evidence_campaign_id", "campaign_evidence", ["campaign_id"])


def downgrade() -> None:
    for table in ("campaign_evidence", "campaign_accounts", "campaign_messages", "campaign_clusters", "campaigns"):
        op.drop_table(table)

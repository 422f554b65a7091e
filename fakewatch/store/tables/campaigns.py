"""Tables written by campaign assembly: campaigns, what they are made of, and the evidence behind them.

`campaigns.data` holds the campaign as findings.json shows it (accounts, seeders,
targets, domains, techniques, score parts); the link tables let the web UI and
the check API ask "which campaign is this message / account / cluster in?"
without unpacking JSON. Cluster ids are not foreign keys: the clusters table
belongs to the detect branch, and campaigns are rebuilt whole on every run.
"""

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, ForeignKey, Integer, String, Table, Text

from .base import metadata

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True),  # "C1", "C2", ... by score; candidates "K1", ...
    Column("title", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("reported", Boolean, nullable=False),  # False: a weaker candidate, listed apart
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("data", JSON, nullable=False),
)

campaign_clusters = Table(
    "campaign_clusters",
    metadata,
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), primary_key=True),
    Column("cluster_id", Integer, primary_key=True),
)

campaign_messages = Table(
    "campaign_messages",
    metadata,
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), primary_key=True),
    Column("message_pk", Integer, ForeignKey("messages.id"), primary_key=True, index=True),
)

campaign_accounts = Table(
    "campaign_accounts",
    metadata,
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), primary_key=True),
    Column("account_id", String(255), primary_key=True, index=True),
    Column("messages", Integer, nullable=False),
    Column("coordinated", Boolean, nullable=False),
    Column("seeder_rank", Integer),  # 1 = most likely seeder; NULL when not a seeder
)

campaign_evidence = Table(
    "campaign_evidence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), nullable=False, index=True),
    Column("kind", String(64), nullable=False),
    Column("detail", Text, nullable=False),
    Column("data", JSON),
    Column("message_pks", JSON, nullable=False),  # the messages the signal rests on
)

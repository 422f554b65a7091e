"""enrich tables: enrichment, watchlist, phones, links, persons, money

Revision ID: enrich_0001
Revises: core_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "enrich_0001"
down_revision = "core_0001"
branch_labels = ("enrich",)
depends_on = None


def _message_pk(table: str) -> sa.Column:
    return sa.Column("message_pk", sa.Integer, sa.ForeignKey("messages.id", name=f"fk_{table}_message_pk_messages"),
                     nullable=False)


def _watch_id(table: str) -> sa.Column:
    return sa.Column("watch_id", sa.Integer, sa.ForeignKey("watchlist.id", name=f"fk_{table}_watch_id_watchlist"))


def upgrade() -> None:
    op.create_table(
        "enrichment",
        sa.Column("message_pk", sa.Integer, sa.ForeignKey("messages.id", name="fk_enrichment_message_pk_messages"),
                  primary_key=True),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("lang_conf", sa.Float, nullable=False),
        sa.Column("norm", sa.Text, nullable=False),
        sa.Column("template", sa.Text, nullable=False),
        sa.Column("norm_hash", sa.String(16), nullable=False),
        sa.Column("template_hash", sa.String(16), nullable=False),
        sa.Column("has_phone", sa.Boolean, nullable=False),
        sa.Column("has_link", sa.Boolean, nullable=False),
        sa.Column("has_money", sa.Boolean, nullable=False),
        sa.Column("pays", sa.Boolean, nullable=False),
        sa.Column("cta", sa.Boolean, nullable=False),
        sa.Column("gathering", sa.JSON),
    )
    op.create_index("ix_enrichment_norm_hash", "enrichment", ["norm_hash"])
    op.create_index("ix_enrichment_template_hash", "enrichment", ["template_hash"])
    op.create_table(
        "watchlist",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("phones", sa.JSON, nullable=False),
    )
    op.create_table(
        "phones",
        sa.Column("id", sa.Integer, primary_key=True),
        _message_pk("phones"),
        sa.Column("e164", sa.String(32), nullable=False),
        sa.Column("region", sa.String(8)),
        sa.Column("line_type", sa.String(24)),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("from_entity", sa.Boolean, nullable=False),
        _watch_id("phones"),
    )
    op.create_table(
        "links",
        sa.Column("id", sa.Integer, primary_key=True),
        _message_pk("links"),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("domain", sa.String(255), nullable=False),
        sa.Column("suffix", sa.String(64), nullable=False),
        sa.Column("shortener", sa.Boolean, nullable=False),
        sa.Column("tg_handle", sa.String(255)),
        sa.Column("from_entity", sa.Boolean, nullable=False),
    )
    op.create_table(
        "persons",
        sa.Column("id", sa.Integer, primary_key=True),
        _message_pk("persons"),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("normal", sa.Text, nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        _watch_id("persons"),
    )
    op.create_table(
        "money",
        sa.Column("id", sa.Integer, primary_key=True),
        _message_pk("money"),
        sa.Column("amount", sa.Float, nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
    )
    for table in ("phones", "links", "persons", "money"):
        op.create_index(f"ix_{table}_message_pk", table, ["message_pk"])
    op.create_index("ix_phones_e164", "phones", ["e164"])
    op.create_index("ix_phones_watch_id", "phones", ["watch_id"])
    op.create_index("ix_links_domain", "links", ["domain"])
    op.create_index("ix_links_tg_handle", "links", ["tg_handle"])
    op.create_index("ix_persons_normal", "persons", ["normal"])
    op.create_index("ix_persons_watch_id", "persons", ["watch_id"])


def downgrade() -> None:
    for table in ("money", "persons", "links", "phones", "watchlist", "enrichment"):
        op.drop_table(table)

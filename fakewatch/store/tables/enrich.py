"""Tables written by enrich: what each message contains, and the watchlist of people to protect.

`enrichment` has one row per enriched message (its presence is what marks a
message done); the other tables hold zero or more findings per message.
`norm_hash` and `template_hash` are short digests of the normalised and template
forms so that detectors can group millions of messages on an indexed column.
"""

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Integer, String, Table, Text

from .base import metadata

enrichment = Table(
    "enrichment",
    metadata,
    Column("message_pk", Integer, ForeignKey("messages.id"), primary_key=True),
    Column("lang", String(8), nullable=False),  # ru | kk | en | other | und (no letters)
    Column("lang_conf", Float, nullable=False),
    Column("norm", Text, nullable=False),
    Column("template", Text, nullable=False),
    Column("norm_hash", String(16), nullable=False, index=True),
    Column("template_hash", String(16), nullable=False, index=True),
    Column("has_phone", Boolean, nullable=False),
    Column("has_link", Boolean, nullable=False),
    Column("has_money", Boolean, nullable=False),
    Column("pays", Boolean, nullable=False),  # offers payment for doing something
    Column("cta", Boolean, nullable=False),  # calls to come, gather, call, forward, share
    Column("gathering", JSON(none_as_null=True)),  # {"date", "time", "place", "when"} of a called gathering
)

watchlist = Table(
    "watchlist",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # person (organisations later)
    Column("name", Text, nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("phones", JSON, nullable=False),  # E.164
)

phones = Table(
    "phones",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_pk", Integer, ForeignKey("messages.id"), nullable=False, index=True),
    Column("e164", String(32), nullable=False, index=True),
    Column("region", String(8)),  # ISO country the numbering plan gives: KZ for +7 7xx, RU for +7 9xx
    Column("line_type", String(24)),  # mobile, fixed_line, voip, ...
    Column("raw", Text, nullable=False),
    Column("from_entity", Boolean, nullable=False),  # Telegram marked it as a phone entity
    Column("watch_id", Integer, ForeignKey("watchlist.id"), index=True),
)

links = Table(
    "links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_pk", Integer, ForeignKey("messages.id"), nullable=False, index=True),
    Column("url", Text, nullable=False),  # normalised
    Column("host", String(255), nullable=False),
    Column("domain", String(255), nullable=False, index=True),  # registrable domain (Public Suffix List)
    Column("suffix", String(64), nullable=False),
    Column("shortener", Boolean, nullable=False),
    Column("tg_handle", String(255), index=True),  # Telegram account/channel for @mentions and t.me links
    Column("from_entity", Boolean, nullable=False),  # came from a text_link href or a mention entity
)

persons = Table(
    "persons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_pk", Integer, ForeignKey("messages.id"), nullable=False, index=True),
    Column("kind", String(8), nullable=False),  # PER | ORG | LOC
    Column("name", Text, nullable=False),  # as written
    Column("normal", Text, nullable=False, index=True),  # nominative form, or the watchlist name it matched
    Column("source", String(8), nullable=False),  # ner (natasha) | watch (watchlist match the NER missed)
    Column("watch_id", Integer, ForeignKey("watchlist.id"), index=True),
)

money = Table(
    "money",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_pk", Integer, ForeignKey("messages.id"), nullable=False, index=True),
    Column("amount", Float, nullable=False),
    Column("currency", String(8), nullable=False),  # ISO 4217
    Column("raw", Text, nullable=False),
)

"""Tables of the look-alike outlets stage: the outlet registry, web pages kept as evidence, the
look-alike domains found, and the tracker ids pages carry.

- `outlets` holds outlets added by the operator (`source="user"`) and the news
  domains the corpus itself vouches for (`source="corpus"`, rebuilt on every
  run); the bundled registry (`fakewatch/data/outlets.csv`) is read from the
  package, not copied here, so a newer release brings a newer list.
- `pages` keeps the raw bytes of every page exactly as read or fetched, with
  their SHA-256, next to what was extracted from them.
- `trackers` are read from each page as it is stored; `lookalikes` is rebuilt
  whole by the detector on every run.
"""

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from .base import metadata

outlets = Table(
    "outlets",
    metadata,
    Column("domain", String(255), primary_key=True),  # registrable domain, lower case, ASCII (punycode)
    Column("name", Text, nullable=False),
    Column("lang", String(16)),
    Column("country", String(8)),
    Column("source", String(16), nullable=False),  # user | corpus
    Column("aliases", JSON),  # other spellings of the brand, e.g. the Latin transliteration of a Cyrillic one
    Column("evidence", JSON),  # for corpus outlets: how many accounts linked it, over how many days
)

pages = Table(
    "pages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text),  # where the page lives: fetched URL after redirects, or the saved-from URL
    Column("host", String(255), index=True),
    Column("domain", String(255), index=True),  # registrable domain of `host`
    Column("sha256", String(64), nullable=False, index=True),
    Column("html", LargeBinary, nullable=False),  # the bytes exactly as read, evidence
    Column("title", Text),
    Column("author", Text),
    Column("date", String(32)),  # publication date as the page states it (ISO date)
    Column("text", Text),
    Column("site_name", Text),
    Column("canonical", Text),
    Column("lang", String(16)),
    Column("claims", JSON),  # names the page gives itself: og:site_name, logo alt, title tail, copyright
    Column("meta", JSON),  # meta refresh target, declared and used charset, HTTP status, redirect chain
    Column("fetched_at", DateTime),  # naive UTC: when fetched, or the saved file's modification time
    Column("input_id", Integer, ForeignKey("inputs.id"), nullable=False, index=True),
)

lookalikes = Table(
    "lookalikes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("domain", String(255), nullable=False, index=True),  # the suspicious host, "www." dropped
    Column("registrable", String(255), nullable=False),
    Column("outlet_domain", String(255), nullable=False, index=True),
    Column("method", String(32), nullable=False),  # tld-swap, omission, homoglyph, clone:og:site_name, ...
    Column("score", Float, nullable=False),
    Column("detail", Text, nullable=False),  # one human sentence
    Column("evidence", JSON),  # page ids, similarity to the outlet's real articles, ...
    UniqueConstraint("domain", "outlet_domain", name="uq_lookalikes_domain_outlet"),
)

trackers = Table(
    "trackers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("domain", String(255), nullable=False, index=True),
    Column("tracker_kind", String(32), nullable=False),  # ga-ua, ga4, gtm, yandex-metrika, meta-pixel, adsense
    Column("tracker_id", String(64), nullable=False, index=True),
    Column("page_id", Integer, ForeignKey("pages.id"), nullable=False),
    UniqueConstraint("page_id", "tracker_kind", "tracker_id", name="uq_trackers_page_kind_id"),
)

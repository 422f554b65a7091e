"""Full-text message search with filters, one function over SQLite FTS5 and PostgreSQL text search.

SQLite: the web migration creates `messages_fts`, an external-content FTS5 index
(the text is stored once, in `messages`). It is filled incrementally by `sync`
rather than by triggers, so ingesting a million messages pays nothing for it;
`search` syncs first, which costs one indexed query when nothing is new.
PostgreSQL: a GIN index on `to_tsvector('simple', text)` serves `plainto_tsquery`.
Any other database falls back to ILIKE per word (correct, slow).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, and_, exists, func, literal_column, select, text

from fakewatch.store.tables.core import messages
from fakewatch.store.tables.enrich import enrichment
from fakewatch.store.tables.web import search_state
from fakewatch.web.queries import message_columns, message_join

SYNC_BATCH = 50_000  # rows per FTS insert: bounded write transactions while the UI keeps reading
MAX_QUERY_WORDS = 16
_WORD = re.compile(r"\w+", re.UNICODE)
_sync_lock = threading.Lock()


@dataclass
class Filters:
    """Narrowing of a search; every field optional. `chat` is "platform:chat_id"."""

    chat: str | None = None
    account: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    lang: str | None = None
    has_phone: bool | None = None
    has_link: bool | None = None


def sync(engine: Engine, *, wait: bool = True) -> int:
    """Add messages stored since the last sync to the SQLite full-text index; the number added.

    With `wait=False` it returns at once when another thread is already syncing (a search then
    sees what is indexed so far instead of waiting for a million-message catch-up).
    """
    if engine.dialect.name != "sqlite" or not _sync_lock.acquire(blocking=wait):
        return 0
    added = 0
    try:
        while True:
            with engine.begin() as conn:
                last = conn.execute(select(search_state.c.last_pk).where(search_state.c.name == "messages")).scalar()
                top = conn.execute(select(func.max(messages.c.id))).scalar() or 0
                start = last or 0
                if top <= start:
                    return added
                stop = min(top, start + SYNC_BATCH)
                conn.execute(text("INSERT INTO messages_fts(rowid, text) SELECT id, text FROM messages "
                                  "WHERE id > :a AND id <= :b"), {"a": start, "b": stop})
                if last is None:
                    conn.execute(search_state.insert().values(name="messages", last_pk=stop))
                else:
                    conn.execute(search_state.update().where(search_state.c.name == "messages")
                                 .values(last_pk=stop))
                added += stop - start
    finally:
        _sync_lock.release()


def _words(query: str) -> list[str]:
    return _WORD.findall(query)[:MAX_QUERY_WORDS]


def _match(engine: Engine, query: str):
    """A WHERE clause selecting messages whose text has every word of `query`."""
    words = _words(query)
    if engine.dialect.name == "sqlite":
        # Each word quoted: user input never reaches FTS5's query syntax (NEAR, column filters, ...).
        fts = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        return messages.c.id.in_(select(text("rowid")).select_from(text("messages_fts"))
                                 .where(text("messages_fts MATCH :fts").bindparams(fts=fts)))
    if engine.dialect.name == "postgresql":
        # The configuration as a literal, so the expression is the one the migration's GIN index is built on.
        simple = literal_column("'simple'::regconfig")
        return func.to_tsvector(simple, messages.c.text).op("@@")(func.plainto_tsquery(simple, " ".join(words)))
    return and_(*(messages.c.text.ilike(f"%{w}%") for w in words))


def search(engine: Engine, query: str = "", filters: Filters | None = None, *, limit: int = 50,
           offset: int = 0) -> list[dict]:
    """Messages matching `query` (all words) and `filters`, newest first."""
    f = filters or Filters()
    sync(engine, wait=False)
    conds = []
    if _words(query):
        conds.append(_match(engine, query))
    if f.chat:
        platform, _, chat_id = f.chat.partition(":")
        conds += [messages.c.platform == platform, messages.c.chat_id == chat_id]
    if f.account:
        conds.append(messages.c.account_id == f.account)
    if f.since:
        conds.append(messages.c.sent_at >= f.since)
    if f.until:
        conds.append(messages.c.sent_at <= f.until)
    enriched = [(enrichment.c.lang, f.lang), (enrichment.c.has_phone, f.has_phone),
                (enrichment.c.has_link, f.has_link)]
    wanted = [col == value for col, value in enriched if value is not None and value != ""]
    if wanted:
        conds.append(exists().where(enrichment.c.message_pk == messages.c.id, *wanted))
    stmt = (select(*message_columns()).select_from(message_join()).where(*conds)
            .order_by(messages.c.sent_at.desc(), messages.c.id.desc()).limit(limit).offset(offset))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]

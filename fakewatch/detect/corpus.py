"""The store's messages as the arrays detection works on: codes for accounts and chats, seconds for times.

Detection is vectorised numpy over a million messages; this module is the one
place that turns store rows into those arrays (and back into ids and times).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Engine, null, select

from fakewatch.store.db import has_table
from fakewatch.store.tables.core import media, messages

EPOCH = datetime(1970, 1, 1)
NOT_CONTENT = ("service", "deleted")
"""Message kinds that carry no content: joins, pins, WhatsApp system lines and deleted messages."""


def to_datetime(seconds: int) -> datetime:
    """Naive UTC datetime of a POSIX time in seconds (the store keeps naive UTC)."""
    return EPOCH + timedelta(seconds=int(seconds))


@dataclass
class Corpus:
    """Messages (one row each, ordered by time) and the exact keys detection groups them by."""

    pk: np.ndarray  # messages.id
    time: np.ndarray  # POSIX seconds
    account: np.ndarray  # code into `names`, -1 when the export names no author
    origin: np.ndarray  # code into `names` of the forward source, -1 when not a forward with a known source
    chat: np.ndarray  # code into `chats`
    names: list[str]  # account ids (authors and forward sources)
    chats: list[str]  # "platform:chat_id"
    templates: list[str]  # enrichment template of each message
    forward_keys: list[str | None]  # forward origin: source id, else its display name
    link_rows: np.ndarray  # message row of each link
    link_urls: list[str]
    link_domains: list[str]
    media_rows: np.ndarray
    media_keys: list[str]  # see media_key()
    phone_rows: np.ndarray
    phone_e164: list[str]

    def __len__(self) -> int:
        return len(self.pk)

    @classmethod
    def of(cls, *, accounts: list[str | None], chats: list[str], times: np.ndarray, templates: list[str],
           links: list[list[str]] | None = None, forwards: list[str | None] | None = None,
           phones: list[list[str]] | None = None) -> Corpus:
        """A corpus from plain lists (third-party data, benchmarks): row i is message i, `pk` = i.

        Link domains are the URL's host; `forwards` are forward-source account ids.
        """
        vocab: dict[str, int] = {}
        chat_vocab: dict[str, int] = {}
        forwards = forwards or [None] * len(accounts)
        links = links or [[] for _ in accounts]
        link_rows = [i for i, urls in enumerate(links) for _ in urls]
        link_urls = [u for urls in links for u in urls]
        phones = phones or [[] for _ in accounts]
        return cls(pk=np.arange(len(accounts), dtype=np.int64), time=np.asarray(times, dtype=np.int64),
                   account=_codes(accounts, vocab), origin=_codes(forwards, vocab),
                   chat=_codes(chats, chat_vocab), names=list(vocab), chats=list(chat_vocab), templates=templates,
                   forward_keys=list(forwards), link_rows=np.asarray(link_rows, dtype=np.int64), link_urls=link_urls,
                   link_domains=[u.split("://")[-1].split("/")[0] for u in link_urls],
                   media_rows=np.empty(0, np.int64), media_keys=[],
                   phone_rows=np.asarray([i for i, ps in enumerate(phones) for _ in ps], dtype=np.int64),
                   phone_e164=[p for ps in phones for p in ps])


def media_key(sha256: str | None, kind: str, mime: str | None, size: int | None, width: int | None,
              height: int | None, duration: float | None) -> str | None:
    """The identity of a media file: its SHA-256, else (file not exported) its exact size, type and dimensions.

    Exports often list a file without including it; an identical file still
    has the same byte size, MIME type, dimensions and duration, and different
    files of several hundred kilobytes almost never agree on all of them.
    Stickers are left out by the caller: everyone reuses the same few.
    """
    if sha256:
        return f"sha256:{sha256}"
    if not size:
        return None
    return f"file:{kind}:{mime or ''}:{size}:{width or ''}x{height or ''}:{duration or ''}"


def _codes(values: list[str | None], vocab: dict[str, int]) -> np.ndarray:
    return np.fromiter((-1 if v is None else vocab.setdefault(v, len(vocab)) for v in values), dtype=np.int64,
                       count=len(values))


def load(engine: Engine) -> Corpus:
    """Every message with content (not service or deleted): template, links, phones and media keys.

    Templates come from the enrichment table; a message enrichment has not seen
    is templated here with the same :func:`fakewatch.enrich.normalize.template`,
    so detection never depends on enrichment having run to the end.
    """
    from fakewatch.enrich.normalize import template
    from .media import group_keys

    enriched = has_table(engine, "enrichment")
    with engine.connect() as conn:
        if enriched:
            from fakewatch.store.tables.enrich import enrichment, links, phones

            query = (select(messages.c.id, messages.c.sent_at, messages.c.account_id, messages.c.forwarded_from_id,
                            messages.c.forwarded_from, messages.c.platform, messages.c.chat_id, enrichment.c.template,
                            messages.c.text)
                     .outerjoin(enrichment, enrichment.c.message_pk == messages.c.id))
        else:
            query = select(messages.c.id, messages.c.sent_at, messages.c.account_id, messages.c.forwarded_from_id,
                           messages.c.forwarded_from, messages.c.platform, messages.c.chat_id,
                           null().label("template"), messages.c.text)
        rows = conn.execute(query.where(messages.c.kind.not_in(NOT_CONTENT))
                            .order_by(messages.c.sent_at, messages.c.id)).all()
        pk = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        row_of = {int(p): i for i, p in enumerate(pk.tolist())}
        link_data = conn.execute(select(links.c.message_pk, links.c.url, links.c.domain)).all() if enriched else []
        phone_data = conn.execute(select(phones.c.message_pk, phones.c.e164)).all() if enriched else []
        # Edited copies share a perceptual group key (fakewatch.detect.media), used in place of the file identity.
        grouped = group_keys(engine) if has_table(engine, "media_files") else {}
        media_data = [(r[0], grouped.get(r[1]) or media_key(*r[2:])) for r in conn.execute(
            select(media.c.message_pk, media.c.id, media.c.sha256, media.c.kind, media.c.mime, media.c.size,
                   media.c.width, media.c.height, media.c.duration).where(media.c.kind != "sticker"))]
    vocab: dict[str, int] = {}
    account = _codes([r[2] for r in rows], vocab)
    origin = _codes([r[3] for r in rows], vocab)
    chat_vocab: dict[str, int] = {}
    chat = _codes([f"{r[5]}:{r[6]}" for r in rows], chat_vocab)
    link_data = [r for r in link_data if r[0] in row_of]
    media_data = [r for r in media_data if r[0] in row_of and r[1] is not None]
    phone_data = [r for r in phone_data if r[0] in row_of]
    return Corpus(
        pk=pk,
        time=np.array([r[1] for r in rows], dtype="datetime64[s]").astype(np.int64),
        account=account, origin=origin, chat=chat, names=list(vocab), chats=list(chat_vocab),
        templates=[r[7] if r[7] is not None else template(r[8] or "") for r in rows],
        forward_keys=[r[3] or (f"name:{r[4]}" if r[4] else None) for r in rows],
        link_rows=np.fromiter((row_of[r[0]] for r in link_data), dtype=np.int64, count=len(link_data)),
        link_urls=[r[1] for r in link_data], link_domains=[r[2] for r in link_data],
        media_rows=np.fromiter((row_of[r[0]] for r in media_data), dtype=np.int64, count=len(media_data)),
        media_keys=[r[1] for r in media_data],
        phone_rows=np.fromiter((row_of[r[0]] for r in phone_data), dtype=np.int64, count=len(phone_data)),
        phone_e164=[r[1] for r in phone_data],
    )

"""Saved web pages (``.html``, ``.htm``, ``.xhtml``) as evidence: a fake article is an input like a chat.

A page yields one :class:`Page` record, not messages: its raw bytes and their
SHA-256 are kept in the ``pages`` table exactly as read, next to what
:mod:`fakewatch.enrich.article` extracts (title, author, date, text, site
name, canonical URL, language, the names the page claims, its tracker ids).
`fakewatch fetch` builds the same record from an HTTP response and stores it
through :func:`store` too, so saved and fetched pages are one kind of evidence.

Where the page lives matters more than what it says: a clone copies the real
outlet's canonical link. The location is therefore taken from what the saving
browser wrote (Chrome's ``<!-- saved from url=... -->``, SingleFile's header)
or the fetch, and only failing those from the page's own canonical or
``og:url`` (noted as such in ``meta.location``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from fakewatch.enrich.article import Article, extract
from fakewatch.outlets import registrable, to_ascii
from fakewatch.store.tables.outlets import pages, trackers

from .base import ReadContext, ReadError

NAME = "web"
MAX_PAGE_BYTES = 50 * 1024**2
"""A saved page larger than this is refused (SingleFile pages with inline images reach ~30 MB)."""
SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_MARKUP = (b"<!doctype html", b"<html", b"<head", b"<meta", b"<title", b"<body", b"<!-- saved from url")


@dataclass
class Page:
    """One web page: the evidence (bytes, hash, where and when) and what was read from it."""

    data: bytes
    sha256: str
    url: str | None = None
    fetched_at: datetime | None = None
    article: Article = field(default_factory=Article)
    meta: dict[str, Any] = field(default_factory=dict)  # HTTP status, redirect chain, declared charset

    @property
    def host(self) -> str | None:
        if not self.url or "://" not in self.url:
            return None
        netloc = self.url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        host = netloc.rsplit("@", 1)[-1].split(":", 1)[0].strip(".").lower()
        return to_ascii(host[4:] if host.startswith("www.") else host) or None


def page_from_bytes(data: bytes, url: str | None = None, *, fetched_at: datetime | None = None,
                    declared_charset: str | None = None, meta: dict[str, Any] | None = None) -> Page:
    """A :class:`Page` with its article extracted; `url` is where it was fetched, if it was."""
    article = extract(data, url, declared_charset=declared_charset)
    meta = dict(meta or {})
    if url is None:
        for source, value in (("saved-from", article.meta.get("saved_from")), ("canonical", article.canonical)):
            if value and value.lower().startswith(("http://", "https://")):
                url, meta["location"] = value, source
                break
    return Page(data=data, sha256=hashlib.sha256(data).hexdigest(), url=url, fetched_at=fetched_at,
                article=article, meta=meta)


def sniff(path: Path, head: bytes) -> bool:
    text = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"page_wrap" in head and b"exported data" in text:
        return False  # Telegram Desktop's HTML export: chats, not a web page
    if b"<title>fakewatch report</title>" in text:
        return False  # fakewatch's own report.html, left next to the inputs: output, not evidence
    if path.suffix.lower() in SUFFIXES:
        return True
    return text.startswith(b"<") and any(mark in text[:1024] for mark in _MARKUP)


def read(ctx: ReadContext) -> Iterator[Page]:
    size = ctx.path.stat().st_size
    if size > MAX_PAGE_BYTES:
        raise ctx.fail("file", f"page of {size:,} bytes is larger than the {MAX_PAGE_BYTES:,} accepted")
    data = ctx.path.read_bytes()
    saved = datetime.fromtimestamp(ctx.path.stat().st_mtime, tz=timezone.utc)
    page = page_from_bytes(data, fetched_at=saved)
    if page.article.meta.get("cut"):
        ctx.note(f"page: {page.article.meta['cut']}")
    if page.url is None:
        ctx.note("page: no saved-from URL or canonical link, so the domain it was hosted on is unknown")
    yield page


def store(conn: Connection, records: list[Page], input_id: int) -> int:
    """Write pages (and their tracker ids); a page already held (same bytes, same URL) is skipped."""
    added = 0
    for page in records:
        if not isinstance(page, Page):
            raise ReadError("?", "record", f"web source cannot store {type(page).__name__}")
        same_url = pages.c.url.is_(None) if page.url is None else pages.c.url == page.url
        held = conn.execute(select(pages.c.id).where(pages.c.sha256 == page.sha256, same_url)).first()
        if held:
            continue
        a, host = page.article, page.host
        fetched = page.fetched_at.astimezone(timezone.utc).replace(tzinfo=None) if page.fetched_at else None
        page_id = conn.execute(pages.insert().values(
            url=page.url, host=host, domain=registrable(host) if host else None, sha256=page.sha256, html=page.data,
            title=a.title, author=a.author, date=a.date, text=a.text, site_name=a.site_name, canonical=a.canonical,
            lang=a.lang, claims=a.claims or None, meta={**a.meta, **page.meta}, fetched_at=fetched,
            input_id=input_id,
        )).inserted_primary_key[0]
        if a.trackers and host:
            conn.execute(trackers.insert(), [
                {"domain": registrable(host), "tracker_kind": kind, "tracker_id": tid, "page_id": page_id}
                for kind, tid in a.trackers
            ])
        added += 1
    return added

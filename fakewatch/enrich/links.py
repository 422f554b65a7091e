"""Links, domains and Telegram handles in a message: from its text, its `text_link` hrefs and its mentions.

Every URL is normalised (scheme and host lower-cased, ``www.`` and trailing
punctuation dropped, tracking parameters and fragments removed) so the same
link pasted in many chats is one key. The registrable domain and public suffix
come from the Public Suffix List snapshot bundled in `tldextract`, read with no
network access (private suffixes included, so ``name.github.io`` is its own
domain). Shorteners are flagged from the list in ``fakewatch/data/enrich``.
``@name`` mentions and ``t.me/name`` links become rows with `tg_handle` set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import regex
import tldextract

from fakewatch.enrich.normalize import MENTION_RE, URL_RE, clean

TELEGRAM_HOSTS = {"t.me", "telegram.me", "telegram.dog"}
# t.me paths that are features, not accounts or channels.
_TG_RESERVED = {"share", "addstickers", "addemoji", "addtheme", "proxy", "socks", "iv", "setlanguage", "login",
                "confirmphone", "bg", "invoice", "boost", "addlist", "contact", "m"}
_TRACKING = regex.compile(r"^(?:utm_\w+|fbclid|gclid|yclid|igshid|si|ref_src|_openstat|from)$", regex.IGNORECASE)
_TRAILING = ".,;:!?…)]}»\"'"
_HANDLE = regex.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
MAX_URL = 2048  # longer "URLs" are junk or attacks; the prefix is enough to key on


@dataclass(frozen=True)
class Link:
    url: str
    host: str
    domain: str
    suffix: str
    shortener: bool
    tg_handle: str | None
    from_entity: bool = False


@cache
def _extractor() -> tldextract.TLDExtract:
    # No suffix list URLs and no cache dir: the snapshot shipped inside the package is used, offline.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True,
                                 include_psl_private_domains=True)


@cache
def shorteners() -> frozenset[str]:
    """Hosts of URL shorteners, from the list shipped with fakewatch."""
    text = (files("fakewatch") / "data" / "enrich" / "shorteners.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _host(netloc_host: str) -> str:
    host = netloc_host.lower().rstrip(".")
    if host.startswith("xn--") or ".xn--" in host:
        try:
            host = host.encode("ascii").decode("idna")
        except UnicodeError:
            pass
    return host.removeprefix("www.")


def _tg_handle(host: str, path: str, query: str) -> str | None:
    """The Telegram account or channel a t.me-style link points to (invites as '+hash'), else None."""
    if host.endswith(".t.me") and host.count(".") == 2:
        name = host.split(".")[0]
        return name.lower() if _HANDLE.match(name) else None
    if host not in TELEGRAM_HOSTS:
        return None
    parts = [p for p in path.split("/") if p]
    if parts[:1] == ["s"]:
        parts = parts[1:]
    if not parts:
        return None
    if parts[0] == "joinchat" and len(parts) > 1:
        return "+" + parts[1]
    if parts[0].startswith("+") and len(parts[0]) > 1:
        return parts[0]
    if parts[0] == "c" and len(parts) > 1 and parts[1].isdigit():
        return "c/" + parts[1]  # a private channel by id
    if parts[0].lower() in _TG_RESERVED or not _HANDLE.match(parts[0]):
        return None
    return parts[0].lower()


def normalise_url(raw: str) -> str | None:
    """`raw` in its canonical form, or None when it has no usable host."""
    raw = clean(raw.strip())[:MAX_URL].rstrip(_TRAILING)
    if raw.lower().startswith("tg://resolve"):
        domain = dict(parse_qsl(urlsplit(raw).query)).get("domain", "")
        return f"https://t.me/{domain.lower()}" if _HANDLE.match(domain) else None
    if "://" not in raw[:12]:
        raw = "https://" + raw  # bare "bit.ly/x" and "https://bit.ly/x" are one link
    try:
        parts = urlsplit(raw)
        host = _host(parts.hostname or "")
        port = parts.port
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") if parts.path != "/" else ""
    netloc = f"{host}:{port}" if port and port not in (80, 443) else host
    scheme = parts.scheme.lower() if parts.scheme.lower() in ("http", "https", "ftp") else "https"
    return urlunsplit((scheme, netloc, path, query, ""))


def link(raw: str, *, from_entity: bool = False) -> Link | None:
    """The `Link` row for one raw URL, or None when it is not a usable URL."""
    url = normalise_url(raw)
    if url is None:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    ext = _extractor()(host)
    domain = ext.top_domain_under_public_suffix or host
    if not ext.suffix and not ext.ipv4:
        return None
    short = host in shorteners() or domain in shorteners()
    return Link(url=url, host=host, domain=domain, suffix=ext.suffix, shortener=short,
                tg_handle=_tg_handle(host, parts.path, parts.query), from_entity=from_entity)


def mention(handle: str, *, from_entity: bool = False) -> Link | None:
    """The t.me row for an ``@handle``."""
    handle = handle.lstrip("@")
    if not _HANDLE.match(handle):
        return None
    return link(f"https://t.me/{handle}", from_entity=from_entity)


def find_links(text: str, entity_urls: Iterable[str] = (), entity_mentions: Iterable[str] = ()) -> list[Link]:
    """Links and mentions in `text` and in the message's entities, one row per normalised URL."""
    text = clean(text)
    found: dict[str, Link] = {}

    def add(item: Link | None) -> None:
        if item is None:
            return
        prior = found.get(item.url)
        if prior is None or (item.from_entity and not prior.from_entity):
            found[item.url] = item

    for m in URL_RE.finditer(text):
        add(link(m.group()))
    for m in MENTION_RE.finditer(text):
        add(mention(m.group(1)))
    for url in entity_urls:
        add(link(url, from_entity=True))
    for handle in entity_mentions:
        add(mention(handle, from_entity=True))
    return list(found.values())

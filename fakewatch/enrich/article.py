"""What a web page says about itself: article fields (trafilatura), the names it claims, trackers it carries.

Pages come from the people running a campaign, so everything here is bounded
and inert: the bytes are decoded without trusting the declared charset blindly,
inline ``data:`` blobs (saved pages embed their images) are dropped before
parsing, only the first :data:`MAX_PARSE_CHARS` characters are parsed, and no
script is ever run (lxml parses markup; nothing evaluates it). A meta refresh
is recorded, never followed.

Claims are the names a page gives itself - ``og:site_name``, the
``application-name`` meta, the alt text of its logo, its ``<title>`` and the
tail of it ("... — Tengrinews.kz"), the copyright line - which a cloned page
copies from the outlet it imitates. Tracker ids (Google Analytics UA-/G-,
Tag Manager GTM-, Yandex.Metrika counters, the Meta pixel, AdSense ca-pub-,
Mail.ru Top counters) tie pages on different domains to one operator.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from charset_normalizer import from_bytes

MAX_PARSE_CHARS = 2_000_000
"""Characters of a page that are parsed; a longer page is cut (articles are far shorter)."""
FULL_EXTRACTION_CHARS = 300_000
"""Above this, trafilatura runs without its fallback extractors, whose cost grows with the square of the
number of blocks (20,000 paragraphs: 36 s with them, 2.5 s without)."""
MAX_TEXT = 200_000
"""Characters of extracted article text kept."""
MAX_CLAIM = 200
"""A claimed name longer than this is page text, not a name."""
MAX_PER_KIND = 10
"""Claims of one kind, and tracker ids of one kind, kept per page (a hostile page may repeat thousands)."""

_BLOB = re.compile(rb"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]{256,}")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]{2,40})""", re.IGNORECASE)
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.IGNORECASE)
_SINGLEFILE = re.compile(r"<!--\s*Page saved with SingleFile\s*\n?\s*url:\s*(\S+)", re.IGNORECASE)
_TITLE_SPLIT = re.compile(r"\s+[|—–\-:·•»]{1,2}\s+")
_COPYRIGHT = re.compile(r"(?:©|&copy;|\(c\)|copyright)\s*(?:\d{4}\s*(?:[-–]\s*\d{4})?\s*)?[,.]?\s*"
                        r"([^\n|©]{2,80}?)(?:\s*(?:\d{4}|[.|]|all rights|все права|барлық құқықтар)|$)",
                        re.IGNORECASE | re.MULTILINE)
_WEB_DEFAULTS = ("utf_8", "cp1251", "cp1252", "koi8_r")
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"\s>]+)", re.IGNORECASE)

TRACKER_PATTERNS: dict[str, re.Pattern[str]] = {
    "ga-ua": re.compile(r"\b(UA-\d{4,10})-\d{1,4}\b"),  # the account part: one owner's properties share it
    "ga4": re.compile(r"""(?:[?&]id=|['"(,]\s*)(G-[A-Z0-9]{6,12})\b"""),
    "gtm": re.compile(r"\b(GTM-[A-Z0-9]{4,9})\b"),
    "yandex-metrika": re.compile(r"(?:mc\.yandex\.(?:ru|com|kz)/watch/|yaCounter|\bym\(\s*)(\d{5,10})"),
    "meta-pixel": re.compile(r"""(?:fbq\(\s*['"]init['"]\s*,\s*['"]|facebook\.com/tr\?id=)(\d{10,20})"""),
    "adsense": re.compile(r"\b(?:ca-)?(pub-\d{10,20})\b"),
    "mailru-top": re.compile(r"""(?:top-fwz1\.mail\.ru/counter\?id=|_tmr\.push\(\{\s*id:\s*['"])(\d{4,10})"""),
}


@dataclass
class Article:
    """A page's extracted fields; every string is as the page gives it (hostile: escape when shown)."""

    title: str | None = None
    author: str | None = None
    date: str | None = None
    text: str | None = None
    site_name: str | None = None
    canonical: str | None = None
    lang: str | None = None
    claims: dict[str, list[str]] = field(default_factory=dict)
    trackers: list[tuple[str, str]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def decode_html(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding used): BOM, then the HTTP charset, then the meta charset, each only if it decodes
    cleanly; then UTF-8; then charset detection; last UTF-8 with replacement characters."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    meta = _META_CHARSET.search(data[:4096])
    for enc in (declared, meta.group(1).decode("ascii", "replace") if meta else None, "utf-8"):
        if not enc:
            continue
        try:
            codecs.lookup(enc)
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            continue
    guesses = list(from_bytes(data[:200_000]))
    if guesses:
        # Among equally clean guesses, the encodings the web really uses beat their rare twins
        # (windows-1251 reads exactly like mac-cyrillic except for a few letters such as С).
        cleanest = [g for g in guesses if g.chaos <= min(x.chaos for x in guesses)]
        best = next((g for enc in _WEB_DEFAULTS for g in cleanest if g.encoding == enc), cleanest[0])
        return data.decode(best.encoding, errors="replace"), best.encoding
    return data.decode("utf-8", errors="replace"), "utf-8/replace"


def saved_from(text: str) -> str | None:
    """The URL a browser ("saved from url=") or SingleFile wrote into a saved page."""
    head = text[:4096]
    found = _SAVED_FROM.search(head) or _SINGLEFILE.search(head)
    return found.group(1) if found else None


def find_trackers(text: str) -> list[tuple[str, str]]:
    """(kind, id) of every tracker and ad id in the page source, in order of first appearance."""
    found: dict[tuple[str, str], int] = {}
    for kind, pattern in TRACKER_PATTERNS.items():
        ids: set[str] = set()
        for m in pattern.finditer(text):
            ids.add(m.group(1))
            if len(ids) > MAX_PER_KIND:
                break
            found.setdefault((kind, m.group(1)), m.start())
    return sorted(found, key=found.__getitem__)


def _clip(value: Any, limit: int = MAX_CLAIM) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value[:limit] or None


def _claims(doc: Any, title: str | None, text_tail: str) -> dict[str, list[str]]:
    claims: dict[str, list[str]] = {}

    def add(kind: str, value: Any) -> None:
        value = _clip(value)
        if value and value not in claims.setdefault(kind, []) and len(claims[kind]) < MAX_PER_KIND:
            claims[kind].append(value)

    for meta in doc.iter("meta"):
        prop = (meta.get("property") or meta.get("name") or "").strip().lower()
        if prop in ("og:site_name", "application-name", "twitter:site", "publisher", "copyright"):
            add(prop, meta.get("content"))
    for img in doc.iter("img"):
        marks = " ".join(filter(None, (img.get("class"), img.get("id"), img.get("src")))).lower()
        if "logo" in marks and img.get("alt"):
            add("logo-alt", img.get("alt"))
    if title:
        add("title", title)
        parts = _TITLE_SPLIT.split(title)
        if len(parts) > 1:
            add("title-tail", parts[-1])
            add("title-head", parts[0])
    for m in _COPYRIGHT.finditer(text_tail):
        add("copyright", m.group(1).strip(" ,.-–"))
    return {k: v for k, v in claims.items() if v}


def _meta_refresh(doc: Any) -> str | None:
    for meta in doc.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() == "refresh":
            found = _REFRESH_URL.search(meta.get("content") or "")
            if found:
                return found.group(1)[:2048]
    return None


def _language(declared: str | None, text: str | None) -> str | None:
    if declared:
        code = declared.strip().lower().replace("_", "-").split("-")[0]
        if 2 <= len(code) <= 3 and code.isalpha():
            return code
    if text:
        from fakewatch.enrich.language import detect_language

        code, _conf = detect_language(text)
        return code or None
    return None


def extract(data: bytes, url: str | None = None, *, declared_charset: str | None = None) -> Article:
    """Everything fakewatch keeps from one page's bytes. Never raises on malformed markup."""
    cleaned = _BLOB.sub(b"data:", data)
    text, encoding = decode_html(cleaned, declared_charset)
    meta: dict[str, Any] = {"encoding": encoding}
    if len(text) > MAX_PARSE_CHARS:
        text = text[:MAX_PARSE_CHARS]
        meta["cut"] = f"only the first {MAX_PARSE_CHARS:,} characters were parsed"
    if found := saved_from(text):
        meta["saved_from"] = found
    article = Article(trackers=find_trackers(text), meta=meta)
    try:
        doc = lxml.html.document_fromstring(text.encode("utf-8"),
                                            parser=lxml.html.HTMLParser(encoding="utf-8", no_network=True))
    except (lxml.etree.ParserError, ValueError):
        return article  # nothing but whitespace or comments: an empty page
    article.meta["refresh"] = _meta_refresh(doc)
    canonical = doc.xpath("//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href")
    og_url = doc.xpath("//meta[@property='og:url']/@content")
    article.canonical = _clip(canonical[0] if canonical else (og_url[0] if og_url else None), 2048)
    html_lang = doc.get("lang") or next(iter(doc.xpath("//meta[@http-equiv='content-language']/@content")), None)
    title_tag = _clip(doc.findtext(".//title"), 500)
    tail = doc.text_content()[-5000:]
    article.claims = _claims(doc, title_tag, tail)
    import trafilatura  # here: a tenth of a second of imports that only pages need

    try:  # on the text, not `doc`: trafilatura prunes the tree it is given
        found = trafilatura.bare_extraction(text, url=url, with_metadata=True, include_comments=False,
                                            fast=len(text) > FULL_EXTRACTION_CHARS)
    except (ValueError, TypeError, AttributeError, RecursionError):
        found = None
    fields = found.as_dict() if found is not None and hasattr(found, "as_dict") else (found or {})
    article.title = _clip(fields.get("title"), 500) or title_tag
    article.author = _clip(fields.get("author"), 300)
    article.date = _clip(fields.get("date"), 32)
    article.text = (fields.get("text") or "")[:MAX_TEXT] or None
    article.site_name = _clip(fields.get("sitename"))
    article.lang = _language(html_lang, article.text)
    if article.site_name:
        article.claims.setdefault("site-name", [article.site_name])
    return article

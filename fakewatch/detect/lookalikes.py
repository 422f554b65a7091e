"""The look-alike outlets detector: which domains in the corpus imitate a news outlet, and which pages clone one.

Run as part of ``fakewatch detect`` (listed in ``EXTRA_DETECTORS``), it rebuilds
the ``lookalikes`` table and the corpus-derived rows of ``outlets``:

1. **Protected outlets** are the registry (bundled + ``outlets add``) plus the
   news domains that *ordinary members* of the corpus link to, so that a
   look-alike of a local outlet no list knows is still caught. A linked domain
   counts as such an outlet when (all thresholds below are named constants):
   many distinct accounts link it (:data:`MIN_ACCOUNTS`), no single one of
   them dominates (:data:`MAX_ACCOUNT_SHARE`), on many days
   (:data:`MIN_ACTIVE_DAYS`) over a long span (:data:`MIN_SPAN_DAYS`) - a
   campaign pushes its fake domain in a burst by a few accounts, ordinary
   readers share a real outlet for months - its links look like articles
   (:data:`MIN_ARTICLE_SHARE`), and it is not itself a look-alike of a
   registered outlet or of a more widely linked corpus outlet, nor the host of
   a page that claims to be some other outlet.
2. **Look-alike domains**: every host linked in messages and every page host
   (and meta-refresh target) is matched with
   :func:`fakewatch.detect.impersonation.match_domain`.
3. **Cloned pages**: a page whose ``og:site_name``, site name, logo alt text,
   title tail, copyright line or canonical link names a protected outlet while
   it is hosted elsewhere. When pages of the real outlet were ingested too, the
   share of the clone's word trigrams found in them is recorded (copied text).
4. **Shared trackers**: analytics and ad ids found on pages of more than one
   domain are listed with each look-alike as a sign of one operator.

:func:`impersonations` hands the result to campaign assembly with the messages
behind each domain.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, func, select

from fakewatch.detect.impersonation import Match, OutletIndex, clean_host, match_domain, skeleton
from fakewatch.outlets import CORPUS, Outlet, load_outlets, registrable, replace_corpus_outlets, to_ascii
from fakewatch.store.db import has_table
from fakewatch.store.tables.outlets import lookalikes, pages, trackers

Progress = Callable[[str, int, "int | None"], None]

MIN_ACCOUNTS = 5
"""Distinct accounts that must link a domain before the corpus vouches for it as an outlet."""
MAX_ACCOUNT_SHARE = 0.5
"""No one account may have posted more than this share of a corpus outlet's links."""
MIN_ACTIVE_DAYS = 4
"""Distinct days with links to it: a campaign's fake domain arrives in a burst of a day or two."""
MIN_SPAN_DAYS = 14
"""Days between the first and last link to it (or :data:`MIN_SPAN_SHARE` of the corpus's span, if shorter)."""
MIN_SPAN_SHARE = 0.5
"""For corpora shorter than a month: the share of the corpus's days the links must span."""
MAX_DAY_SHARE = 0.4
"""No single day may hold more than this share of its links: campaigns push their domain in bursts."""
MIN_URLS = 3
"""Distinct links to it: readers share many articles of an outlet, a campaign pushes one or two."""
MIN_URL_SHARE = 0.25
"""Distinct links per link: a hundred copies of one URL is a campaign, not a readership."""
MIN_ARTICLE_SHARE = 0.3
"""Share of its distinct links whose path looks like an article (dated, sectioned, slugged or numbered)."""
CLONE_SCORE = 0.85
"""Score of a page that names an outlet it is not hosted on (raised when its domain also looks alike)."""
COPIED_TEXT = 0.5
"""Share of a clone's word trigrams found in the outlet's real pages from which its text counts as copied."""

_ARTICLE_PATH = re.compile(
    r"/(?:19|20)\d\d[/-][01]?\d[/-]|/(?:news|novosti|novost|article|articles|stati|statya|story|stories|politics|"
    r"politika|society|obshestvo|obshchestvo|kogam|qogam|ekonomika|economy|economic|business|biznes|world|mir|"
    r"v-mire|incidents|proisshestviya|kriminal|sport|culture|kultura|zhanalyqtar|kazakhstan|regions|regiony|"
    r"opinion|mnenie|interview|intervyu|analytics|analitika|a|amp)/",
    re.IGNORECASE,
)
"""A news article's path: dated (``/2025/04/18/``) or under a news section (``/news/``, ``/obshestvo/``, ``/a/``).
Slugs and numeric ids alone are not enough: shops and maps have them too."""
CLAIM_FIELDS = ("og:site_name", "site-name", "application-name", "logo-alt", "title-tail", "title", "copyright",
                "publisher")
"""Where a page names itself; each is compared whole and cut at separators ("Шындық | Shyndyk.kz"), and must
equal an outlet's name, domain or brand (a headline merely mentioning an outlet names nothing)."""
_SEPARATORS = re.compile(r"\s*(?:[|—–·•:»]|\s-\s)\s*")
_NON_WORD = re.compile(r"[\W_]+")


@dataclass
class LookalikeReport:
    hosts: int = 0  # distinct hosts examined
    pages: int = 0
    corpus_outlets: list[str] = field(default_factory=list)
    lookalikes: int = 0
    clones: int = 0
    shared_trackers: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class SharedTracker:
    kind: str
    tracker_id: str
    domains: tuple[str, ...]
    page_ids: tuple[int, ...]


@dataclass
class Impersonation:
    """One look-alike domain with everything behind it, for campaigns and reports."""

    domain: str
    registrable: str
    outlet: str
    method: str
    score: float
    detail: str
    message_pks: list[int]
    page_ids: list[int]
    evidence: dict[str, Any]


# --- protected outlets ---------------------------------------------------------------------------

def _is_article(url: str) -> bool:
    """Whether a link's path looks like an article's rather than a home, profile or product page."""
    return bool(_ARTICLE_PATH.search("/" + url.split("://", 1)[-1].partition("/")[2]))


def corpus_outlets(engine: Engine, registry: OutletIndex) -> list[Outlet]:
    """The news domains ordinary members of the corpus link to (see the module docstring)."""
    from fakewatch.store.tables.core import messages
    from fakewatch.store.tables.enrich import links

    if not has_table(engine, "links"):
        return []
    per_domain: dict[str, dict[str, Any]] = defaultdict(lambda: {"accounts": Counter(), "days": Counter(),
                                                                 "urls": set()})
    query = (select(links.c.domain, links.c.url, messages.c.account_id, messages.c.sent_at)
             .join(messages, messages.c.id == links.c.message_pk)
             .where(links.c.tg_handle.is_(None), links.c.shortener.is_(False), messages.c.account_id.is_not(None)))
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(messages.c.sent_at), func.max(messages.c.sent_at))).one()
        if first is None:
            return []
        min_span = min(MIN_SPAN_DAYS, MIN_SPAN_SHARE * (last - first).days)
        for domain, url, account, sent in conn.execute(query):
            entry = per_domain[domain]
            entry["accounts"][account] += 1
            entry["days"][sent.date()] += 1
            if len(entry["urls"]) < 500:
                entry["urls"].add(url)
    found: list[tuple[int, Outlet]] = []
    for domain, e in per_domain.items():
        accounts, days = e["accounts"], e["days"]
        total = sum(accounts.values())
        span = (max(days) - min(days)).days
        urls = len(e["urls"])
        if (urls < MIN_URLS or urls < MIN_URL_SHARE * min(total, 500) or len(accounts) < MIN_ACCOUNTS or max(accounts.values()) > MAX_ACCOUNT_SHARE * total
                or len(days) < MIN_ACTIVE_DAYS or span < min_span or max(days.values()) > MAX_DAY_SHARE * total):
            continue
        article_share = sum(map(_is_article, e["urls"])) / len(e["urls"])
        if article_share < MIN_ARTICLE_SHARE or registry.is_outlet(domain) or match_domain(domain, registry):
            continue
        evidence = {"accounts": len(accounts), "links": total, "active_days": len(days),
                    "first": min(days).isoformat(), "last": max(days).isoformat(),
                    "article_share": round(article_share, 2)}
        found.append(((span, len(accounts)), Outlet(domain=domain, name=domain, source=CORPUS, evidence=evidence)))
    # Of two corpus domains that look alike, the one linked over the longer span (then by more accounts)
    # is the outlet: the real one was read before the campaign started and after it ended.
    found.sort(key=lambda f: (-f[0][0], -f[0][1], f[1].domain))
    kept: list[Outlet] = []
    for _rank, outlet in found:
        if not kept or match_domain(outlet.domain, kept) is None:
            kept.append(outlet)
    return kept


def declared_outlets(page_rows: Iterable[Any], index: OutletIndex) -> list[Outlet]:
    """Outlets that pages hosted elsewhere declare themselves to be: the canonical link points to domain C,
    and the page's site name, logo or title names C. A clone says whose it pretends to be, so its victim is
    protected even when no list knows it and the corpus never linked it."""
    found: dict[str, Outlet] = {}
    for r in page_rows:
        host, canonical = r["host"], clean_host(r["canonical"] or "")
        if not host or not canonical or "." not in canonical or index.is_outlet(canonical):
            continue
        target = registrable(canonical)
        if target == registrable(host) or target in found:
            continue
        candidate = Outlet(domain=target, name=target, source="page")
        named = _claimed(r["claims"] or {}, _claim_keys([candidate]))
        if named:
            claim = next(v for k in CLAIM_FIELDS for v in (r["claims"] or {}).get(k, ()))
            found[target] = Outlet(domain=target, name=_SEPARATORS.split(claim)[0] or target, source="page",
                                   aliases=(candidate.label,), evidence={"declared_by_page": r["id"]})
    return list(found.values())


# --- cloned pages --------------------------------------------------------------------------------

def _name_key(text: str) -> str:
    return _NON_WORD.sub("", skeleton(text.casefold()))


# Russian and Kazakh Cyrillic in the two Latin spellings outlets use for their domains
# ("Хабар" is khabar.kz but also habar.kz; "Шындық" is shyndyq or shyndyk).
_TRANSLIT = [
    str.maketrans({"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
                   "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
                   "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
                   "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ә": "a", "ғ": "gh", "қ": "q",
                   "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i"}),
    str.maketrans({"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z",
                   "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
                   "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch", "ш": "sh", "щ": "sh",
                   "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "ә": "a", "ғ": "g", "қ": "k",
                   "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i"}),
]


def _name_keys(text: str) -> set[str]:
    """The matching keys of a name as written and in both Latin transliterations of its Cyrillic."""
    folded = text.casefold()
    return {_name_key(folded), *(_name_key(folded.translate(t)) for t in _TRANSLIT)}


def _claim_keys(outlets: Iterable[Outlet]) -> dict[str, list[Outlet]]:
    """Normalised names an outlet goes by: its name, its domain, its brand label and aliases."""
    keys: dict[str, list[Outlet]] = defaultdict(list)
    for o in outlets:
        for name in {o.name, o.domain, o.label, *o.aliases}:
            for key in _name_keys(name):
                if len(key) >= 4 and o not in keys[key]:
                    keys[key].append(o)
    return keys


def _claimed(claims: dict[str, list[str]], keys: dict[str, list[Outlet]]) -> dict[str, list[str]]:
    """outlet domain -> the claim fields that name it."""
    named: dict[str, list[str]] = defaultdict(list)
    for kind in CLAIM_FIELDS:
        for value in claims.get(kind, ()):
            parts = {value, *_SEPARATORS.split(value)}
            for outlet in {o for part in parts for key in _name_keys(part) for o in keys.get(key, ())}:
                if kind not in named[outlet.domain]:
                    named[outlet.domain].append(kind)
    return named


def _trigrams(text: str | None) -> set[str]:
    words = _NON_WORD.sub(" ", (text or "").casefold()).split()
    return {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}


def _copied_share(text: str | None, originals: list[set[str]]) -> float:
    grams = _trigrams(text)
    if not grams or not originals:
        return 0.0
    return max(len(grams & o) / len(grams) for o in originals)


# --- the run -------------------------------------------------------------------------------------

def _host_messages(engine: Engine) -> Counter[str]:
    from fakewatch.store.tables.enrich import links

    if not has_table(engine, "links"):
        return Counter()
    counts: Counter[str] = Counter()
    with engine.connect() as conn:
        for host, n in conn.execute(select(links.c.host, func.count(func.distinct(links.c.message_pk)))
                                    .where(links.c.tg_handle.is_(None)).group_by(links.c.host)):
            counts[clean_host(host)] += n
    return counts


def shared_trackers(engine: Engine) -> list[SharedTracker]:
    """Tracker and ad ids seen on pages of two or more domains: one operator's sign."""
    by_id: dict[tuple[str, str], dict[str, set]] = defaultdict(lambda: {"domains": set(), "pages": set()})
    with engine.connect() as conn:
        for kind, tid, domain, page_id in conn.execute(
                select(trackers.c.tracker_kind, trackers.c.tracker_id, trackers.c.domain, trackers.c.page_id)):
            entry = by_id[(kind, tid)]
            entry["domains"].add(domain)
            entry["pages"].add(page_id)
    return [SharedTracker(kind, tid, tuple(sorted(e["domains"])), tuple(sorted(e["pages"])))
            for (kind, tid), e in sorted(by_id.items()) if len(e["domains"]) > 1]


def detect(engine: Engine, *, params: Any = None, progress: Progress | None = None) -> LookalikeReport:
    """Rebuild ``lookalikes`` (and the corpus outlets) from links and pages. `params` is unused (detect's hook)."""
    start = time.perf_counter()
    report = LookalikeReport()
    registry = OutletIndex(load_outlets(engine, corpus=False))
    with engine.connect() as conn:
        page_rows = conn.execute(select(pages.c.id, pages.c.host, pages.c.domain, pages.c.claims, pages.c.canonical,
                                        pages.c.text, pages.c.meta)).mappings().all()
    report.pages = len(page_rows)
    # Pages naming an outlet they are not hosted on: their hosts are never corpus outlets.
    declared = declared_outlets(page_rows, registry)
    named_keys = _claim_keys([*registry.outlets.values(), *declared])
    claimers = {r["domain"] for r in page_rows if r["domain"] and
                any(d != r["domain"] for d in _claimed(r["claims"] or {}, named_keys))}
    found_corpus = [o for o in corpus_outlets(engine, registry) if o.domain not in claimers]
    replace_corpus_outlets(engine, found_corpus)
    report.corpus_outlets = [o.domain for o in found_corpus]
    corpus_domains = {o.domain for o in found_corpus}
    protected = [*registry.outlets.values(), *found_corpus, *(o for o in declared if o.domain not in corpus_domains)]
    index = OutletIndex(protected)

    hosts = _host_messages(engine)
    page_hosts: dict[str, list[int]] = defaultdict(list)
    for r in page_rows:
        for host in (r["host"], clean_host((r["meta"] or {}).get("refresh") or "")):
            if host:
                page_hosts[to_ascii(host)].append(r["id"])
    candidates = sorted(set(hosts) | set(page_hosts))
    report.hosts = len(candidates)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for n, host in enumerate(candidates, 1):
        match = match_domain(host, index)
        if match:
            for outlet in (match.outlet.domain, *match.also):
                rows[(match.domain, outlet)] = _row(match, outlet, hosts.get(host, 0), page_hosts.get(host, []))
        if progress and n % 1000 == 0:
            progress("look-alike domains", n, len(candidates))

    report.clones = _clones(page_rows, index, protected, rows)
    tracker_links = shared_trackers(engine)
    report.shared_trackers = len(tracker_links)
    for row in rows.values():
        shared = [{"kind": t.kind, "id": t.tracker_id, "domains": list(t.domains)}
                  for t in tracker_links if row["registrable"] in t.domains or row["domain"] in t.domains]
        if shared:
            row["evidence"]["shared_trackers"] = shared
            others = sorted({d for t in shared for d in t["domains"]} - {row["domain"], row["registrable"]})
            ids = ", ".join(t["id"] for t in shared)
            row["detail"] += f"; its pages share tracker ids ({ids}) with {', '.join(others)}"
    with engine.begin() as conn:
        conn.execute(delete(lookalikes))
        if rows:
            conn.execute(lookalikes.insert(), list(rows.values()))
    report.lookalikes = len({d for d, _o in rows})
    report.seconds = round(time.perf_counter() - start, 3)
    if progress:
        progress("look-alike domains", len(candidates), len(candidates))
    return report


def _row(match: Match, outlet: str, messages: int, page_ids: list[int]) -> dict[str, Any]:
    return {"domain": match.domain, "registrable": registrable(match.domain), "outlet_domain": outlet,
            "method": match.method, "score": match.score, "detail": match.detail,
            "evidence": {"messages": messages, "pages": sorted(set(page_ids))}}


def _clones(page_rows: list[Any], index: OutletIndex, protected: list[Outlet],
            rows: dict[tuple[str, str], dict[str, Any]]) -> int:
    """Add (or strengthen) a row for every page that names an outlet it is not hosted on; returns how many."""
    keys = _claim_keys(protected)
    originals: dict[str, list[set[str]]] = defaultdict(list)
    for r in page_rows:
        if r["domain"] and index.is_outlet(r["host"] or r["domain"]):
            originals[registrable(r["host"] or r["domain"])].append(_trigrams(r["text"]))
    clones = 0
    for r in page_rows:
        host = r["host"]
        if not host or index.is_outlet(host):
            continue
        named = _claimed(r["claims"] or {}, keys)
        canonical = clean_host(r["canonical"] or "")
        if canonical and canonical != host and index.is_outlet(canonical):
            named.setdefault(registrable(canonical), []).append("canonical")
        for outlet, fields in named.items():
            if outlet not in index.outlets:
                continue
            copied = _copied_share(r["text"], originals.get(outlet, []))
            key = (host, outlet)
            existing = rows.get(key)
            score = min(0.99, max(CLONE_SCORE, existing["score"] + 0.05 if existing else 0.0)
                        + (0.05 if copied >= COPIED_TEXT else 0.0))
            detail = (f"page on {host} presents itself as {index.outlets[outlet].name} ({', '.join(fields)})"
                      + (f"; {copied:.0%} of its text is found in {outlet}'s own pages" if copied >= 0.2 else ""))
            clone = {"page": r["id"], "fields": fields, "copied_share": round(copied, 3)}
            if existing:
                existing["score"] = round(score, 3)
                existing["detail"] = f"{existing['detail']}; {detail}"
                existing["evidence"].setdefault("clones", []).append(clone)
                existing["evidence"]["pages"] = sorted({*existing["evidence"]["pages"], r["id"]})
            else:
                rows[key] = {"domain": host, "registrable": registrable(host), "outlet_domain": outlet,
                             "method": f"clone:{fields[0]}", "score": round(score, 3), "detail": detail,
                             "evidence": {"messages": 0, "pages": [r["id"]], "clones": [clone]}}
            clones += 1
    return clones


def impersonations(engine: Engine) -> list[Impersonation]:
    """Every look-alike domain with the messages linking to it and the pages hosted on it, best first."""
    from fakewatch.store.tables.enrich import links

    if not has_table(engine, "lookalikes"):
        return []
    with engine.connect() as conn:
        rows = conn.execute(select(lookalikes).order_by(lookalikes.c.score.desc(), lookalikes.c.domain)
                            ).mappings().all()
        by_host: dict[str, set[int]] = defaultdict(set)
        if rows and has_table(engine, "links"):
            wanted = {r["domain"] for r in rows}
            for host, pk in conn.execute(select(links.c.host, links.c.message_pk).where(
                    links.c.tg_handle.is_(None), links.c.host.in_(wanted | {"www." + d for d in wanted}))):
                by_host[clean_host(host)].add(pk)
    return [Impersonation(domain=r["domain"], registrable=r["registrable"], outlet=r["outlet_domain"],
                          method=r["method"], score=r["score"], detail=r["detail"],
                          message_pks=sorted(by_host.get(r["domain"], ())),
                          page_ids=list((r["evidence"] or {}).get("pages", [])), evidence=r["evidence"] or {})
            for r in rows]

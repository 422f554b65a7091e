"""The public check: is this message or link part of a known fake campaign?

Answers `{"verdict": "known_fake" | "suspicious" | "no_match", "matches": [...],
"signals": [...]}` (shape in issue 8); a file check adds `"media": [...]`, the media clusters the
file is a copy of, with their published debunk. A text matches a campaign when its
template (same :func:`~fakewatch.enrich.normalize.template` as detection) is a
near-duplicate of one of the campaign's texts, or when it links to the
campaign's own domains or short links. A text with no content word (empty, emoji,
punctuation, "ok", "+": :mod:`fakewatch.check.content`) is never compared with campaign
texts; when nothing else in it matches either, the answer is `no_match` with
`"reason": "no_content"`. Coordinated activity without a harm signal (A1, ...) is not
matched at all. Independent of any campaign, links to look-alike domains
of real outlets and phone numbers of watchlisted people are signals.
Nothing is fetched: a submitted URL is judged by its address alone unless the
operator enabled fetching; then the page is fetched under :mod:`fakewatch.fetch`'s
SSRF rules and its final address, title and text are matched too.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine, func, select

from fakewatch.check import debunks
from fakewatch.check.content import has_content
from fakewatch.check.index import CampaignIndex
from fakewatch.detect.campaigns import CODE_PREFIXES
from fakewatch.detect.impersonation import OutletIndex, match_domain
from fakewatch.detect.media import match_file
from fakewatch.detect.neardup import THRESHOLD
from fakewatch.enrich.links import find_links, link
from fakewatch.enrich.normalize import template
from fakewatch.enrich.phones import find_phones
from fakewatch.fetch import FetchError, fetch
from fakewatch.outlets import load_outlets
from fakewatch.model import iso
from fakewatch.store.tables.campaigns import campaign_clusters, campaign_messages, campaigns
from fakewatch.store.tables.detect import clusters
from fakewatch.store.tables.enrich import enrichment, links, watchlist
from fakewatch.store.tables.outlets import lookalikes, outlets
from fakewatch.store.tables.web import debunks as debunks_table

KNOWN = THRESHOLD
"""Similarity at which detection puts two texts in one cluster: the same text, so a known fake."""
SUSPICIOUS = 0.4
"""Below detection's threshold but sharing much of a campaign's wording: shown, flagged suspicious."""
DOMAIN_NAMED = SUSPICIOUS
"""Score of a campaign's domain named without a page on it: shown as a match, never a known fake alone."""
NO_CONTENT = "no_content"
"""`reason` of a `no_match` whose text had no content word, so it was never compared with campaign texts."""
MAX_MATCHES = 5
STALE_AFTER = 2.0
"""Seconds between checks that the store's campaigns, debunks or lists changed (one cheap query)."""


@dataclass
class Snapshot:
    """Everything a check reads, loaded from the store at once and swapped whole when it changes."""

    stamp: tuple = ()
    campaigns: list[dict] = field(default_factory=list)
    index: CampaignIndex = field(default_factory=CampaignIndex)
    urls: dict[str, set[int]] = field(default_factory=dict)  # the campaigns' short links -> campaign numbers
    domains: dict[str, set[int]] = field(default_factory=dict)  # the campaigns' own domains
    watch: dict[str, str] = field(default_factory=dict)  # E.164 -> watchlisted person
    lookalikes: dict[str, str] = field(default_factory=dict)  # suspicious domain -> real outlet domain
    outlets: OutletIndex | None = None  # real outlets, for domains detection never saw
    numbers: dict[int, int] = field(default_factory=dict)  # campaigns.id -> campaign number
    media_debunks: dict[str, dict] = field(default_factory=dict)  # media cluster key -> published debunk


def _stamp(engine: Engine) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(select(
            select(func.count()).select_from(campaigns).scalar_subquery(),
            select(func.max(campaigns.c.id)).scalar_subquery(),
            select(func.max(debunks_table.c.updated_at)).scalar_subquery(),
            select(func.count()).select_from(debunks_table).scalar_subquery(),
            select(func.count()).select_from(watchlist).scalar_subquery(),
            select(func.count()).select_from(lookalikes).scalar_subquery(),
            select(func.count()).select_from(outlets).scalar_subquery(),
        )).one())


def load(engine: Engine) -> Snapshot:
    """Read campaigns, their texts and links, published debunks, the watchlist and known look-alikes."""
    snap = Snapshot(stamp=_stamp(engine))
    published = debunks.published_by_campaign(engine)
    number = snap.numbers
    with engine.connect() as conn:
        for row in conn.execute(select(campaigns.c.id, campaigns.c.code, campaigns.c.title, campaigns.c.reported,
                                       campaigns.c.first_seen, campaigns.c.data)
                                # Coordinated activity (A1, ...) is an office's notices, syndication or spam:
                                # no harm signal, so a copy of it is neither fake nor suspicious.
                                .where(campaigns.c.code.not_like(f"{CODE_PREFIXES['activity']}%"))
                                .order_by(campaigns.c.score.desc())).mappings():
            number[row["id"]] = len(snap.campaigns)
            data = row["data"] or {}
            debunk = published.get(row["code"])
            snap.campaigns.append({"campaign_id": row["code"], "title": row["title"], "reported": row["reported"],
                                   "first_seen": iso(row["first_seen"]), "chats": len(data.get("chats", [])),
                                   "debunk": debunks.public_view(debunk) if debunk else None})
            for domain in data.get("domains", []):
                snap.domains.setdefault(domain, set()).add(number[row["id"]])
        variants = [(tmpl, number[cid]) for cid, tmpl in conn.execute(
            select(campaign_messages.c.campaign_id, enrichment.c.template).distinct()
            .join(enrichment, enrichment.c.message_pk == campaign_messages.c.message_pk)) if cid in number]
        # Only shortened links are kept whole: a bit.ly/x the campaign spread is its own, whereas a real
        # outlet's article it quoted is not (its own domains are matched through `domains`).
        for cid, url in conn.execute(select(campaign_messages.c.campaign_id, links.c.url).distinct()
                                     .join(links, links.c.message_pk == campaign_messages.c.message_pk)
                                     .where(links.c.shortener.is_(True))):
            if cid in number:
                snap.urls.setdefault(url, set()).add(number[cid])
        for name, phones in conn.execute(select(watchlist.c.name, watchlist.c.phones)):
            for phone in phones or []:
                snap.watch[phone] = name
        for domain, registrable, outlet in conn.execute(select(lookalikes.c.domain, lookalikes.c.registrable,
                                                               lookalikes.c.outlet_domain)
                                                        .order_by(lookalikes.c.score)):
            snap.lookalikes[domain] = snap.lookalikes[registrable] = outlet
    snap.index = CampaignIndex.build(variants)
    snap.media_debunks = {key: debunks.public_view(d) for key, d in debunks.published_by_media(engine).items()}
    snap.outlets = OutletIndex(load_outlets(engine))
    return snap


class Checker:
    """Answers checks from an in-memory snapshot of the store, reloaded when the store changes."""

    def __init__(self, engine: Engine, *, allow_fetch: bool = False) -> None:
        self.engine = engine
        self.allow_fetch = allow_fetch
        self._snap: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Reload on the next check (after a pipeline run or a debunk edit)."""
        self._checked = 0.0
        with self._lock:
            self._snap = None

    def fresh(self) -> bool:
        """Whether a check can run now without touching the store (the web app runs it on the event loop then)."""
        return self._snap is not None and time.monotonic() - self._checked < STALE_AFTER

    def snapshot(self) -> Snapshot:
        now = time.monotonic()
        snap = self._snap
        if snap is not None and now - self._checked < STALE_AFTER:
            return snap
        with self._lock:
            if self._snap is None or (now - self._checked >= STALE_AFTER and _stamp(self.engine) != self._snap.stamp):
                self._snap = load(self.engine)
            self._checked = now
            return self._snap

    def check_text(self, text: str) -> dict:
        """Verdict on a message as received: near-duplicate of a campaign text, its links and phones."""
        snap = self.snapshot()
        tmpl = template(text)
        scores = snap.index.query(tmpl)
        found = find_links(text)
        self._link_matches(snap, [(ln.url, ln.domain) for ln in found], scores)
        # Phone parsing is the costliest extractor; without a watchlist nothing could come of it.
        phones = find_phones(text) if snap.watch else []
        signals = self._link_signals(snap, found) + [
            {"kind": "watchlist_phone", "phone": p.e164, "person": snap.watch[p.e164]}
            for p in phones if p.e164 in snap.watch]
        answer = self._answer(snap, scores, signals)
        if answer["verdict"] == "no_match" and not has_content(tmpl):
            answer["reason"] = NO_CONTENT  # not compared at all, which is not the same as compared and unknown
        return answer

    def check_url(self, url: str) -> dict:
        """Verdict on a link by its address alone: a campaign's URL or domain, or a look-alike outlet."""
        snap = self.snapshot()
        scores: dict[int, float] = {}
        found = link(url)
        if found is None:  # not an address at all: nothing to match
            return self._answer(snap, scores, [])
        seen = [found]
        if self.allow_fetch:
            try:
                page = fetch(found.url)  # fakewatch.fetch's SSRF rules: public addresses only, bounded
            except FetchError:
                page = None  # unreachable or refused: judged by the address alone
            if page is not None:
                final = link(page.url) if page.url else None
                seen += [final] if final and final.url != found.url else []
                for part in (page.article.title, page.article.text):
                    for camp, sim in snap.index.query(template(part or "")).items():
                        scores[camp] = max(scores.get(camp, 0.0), sim)
        self._link_matches(snap, [(ln.url, ln.domain) for ln in seen], scores)
        return self._answer(snap, scores, self._link_signals(snap, seen))

    def check_file(self, path: Path | str) -> dict:
        """Verdict on a picture, video or voice note: an edited or exact copy of a campaign's media.

        A copy of a media cluster analysts marked as a known fake is answered with that debunk (under
        `media`, and in place of the campaign's own debunk in the campaign's match) and is a known fake.
        Raises :class:`fakewatch.media.fingerprint.UnsupportedMedia` for other files.
        """
        snap = self.snapshot()
        scores: dict[int, float] = {}
        found = match_file(self.engine, path)
        pks = {pk: m.score for m in found for pk in m.messages}
        similarity = {cid: m.score for m in sorted(found, key=lambda m: m.score) for cid in m.clusters}
        media_found: list[dict] = []
        with self.engine.connect() as conn:
            for cid, pk in conn.execute(select(campaign_messages.c.campaign_id, campaign_messages.c.message_pk)
                                        .where(campaign_messages.c.message_pk.in_(list(pks)))):
                camp = snap.numbers.get(cid)
                if camp is not None:
                    scores[camp] = max(scores.get(camp, 0.0), pks[pk])
            for cluster_id, key in conn.execute(select(clusters.c.id, clusters.c.key)
                                                .where(clusters.c.id.in_(list(similarity))).order_by(clusters.c.id)):
                media_found.append({"cluster_id": cluster_id, "similarity": similarity[cluster_id],
                                    "debunk": snap.media_debunks.get(key)})
            debunked = [m for m in media_found if m["debunk"]]
            holders = {snap.numbers.get(cid) for (cid,) in conn.execute(
                select(campaign_clusters.c.campaign_id)
                .where(campaign_clusters.c.cluster_id.in_([m["cluster_id"] for m in debunked])))} - {None}
        answer = self._answer(snap, scores, [], media_found)
        if debunked:
            best = max(debunked, key=lambda m: m["similarity"])["debunk"]
            codes = {snap.campaigns[c]["campaign_id"] for c in holders}
            for match in answer["matches"]:
                if match["campaign_id"] in codes:
                    match["debunk"] = best
            answer["verdict"] = "known_fake"
        return answer

    @staticmethod
    def _link_matches(snap: Snapshot, found: list[tuple[str, str]], scores: dict[int, float]) -> None:
        # A link to a campaign's short link or to a page on its own domain ties the item to the campaign as
        # surely as its text; naming the bare domain ("the link leads to shyndyk-kz.info") is what a rebuttal
        # does too, so it only makes the item suspicious.
        for url, domain in found:
            for camp in snap.urls.get(url, set()):
                scores[camp] = 1.0
            parts = urlsplit(url)
            named = DOMAIN_NAMED if parts.path in ("", "/") and not parts.query else 1.0
            for camp in snap.domains.get(domain, set()):
                scores[camp] = max(scores.get(camp, 0.0), named)

    @staticmethod
    def _link_signals(snap: Snapshot, found: list) -> list[dict]:
        signals = []
        for ln in found:
            outlet = snap.lookalikes.get(ln.host.removeprefix("www.")) or snap.lookalikes.get(ln.domain)
            if outlet is None and snap.outlets is not None and ln.tg_handle is None:
                match = match_domain(ln.host, snap.outlets)
                outlet = match.outlet.domain if match else None
            if outlet:
                signals.append({"kind": "lookalike_domain", "domain": ln.domain, "impersonates": outlet})
        return signals

    @staticmethod
    def _answer(snap: Snapshot, scores: dict[int, float], signals: list[dict], media: list[dict] | None = None) -> dict:
        ranked = sorted(((s, c) for c, s in scores.items() if s >= SUSPICIOUS), key=lambda sc: (-sc[0], sc[1]))
        matches = [{"campaign_id": snap.campaigns[c]["campaign_id"], "title": snap.campaigns[c]["title"],
                    "similarity": round(s, 3), "first_seen": snap.campaigns[c]["first_seen"],
                    "chats": snap.campaigns[c]["chats"], "debunk": snap.campaigns[c]["debunk"]}
                   for s, c in ranked[:MAX_MATCHES]]
        known = any(s >= KNOWN and snap.campaigns[c]["reported"] for s, c in ranked)
        verdict = "known_fake" if known else "suspicious" if matches or signals else "no_match"
        answer = {"verdict": verdict, "matches": matches, "signals": signals}
        return answer if media is None else answer | {"media": media}


_checkers: weakref.WeakKeyDictionary[Engine, Checker] = weakref.WeakKeyDictionary()


def check_text(engine: Engine, text: str) -> dict:
    """Check one message against the campaigns stored in `engine` (snapshot cached per engine)."""
    return _checkers.setdefault(engine, Checker(engine)).check_text(text)


def check_file(engine: Engine, path: Path | str) -> dict:
    """Check one media file against the campaigns' pictures, videos and voice notes."""
    return _checkers.setdefault(engine, Checker(engine)).check_file(path)


def check_url(engine: Engine, url: str, allow_fetch: bool = False) -> dict:
    """Check one link against the campaigns stored in `engine`; never fetched unless `allow_fetch`."""
    checker = _checkers.setdefault(engine, Checker(engine))
    checker.allow_fetch = allow_fetch
    return checker.check_url(url)

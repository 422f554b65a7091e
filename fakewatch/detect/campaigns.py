"""Campaign assembly: join the detect stage's clusters into campaigns, score them, and state the evidence.

How clusters join
    Every cluster of two or more messages is first measured alone with the
    campaign score (`fakewatch.detect.scoring`). Clusters scoring under
    `scoring.CANDIDATE_THRESHOLD` look like ordinary chatter (greetings, an
    official notice forwarded by regulars) and never join anything; so do
    clusters whose score comes from harm alone, with no sign of inauthentic
    spread (`INAUTHENTIC_MIN`): regulars warning each other about a fake's
    phone number; and so do clusters of messages that merely share a domain
    or a phone number when coordinated accounts posted under `GROUP_SHARE` of
    them. The rest join, transitively, when they share a *strong* key:

    - a coordination group (the detect stage's `coord_groups`) that posted at
      least `GROUP_SHARE` of both clusters (the group "owns" them);
    - a message (the same post can be in a text, a link and a forward cluster);
    - a phone number, a link domain or a forward origin that is specific to
      campaign content: most of the corpus's messages carrying it were posted
      by coordinated accounts or are copies of what they posted
      (`SPECIFIC_SHARE`), so a hotline, a real outlet or a big news channel
      never glues two stories together;

    or two *weak* keys at once: a named person and the same narrative (content
    words overlap, `NARRATIVE_MIN`), and then only between clusters that are
    both mostly coordinated (`GROUP_SHARE`), because officials are named in
    honest news about the same events. Keys are tried strongest first, and no
    key ever merges two components owned by different coordination groups:
    separate networks stay separate campaigns even when they share a channel.

A campaign's coordinated accounts are those of its coordination groups plus any
account that posted its content at least `MIN_PARTICIPATION` times (ordinary
members who pass a fake on do it once); its seeders are those accounts in the
order they first posted (`rank_seeders`).

Which messages a campaign holds is decided per message (`_place_messages`):
what its coordinated accounts posted, plus ordinary members' copies of content
those accounts overwhelmingly posted. It is re-scored as a whole; at or above
`scoring.REPORT_THRESHOLD` it is reported (codes C1, C2, ... by score), else
listed as a candidate (K1, K2, ...).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, delete, func, insert, or_, select

from fakewatch.detect import scoring, signals, targets
from fakewatch.detect.signals import Evidence, Money, Msg, Phone
from fakewatch.detect.techniques import Behaviour, techniques_for
from fakewatch.enrich.adverts import is_advert
from fakewatch.enrich.testimony import is_testimony
from fakewatch.model import iso

GROUP_SHARE = 0.5  # a coordination group "owns" a cluster when it posted at least half of it
SPECIFIC_SHARE = 0.5  # a phone/domain/origin joins clusters when at least half its corpus messages are suspicious
NARRATIVE_MIN = 0.35  # Jaccard overlap of content words for "the same narrative"
SINGLE_PURPOSE_SHARE = 0.8  # an account whose messages are at least this share repeated content is single-purpose
THIRD_PARTY_MIN_ACCOUNTS = 2  # a number posted by this many accounts that are not the number is third-party
CONTENT_SHARE = 0.5  # a content cluster this much posted by campaign accounts brings its other copies along
KEY_KINDS = frozenset({"domain", "phone"})  # clusters of messages sharing a key, not a content
CONTENT_KINDS = ("text", "media", "forward")  # clusters whose members are copies of one content
PERSONA_KINDS = frozenset({"text", "media"})  # copies that can be presented as one's own words
SOCK_CAMPAIGN_VOICES = 2  # of a copy's persona voices, at least this many are campaign accounts: a network
# (one coordinated pair at least), not unrelated people pasting on a viral text
INAUTHENTIC_MIN = 0.1  # least spread score (coordination, speed, freshness, floods) for a cluster to join:
# harm alone (a warning quoting a fake's phone number, posted by regulars) never pulls a cluster in
MIN_PARTICIPATION = 2  # campaign messages that make an account one of the campaign's own, group or not
SEEDERS_KEPT = 10
IN_CHUNK = 900  # ids per IN (...): under SQLite's default limit of 999 bound parameters
CODE_PREFIXES = {"campaign": "C", "activity": "A", "candidate": "K"}
ACTIVITY_SHARE = 0.8  # coordinated activity this much adverts is spam; this much one account's is cross-posting
SEEDER_TIE = timedelta(seconds=60)  # first posts this close are ordered by evidence, not by the clock: exports
# round times to the second or the minute, and a network posts its first copies within the same minute
QUOTE_OWN_WORDS = 2  # words of its own (4+ letters) around a quotation that make a message commentary
TITLE_CHARS = 90
LINK_TITLE_SHARE = 0.5  # a campaign whose messages link one look-alike domain this often is titled by it
VIDEO_KINDS = frozenset({"video_file", "video_message", "animation", "video"})
Progress = Callable[[str, int, int | None], None]

_CHANNEL_PREFIXES = ("telegram:channel", "telegram:chat")
_WORD = re.compile(r"\w{4,}", re.UNICODE)
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_QUOTE_MARKS = ("«", "“", "„", '"')
_QUOTED = re.compile(r"[«“„\"]([^»”“\"]{20,})(?:[»”“\"]|$)")  # a closing mark ends the quotation: a short
# name in quotes («Жаңа Қадам») is a name, not a quotation of the fake


@dataclass
class Cluster:
    id: int
    kind: str
    key: str
    members: list[int]
    representative_pk: int | None = None


@dataclass
class Corpus:
    """What assembly reads, loaded once from the store (or built by hand in tests)."""

    clusters: dict[int, Cluster]
    msgs: dict[int, Msg]
    texts: dict[int, str] = field(default_factory=dict)  # representative texts, for titles and narratives
    group_of: dict[str, int] = field(default_factory=dict)  # account -> coordination group
    seeders: dict[int, list[tuple[str, int]]] = field(default_factory=dict)  # cluster -> [(account, rank)]
    waves: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # cluster -> waves
    floods: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # cluster -> floods
    phones: dict[int, list[Phone]] = field(default_factory=dict)  # message pk -> phones
    persons: dict[int, list[tuple[str, str, bool]]] = field(default_factory=dict)  # pk -> (key, name, watched)
    domains: dict[int, list[str]] = field(default_factory=dict)  # pk -> registrable domains linked
    money: dict[int, list[Money]] = field(default_factory=dict)
    pays: set[int] = field(default_factory=set)  # pks offering payment
    gathering: set[int] = field(default_factory=set)  # pks calling people to gather
    videos: set[int] = field(default_factory=set)  # pks carrying a video
    lookalikes: dict[str, dict[str, Any]] = field(default_factory=dict)  # domain -> {outlet, method, score, detail}
    corpus_counts: dict[str, int] = field(default_factory=dict)  # account -> messages in the corpus
    clustered_counts: dict[str, int] = field(default_factory=dict)  # account -> messages that are copies
    corpus_tg_ids: list[int] = field(default_factory=list)  # sorted Telegram user ids of the corpus
    key_totals: dict[tuple[str, str], int] = field(default_factory=dict)  # (phone|domain|origin, key) -> corpus msgs
    watched_phones: set[str] = field(default_factory=set)  # numbers of people on the watchlist
    quotes: set[int] = field(default_factory=set)  # pks that quote content with commentary (see `is_quotation`)
    adverts: set[int] = field(default_factory=set)  # content clusters whose representative text sells something
    advert_msgs: set[int] = field(default_factory=set)  # messages listing a phone number whose own text is an advert
    bare_links: set[int] = field(default_factory=set)  # look-alike links posted with under `QUOTE_OWN_WORDS` words
    testimonies: set[int] = field(default_factory=set)  # text clusters whose representative is first-person testimony
    content_grouped: dict[str, str] = field(default_factory=dict)  # account -> why `content_groups` grouped it


@dataclass
class Draft:
    """A campaign before it is stored."""

    clusters: list[int]
    pks: list[int]
    score: float
    parts: scoring.ScoreParts
    cls: str = "candidate"  # scoring.classify: campaign | activity | candidate
    title: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    @property
    def reported(self) -> bool:
        return self.cls == "campaign"


@dataclass
class CampaignReport:
    campaigns: int
    candidates: int
    clusters_considered: int
    activity: int = 0


class _Measure:
    """Score parts for any set of messages, with the account-level facts computed once."""

    def __init__(self, corpus: Corpus) -> None:
        self.c = corpus
        ids = corpus.corpus_tg_ids
        self.new_id_from = ids[min(len(ids) - 1, int(len(ids) * signals.NEW_ID_QUANTILE))] if len(ids) >= 10 else None
        self.flooders = {cid: {f["account_id"] for f in fl} for cid, fl in corpus.floods.items()}
        self.advert_pks = corpus.advert_msgs | {pk for cid in corpus.adverts for pk in corpus.clusters[cid].members}
        self.third_party = self._third_party_phones()
        times = [m.sent_at for m in corpus.msgs.values()]
        self.span_hours = max(1.0, (max(times) - min(times)).total_seconds() / 3600) if times else 1.0

    def _third_party_phones(self) -> dict[str, set[str]]:
        """E.164 -> accounts that posted it without being it (a WhatsApp account id is its own number),
        for numbers posted by several such accounts or belonging to someone on the watchlist."""
        posters: dict[str, set[str]] = defaultdict(set)
        for pk, phones in self.c.phones.items():
            if pk in self.advert_pks:
                continue  # a seller's own contact number
            account = self.c.msgs[pk].account if pk in self.c.msgs else None
            for p in phones:
                if account and not account.endswith(":" + p.e164):
                    posters[p.e164].add(account)
        return {e164: accts for e164, accts in posters.items()
                if len(accts) >= THIRD_PARTY_MIN_ACCOUNTS or (accts and e164 in self.c.watched_phones)}

    def is_new_id(self, account: str) -> bool:
        number = signals.telegram_user_number(account)
        return self.new_id_from is not None and number is not None and number >= self.new_id_from

    def is_fresh(self, account: str) -> bool:
        """New (among the newest Telegram ids) or single-purpose; a channel posts only its own feed by
        nature, so channels are never single-purpose."""
        if self.is_new_id(account):
            return True
        if is_channel(account):
            return False
        total = self.c.corpus_counts.get(account, 0)
        return total > 0 and self.c.clustered_counts.get(account, 0) >= SINGLE_PURPOSE_SHARE * total

    def campaign_members(self, cluster: Cluster) -> list[tuple[int, bool]]:
        """(message, whether it is campaign content) for each member of `cluster` (see `_place_messages`).

        Campaign accounts here are coordinated, flooding this cluster, or among the corpus's newest
        Telegram ids; single-purpose accounts are not, because ordinary members of a quiet chat can
        have posted nothing but a couple of reposts. When campaign accounts posted at least
        `CONTENT_SHARE` of a content cluster, it is campaign content and its ordinary members'
        copies count too, except a message that quotes the content inside quotation marks with
        words of its own around it: commentary (a warning, a debunk), not a copy. Below that, only
        campaign accounts' messages count, and only when one coordination group owns the cluster:
        campaign accounts also forward a missing-child alert or chat about traffic like anyone.
        Clusters that only share a key (a domain, a number, a front page; `is_key_cluster`) take
        their coordinated accounts' messages alone, and only when one coordination group owns them,
        except the messages linking a look-alike domain (`is_lookalike_cluster`): whatever their
        caption, those posted by campaign accounts (its repeat spreaders among them, see
        `content_groups`), every forward of them, and every bare link passed on (WhatsApp marks no
        forwards) spread the fake outlet; a warning naming it in words of its own does not.
        """
        if is_lookalike_cluster(self.c, cluster):
            return [(pk, pk not in self.c.quotes and (is_forward(m := self.c.msgs[pk]) or pk in self.c.bare_links
                                                      or self.campaign_account(m.account, set())))
                    for pk in cluster.members]
        if is_key_cluster(cluster):
            owned = _owner(self.c, cluster) is not None
            return [(pk, owned and self.c.msgs[pk].account in self.c.group_of) for pk in cluster.members]
        flooders = self.flooders.get(cluster.id, set())
        ours = [self.campaign_account(self.c.msgs[pk].account, flooders) for pk in cluster.members]
        if sum(ours) >= CONTENT_SHARE * len(ours):
            return [(pk, mine or pk not in self.c.quotes) for pk, mine in zip(cluster.members, ours)]
        owned = _owner(self.c, cluster) is not None
        return [(pk, owned and mine) for pk, mine in zip(cluster.members, ours)]

    def campaign_account(self, account: str | None, flooders: set[str]) -> bool:
        if not account:
            return False
        return account in self.c.group_of or account in flooders or self.is_new_id(account)

    def parts(self, pks: Sequence[int], cluster_ids: Iterable[int]) -> scoring.ScoreParts:
        msgs = [self.c.msgs[pk] for pk in pks]
        accounts = {m.account for m in msgs if m.account}
        n = max(1, len(msgs))
        grouped = {a for a in accounts if a in self.c.group_of}
        coordinated = (sum(1 for m in msgs if m.account in grouped) / n
                       * min(1.0, len(grouped) / scoring.COORDINATED_ACCOUNTS_FULL))
        flooders = set().union(*(self.flooders.get(cid, set()) for cid in cluster_ids))
        floods = len(flooders & accounts) / max(1, len(accounts))
        fresh = sum(1 for a in accounts if self.is_fresh(a)) / max(1, len(accounts))
        calls = [m for m in msgs if m.pk in self.c.gathering]
        harm = scoring.Harm(
            third_party_phones=min(1.0, 4 * sum(1 for pk in pks if pk not in self.advert_pks and any(
                p.e164 in self.third_party for p in self.c.phones.get(pk, ()))) / n),
            payment=min(1.0, 4 * sum(1 for pk in pks if pk in self.c.pays and pk not in self.advert_pks) / n),
            impersonation=min(1.0, 4 * sum(1 for pk in pks if any(d in self.c.lookalikes
                                                                  for d in self.c.domains.get(pk, ()))) / n),
            gathering=min(1.0, 2 * len(calls) / n) if len(persona_voices(calls)) >= scoring.PERSONA_VOICES else 0.0,
            sock_puppets=min(1.0, 4 * len(self.sock_puppet_pks(set(pks), cluster_ids)) / n),
        )
        chats, peak = busiest_hour(msgs)
        return scoring.ScoreParts(coordination=coordinated, speed=scoring.speed_part(chats, peak, n, self.span_hours),
                                  fresh=fresh, floods=floods, harm=harm)


    def sock_puppet_pks(self, pks: set[int], cluster_ids: Iterable[int]) -> set[int]:
        """Messages among `pks` presenting one text or media file as their own words (not forwards), in
        content clusters where at least `scoring.PERSONA_VOICES` distinct accounts that are not channels did
        so, `SOCK_CAMPAIGN_VOICES` of them campaign accounts; adverts excluded (see `fakewatch.detect.scoring`)."""
        found: set[int] = set()
        for cid in cluster_ids:
            cluster = self.c.clusters[cid]
            if cluster.kind not in PERSONA_KINDS or cid in self.c.adverts:
                continue
            flooders = self.flooders.get(cid, set())
            held = [self.c.msgs[pk] for pk in cluster.members if pk in pks]
            voices = persona_voices(held) - self.signed(held)
            if (len(voices) >= scoring.PERSONA_VOICES
                    and sum(self.campaign_account(a, flooders) for a in voices) >= SOCK_CAMPAIGN_VOICES):
                found.update(m.pk for m in held if m.account in voices)
        return found


    def signed(self, msgs: Sequence[Msg]) -> set[str]:
        """Posters who sign their copies with a phone number no other poster of them gives: sellers each with
        their own contact, independent people, not one author's voices."""
        numbers: dict[str, set[str]] = defaultdict(set)
        for m in msgs:
            for p in self.c.phones.get(m.pk, ()):
                numbers[m.account or ""].add(p.e164)
        givers = Counter(n for ns in numbers.values() for n in ns)
        return {a for a, ns in numbers.items() if ns and all(givers[n] == 1 for n in ns)}


def is_forward(m: Msg) -> bool:
    return bool(m.forwarded_from or m.forwarded_from_id)


def is_channel(account: str | None) -> bool:
    """Channels post under their outlet's own name: re-posting between them is syndication, not a disguise."""
    return bool(account) and account.startswith(_CHANNEL_PREFIXES)


def persona_voices(msgs: Iterable[Msg]) -> set[str]:
    """The distinct accounts that are not channels among the posters of `msgs` as their own (not forwards)."""
    return {m.account for m in msgs if m.account and not is_forward(m) and not is_channel(m.account)}


def is_lookalike_cluster(corpus: Corpus, cluster: Cluster) -> bool:
    """Messages sharing a link to a look-alike of a real outlet: the fake outlet's spread, not a mere key."""
    return cluster.kind == "domain" and cluster.key in corpus.lookalikes


def busiest_hour(msgs: Sequence[Msg]) -> tuple[int, int]:
    """(most distinct chats, most messages) within any one hour (sliding window)."""
    ordered = sorted(msgs, key=lambda m: m.sent_at)
    window: Counter[str] = Counter()
    chats = count = lo = 0
    for hi, m in enumerate(ordered):
        window[m.chat] += 1
        while ordered[lo].sent_at < m.sent_at - timedelta(hours=1):
            old = ordered[lo].chat
            window[old] -= 1
            if not window[old]:
                del window[old]
            lo += 1
        chats = max(chats, len(window))
        count = max(count, hi - lo + 1)
    return chats, count


class _Union:
    """Union-find over clusters that never merges two components owned by different coordination groups."""

    def __init__(self, owners: dict[int, int | None]) -> None:
        self.parent = {i: i for i in owners}
        self.groups: dict[int, set[int]] = {i: ({g} if g is not None else set()) for i, g in owners.items()}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or (self.groups[ra] and self.groups[rb] and not self.groups[ra] & self.groups[rb]):
            return
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        self.groups[keep] |= self.groups.pop(gone)


def is_key_cluster(cluster: Cluster) -> bool:
    """Whether members merely share a key (a domain, a number, a site's front page) rather than one content:
    people name a site when they warn about it, and link its front page without sharing any article."""
    if cluster.kind in KEY_KINDS:
        return True
    return cluster.kind == "link" and urlsplit(cluster.key).path in ("", "/")


def is_quotation(text: str) -> bool:
    """Whether `text` quotes something inside quotation marks with at least `QUOTE_OWN_CHARS` of its own words
    around it, as people do when they warn about or debunk a message rather than pass it on."""
    quoted = _QUOTED.search(text)
    if not quoted:
        return False
    own = text[:quoted.start()] + text[quoted.end():]
    return len(_WORD.findall(own)) >= QUOTE_OWN_WORDS


def content_words(text: str) -> set[str]:
    return set(_WORD.findall(_URL.sub(" ", text.casefold())))


def assemble(corpus: Corpus) -> list[Draft]:
    """Campaign drafts, best first: join suspicious clusters on shared keys, place each message, score each whole."""
    grouped = content_groups(corpus)
    corpus = replace(corpus, group_of={**corpus.group_of, **{a: g for a, (g, _) in grouped.items()}},
                     content_grouped={a: why for a, (_, why) in grouped.items()})
    measure = _Measure(corpus)
    suspicious: dict[int, scoring.ScoreParts] = {}
    lookalike: list[int] = []
    for cid, cl in corpus.clusters.items():
        if is_lookalike_cluster(corpus, cl):
            if sum(counts for _, counts in measure.campaign_members(cl)) >= MIN_PARTICIPATION:
                lookalike.append(cid)  # a fake outlet's articles, spread repeatedly: suspicious by themselves
            continue
        parts = measure.parts(cl.members, [cid])
        if is_key_cluster(cl) and parts.coordination < GROUP_SHARE:
            continue  # messages merely sharing a domain or a number, mostly posted by ordinary members
        if scoring.score(parts) >= scoring.CANDIDATE_THRESHOLD and scoring.spread(parts) >= INAUTHENTIC_MIN:
            suspicious[cid] = parts
    union = _Union({cid: _owner(corpus, corpus.clusters[cid]) for cid in [*suspicious, *lookalike]})
    for _key, cids in sorted(_shared_keys(corpus, measure, suspicious).items(), key=lambda kv: _KEY_ORDER[kv[0][0]]):
        ordered = sorted(cids)
        for other in ordered[1:]:
            union.join(ordered[0], other)
    _join_narratives(corpus, suspicious, union)
    _join_lookalikes(corpus, suspicious, lookalike, union)
    suspicious.update({cid: measure.parts(corpus.clusters[cid].members, [cid]) for cid in lookalike})
    components: dict[int, list[int]] = defaultdict(list)
    for cid in suspicious:
        components[union.find(cid)].append(cid)
    placed = _place_messages(corpus, measure, suspicious, union)
    drafts = []
    for root, cids in components.items():
        pks = sorted(placed.get(root, ()))
        if not pks:
            continue
        parts = measure.parts(pks, cids)
        draft = Draft(clusters=sorted(cids), pks=pks, score=scoring.score(parts), parts=parts,
                      cls=scoring.classify(parts))
        if draft.cls != "none":
            describe(corpus, measure, draft)
            drafts.append(draft)
    drafts.sort(key=lambda d: (-d.score, d.first_seen or datetime.min))
    return drafts


def content_groups(corpus: Corpus) -> dict[str, tuple[int, str]]:
    """Accounts acting together by what they post, where the detect stage's timing could not see it:
    account -> (coordination group, why), for accounts in no group yet.

    - accounts that each posted links to one look-alike domain `MIN_PARTICIPATION` times or more as their
      own posts, two accounts or more: a fake outlet's repeat spreaders, however old the accounts are
      and however varied their captions;
    - `scoring.PERSONA_VOICES` or more accounts posting one first-person testimony as their own
      (`fakewatch.enrich.testimony`): one author speaking through them, however spread out in time.

    They join the detect group most of them are already in, else a new one.
    """
    found: list[tuple[set[str], str]] = []
    per_domain: dict[str, Counter[str]] = defaultdict(Counter)
    for pk, domains in corpus.domains.items():
        m = corpus.msgs.get(pk)
        if m and m.account and not is_forward(m) and pk not in corpus.quotes:
            for d in set(domains) & corpus.lookalikes.keys():
                per_domain[d][m.account] += 1
    for domain, counts in sorted(per_domain.items()):
        spreaders = {a for a, n in counts.items() if n >= MIN_PARTICIPATION}
        if len(spreaders) >= 2:
            found.append((spreaders, f"each posted links to the look-alike {domain} {MIN_PARTICIPATION} times or more"))
    for cid in sorted(corpus.testimonies):
        voices = persona_voices(corpus.msgs[pk] for pk in corpus.clusters[cid].members if pk not in corpus.quotes)
        if len(voices) >= scoring.PERSONA_VOICES:
            found.append((voices, f"posted one first-person testimony as their own ({len(voices)} accounts)"))
    out: dict[str, tuple[int, str]] = {}
    fresh = max(corpus.group_of.values(), default=0) + 1
    for accounts, why in found:
        known = Counter(corpus.group_of.get(a, out.get(a, (None,))[0]) for a in accounts)
        known.pop(None, None)
        group = known.most_common(1)[0][0] if known else fresh
        fresh += not known
        out.update({a: (group, why) for a in sorted(accounts) if a not in corpus.group_of and a not in out})
    return out


def _join_lookalikes(corpus: Corpus, suspicious: dict[int, scoring.ScoreParts], lookalike: Sequence[int],
                     union: _Union) -> None:
    """Put each look-alike domain's messages with the component that already holds most of them, so a fake
    outlet spread by one network is its campaign, and a link that another network dropped once does not pull
    the outlet's spread into that network's campaign."""
    held: dict[int, Counter[int]] = defaultdict(Counter)
    for cid in suspicious:
        for pk in corpus.clusters[cid].members:
            held[pk][union.find(cid)] += 1
    for cid in lookalike:
        votes: Counter[int] = Counter()
        for pk in corpus.clusters[cid].members:
            votes.update(held.get(pk, Counter()).keys())
        if votes:
            union.join(votes.most_common(1)[0][0], cid)


_KEY_ORDER = {"group": 0, "message": 1, "phone": 2, "domain": 3, "origin": 4}


def _owner(corpus: Corpus, cluster: Cluster) -> int | None:
    """The coordination group that posted at least `GROUP_SHARE` of the cluster, if one did."""
    counts = Counter(corpus.group_of.get(corpus.msgs[pk].account or "") for pk in cluster.members)
    counts.pop(None, None)
    if not counts:
        return None
    group, n = counts.most_common(1)[0]
    return group if n >= GROUP_SHARE * len(cluster.members) else None


def _place_messages(corpus: Corpus, measure: _Measure, suspicious: dict[int, scoring.ScoreParts],
                    union: _Union) -> dict[int, set[int]]:
    """Which campaign (component root) each message belongs to.

    A message counts when a campaign account posted it (coordinated, new, or flooding that
    cluster; see `_Measure.campaign_members`), or when it is a copy in a content cluster (same text, media, URL or
    forward origin) that campaign accounts overwhelmingly posted (`CONTENT_SHARE`): the campaign's
    reach through ordinary members. Messages that only share a key (a phone number, a domain) with
    the campaign, such as warnings quoting the fake, do not count. A message posted by a
    coordination group's account goes to that group's campaign, so a channel that fed several
    networks is split between them.
    """
    home = {g: root for root, groups in union.groups.items() for g in groups}
    placed: dict[int, set[int]] = defaultdict(set)
    for cid in suspicious:
        cluster = corpus.clusters[cid]
        root = union.find(cid)
        for pk, counts in measure.campaign_members(cluster):
            if counts:
                group = corpus.group_of.get(corpus.msgs[pk].account or "")
                placed[home.get(group, root) if group is not None else root].add(pk)
    seen: dict[int, int] = {}
    for root in sorted(placed, key=lambda r: -len(placed[r])):
        placed[root] = {pk for pk in placed[root] if seen.setdefault(pk, root) == root}
    return placed


def _shared_keys(corpus: Corpus, measure: _Measure,
                 suspicious: dict[int, scoring.ScoreParts]) -> dict[tuple[str, Any], set[int]]:
    """Strong join keys -> the suspicious clusters that carry them."""
    keys: dict[tuple[str, Any], set[int]] = defaultdict(set)
    carried: dict[tuple[str, str], set[int]] = defaultdict(set)  # specific-key candidates -> member pks
    for cid, parts in suspicious.items():
        cluster = corpus.clusters[cid]
        owner = _owner(corpus, cluster)
        if owner is not None:
            keys[("group", owner)].add(cid)
        for pk, counts in measure.campaign_members(cluster):
            keys[("message", pk)].add(cid)
            m = corpus.msgs[pk]
            found = [("phone", p.e164) for p in corpus.phones.get(pk, ())]
            found += [("domain", d) for d in corpus.domains.get(pk, ())]
            if m.forwarded_from_id or m.forwarded_from:
                found.append(("origin", m.forwarded_from_id or m.forwarded_from or ""))
            for key in found:
                keys[key].add(cid)
                if counts:
                    carried[key].add(pk)
    for key in [k for k in keys if k[0] in ("phone", "domain", "origin")]:
        if key[0] == "domain" and key[1] in corpus.lookalikes:
            continue
        campaign_like = len(carried.get(key, ()))
        if not campaign_like or campaign_like < SPECIFIC_SHARE * corpus.key_totals.get(key, campaign_like):
            del keys[key]
    return keys


def _join_narratives(corpus: Corpus, suspicious: dict[int, scoring.ScoreParts], union: _Union) -> None:
    coordinated = [cid for cid, parts in suspicious.items() if parts.coordination >= GROUP_SHARE]
    by_person: dict[str, list[int]] = defaultdict(list)
    words: dict[int, set[str]] = {}
    for cid in coordinated:
        cluster = corpus.clusters[cid]
        words[cid] = content_words(corpus.texts.get(cluster.representative_pk or -1, ""))
        for person in {p[0] for pk in cluster.members for p in corpus.persons.get(pk, ())}:
            by_person[person].append(cid)
    for cids in by_person.values():
        for i, a in enumerate(cids):
            for b in cids[i + 1:]:
                if union.find(a) != union.find(b) and _jaccard(words[a], words[b]) >= NARRATIVE_MIN:
                    union.join(a, b)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def rank_seeders(corpus: Corpus, cluster_ids: Sequence[int], msgs: Sequence[Msg], coordinated: set[str]) -> list[str]:
    """Accounts most likely to have seeded the campaign, best first.

    The first poster of the campaign's content, across all its clusters, comes first: the seeder
    is who put it out before anyone passed it on. A forward names its source, and the source
    posted before the forward, so a forward's origin counts as posting at the forward's time
    (and before the forwarder). Accounts that first posted within `SEEDER_TIE` of each other are
    told apart by evidence: the campaign's own accounts (`coordinated`) before others, then the
    detect stage's per-cluster seeder ranks weighted by cluster size.
    """
    first: dict[str, tuple[datetime, int]] = {}
    for m in sorted(msgs, key=lambda m: m.sent_at):
        if m.forwarded_from_id:  # the source's account id, as the export gives it
            first.setdefault(m.forwarded_from_id, (m.sent_at, 0))
        if m.account:
            first.setdefault(m.account, (m.sent_at, 1))
    points: Counter[str] = Counter()
    for cid in cluster_ids:
        size = len(corpus.clusters[cid].members)
        for account, rank in corpus.seeders.get(cid, ()):
            points[account] += size / max(1, rank)
    start = min((t for t, _ in first.values()), default=None)

    def key(account: str) -> tuple[int, int, int, float, datetime]:
        at, order = first[account]
        return ((at - start) // SEEDER_TIE, order, account not in coordinated, -points[account], at)

    return sorted(first, key=key)[:SEEDERS_KEPT]


def describe(corpus: Corpus, measure: _Measure, draft: Draft) -> None:
    """Fill a draft's title, times, accounts, targets, domains, techniques and evidence."""
    msgs = [corpus.msgs[pk] for pk in draft.pks]
    draft.first_seen = min(m.sent_at for m in msgs)
    draft.last_seen = max(m.sent_at for m in msgs)
    clusters = [corpus.clusters[cid] for cid in draft.clusters]
    inside = set(draft.pks)
    biggest = max(clusters, key=lambda c: (c.kind == "text", sum(pk in inside for pk in c.members)))
    summary = title(corpus.texts.get(biggest.representative_pk or -1, "")) or f"{biggest.kind} {biggest.key}"[:TITLE_CHARS]

    account_msgs = Counter(m.account for m in msgs if m.account)
    accounts = [a for a, _ in account_msgs.most_common()]
    coordinated = sorted(a for a in accounts if a in corpus.group_of or account_msgs[a] >= MIN_PARTICIPATION)
    seeders = rank_seeders(corpus, draft.clusters, msgs, set(coordinated))
    chats = [c for c, _ in Counter(m.chat for m in msgs).most_common()]

    phone_rows = [p for pk in draft.pks for p in corpus.phones.get(pk, ())]
    third = [p for p in phone_rows if p.e164 in measure.third_party]
    phone_detail = _phone_detail(third, corpus)
    persons, person_detail = targets.describe(
        [(pk, p) for pk in draft.pks for p in corpus.persons.get(pk, ())], {pk: corpus.msgs[pk].chat for pk in draft.pks},
        [corpus.texts[c.representative_pk] for c in clusters if c.representative_pk in corpus.texts], phone_detail)

    linked = Counter(d for pk in draft.pks for d in set(corpus.domains.get(pk, ())))
    fake = sorted(d for d in linked if d in corpus.lookalikes)
    specific = sorted(d for d, n in linked.items() if d not in corpus.lookalikes and n >= 2
                      and n >= SPECIFIC_SHARE * corpus.key_totals.get(("domain", d), n))
    impersonates = sorted({corpus.lookalikes[d]["outlet"] for d in fake})
    spread = max(fake, key=lambda d: linked[d], default=None)
    if spread is not None and linked[spread] >= LINK_TITLE_SHARE * len(msgs):
        # most of the campaign spreads one look-alike page: its text is a caption, the link says what it is
        summary = f"{spread} (look-alike of {corpus.lookalikes[spread]['outlet']}): {summary}"
    draft.title = summary

    waves = sorted((dict(w, cluster_id=cid) for cid in draft.clusters for w in corpus.waves.get(cid, ())),
                   key=lambda w: w["start"])
    floods = [dict(f, cluster_id=cid) for cid in draft.clusters for f in corpus.floods.get(cid, ())]
    n = len(msgs)
    video_clusters = [c for c in clusters if c.kind == "media" and any(pk in corpus.videos for pk in c.members)]
    behaviour = Behaviour(
        video_reposts=bool(video_clusters),
        officials_named=any(corpus.persons.get(pk) for c in video_clusters for pk in c.members if pk in inside),
        lookalike_outlet=bool(impersonates),
        call_to_attend=sum(pk in corpus.gathering for pk in draft.pks) >= 0.2 * n,
        doxxed_phones=bool(third),
        paid_participation=sum(pk in corpus.pays for pk in draft.pks) >= 0.1 * n,
        cross_group_posting=len(chats) >= 3,
        copypasta=any(c.kind == "text" and len({corpus.msgs[pk].account for pk in c.members}) >= 3 for c in clusters),
        flooding=bool(floods),
        forward_amplification=sum(1 for m in msgs if m.forwarded_from or m.forwarded_from_id) >= 0.3 * n,
    )
    draft.data = {
        "accounts": accounts,
        "coordinated_accounts": coordinated,
        "seeders": seeders,
        "chats": chats,
        "targets": {"persons": persons, "phones": [d["value"] for d in phone_detail]},
        "domains": sorted(set(fake) | set(specific)),
        "impersonates": impersonates,
        "techniques": techniques_for(behaviour),
        "score_parts": draft.parts.as_dict(),
        "targets_detail": {"phones": phone_detail, "persons": person_detail},
        "waves": [{**w, "start": iso(w["start"]), "end": iso(w["end"])} for w in waves],
        "clusters": [{"id": c.id, "kind": c.kind, "key": c.key, "size": len(c.members)} for c in clusters],
        "account_messages": dict(account_msgs),
        **label(corpus, measure, draft, msgs),
    }
    draft.evidence = _evidence(corpus, measure, draft, msgs, seeders, third, fake, floods, clusters)


def label(corpus: Corpus, measure: _Measure, draft: Draft, msgs: Sequence[Msg]) -> dict[str, Any]:
    """What kind of group this is, in words: a campaign's kind, severity and harm signals, or, for coordinated
    activity, what was coordinated and why it is not called a campaign."""
    present = draft.parts.harm.present()
    if draft.cls != "activity":
        kind, severity = scoring.KINDS[present[0]] if present else ("other", "low")
        return {"kind": kind, "severity": severity, "harm_signals": present}
    chats = len({m.chat for m in msgs})
    posters = Counter(m.account for m in msgs if m.account)
    top, top_n = posters.most_common(1)[0] if posters else ("an account", 0)
    adverts = sum(1 for m in msgs if m.pk in measure.advert_pks)
    if adverts >= ACTIVITY_SHARE * len(msgs):
        kind, what = "spam", f"the same advert posted {len(msgs)} times by {len(posters)} accounts into {chats} chats"
        why = "advertising repeated by its sellers: no doxxed numbers, payment offers, look-alike links or calls to gather"
    elif top_n >= ACTIVITY_SHARE * len(msgs):
        kind, what = "cross_posting", f"{top} posted its own notices into {chats} chats ({top_n} of {len(msgs)} messages)"
        why = "an account's own notices, or an office re-posting another's under its name, with no harm signal"
    elif all(is_channel(a) for a in posters):
        kind, what = "syndication", f"{len(posters)} channels posted the same items into {chats} chats"
        why = "channels re-posting under their own names, with no harm signal"
    elif len(persona_voices(msgs)) < scoring.PERSONA_VOICES:
        kind, what = "cross_posting", f"{len(posters)} accounts posted the same notices into {chats} chats"
        why = "accounts' own notices, or an office re-posting another's under its name, with no harm signal"
    else:
        kind, what = "copy_paste", f"{len(posters)} accounts posted the same content into {chats} chats"
        why = ("coordinated posting with no harm or deception signal: no doxxed numbers, payment offers, "
               "look-alike links, calls to gather or sock-puppet voices")
    return {"kind": kind, "what": what, "why_not_campaign": why, "harm_signals": []}


def _phone_detail(rows: Sequence[Phone], corpus: Corpus) -> list[dict[str, Any]]:
    """Per targeted number: how often, by how many accounts and in which chats it was listed."""
    by: dict[str, list[Phone]] = defaultdict(list)
    for p in rows:
        by[p.e164].append(p)
    out = []
    for value, ps in sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        pks = {p.pk for p in ps}
        out.append({"value": value, "messages": len(pks), "region": ps[0].region, "line_type": ps[0].line_type,
                    "accounts": len({corpus.msgs[pk].account for pk in pks}),
                    "chats": sorted({corpus.msgs[pk].chat for pk in pks})[:20]})
    return out


def _evidence(corpus: Corpus, measure: _Measure, draft: Draft, msgs: list[Msg], seeders: list[str],
              third: list[Phone], fake: list[str], floods: list[dict[str, Any]], clusters: list[Cluster]) -> list[Evidence]:
    found: list[Evidence] = []
    inside = set(draft.pks)
    held = {cl.id: [pk for pk in cl.members if pk in inside] for cl in clusters}
    for cl in sorted(clusters, key=lambda c: -len(held[c.id]))[:10]:
        members = [corpus.msgs[pk] for pk in held[cl.id]]
        if not members:
            continue
        found.append(Evidence(
            "copies", f"{len(members)} copies ({cl.kind} cluster {cl.id}) by {len({m.account for m in members})} "
            f"accounts in {len({m.chat for m in members})} chats.", signals.sample(held[cl.id]),
            {"cluster_id": cl.id, "kind": cl.kind}))
    for e164 in sorted({p.e164 for p in third}):
        pks = [p.pk for p in third if p.e164 == e164]
        found.append(Evidence("third_party_phone", f"{e164} is listed in {len(set(pks))} messages by "
                              f"{len(measure.third_party[e164])} accounts, none of which is that number.",
                              signals.sample(pks), {"phone": e164}))
    for domain in fake:
        look = corpus.lookalikes[domain]
        pks = [pk for pk in draft.pks if domain in corpus.domains.get(pk, ())]
        found.append(Evidence("impersonation", f"{domain} imitates {look['outlet']}: {look.get('detail') or look.get('method')}",
                              signals.sample(pks), {"domain": domain, **look}))
    for flag, kind, what in ((corpus.pays, "payment_offer", "promise payment for taking part"),
                             (corpus.gathering, "call_to_gather", "call people to gather")):
        pks = [pk for pk in draft.pks if pk in flag]
        if pks:
            found.append(Evidence(kind, f"{len(pks)} messages {what}.", signals.sample(pks)))
    for f in sorted(floods, key=lambda f: -f["chats"])[:5]:
        found.append(Evidence("flood", f"{f['account_id']} posted the same content into {f['chats']} chats between "
                              f"{iso(f['start'])} and {iso(f['end'])}.",
                              signals.sample(pk for pk in corpus.clusters[f["cluster_id"]].members
                                              if corpus.msgs[pk].account == f["account_id"]),
                              {"account": f["account_id"], "chats": f["chats"]}))
    by_content: dict[str, list[str]] = defaultdict(list)
    for a in draft.data["accounts"]:
        if a in corpus.content_grouped:
            by_content[corpus.content_grouped[a]].append(a)
    for why, accounts in sorted(by_content.items()):
        found.append(Evidence("content_coordination", f"{len(accounts)} accounts {why}.", signals.sample(
            pk for pk in draft.pks if corpus.msgs[pk].account in set(accounts)), {"accounts": sorted(accounts)}))
    groups: dict[str, list[str]] = defaultdict(list)
    for a in draft.data["coordinated_accounts"]:
        groups[str(corpus.group_of.get(a, "of repeat posters"))].append(a)
    found += [e for e in (
        signals.seeders(seeders, msgs),
        signals.forward_origins(msgs),
        signals.account_age(draft.data["accounts"], corpus.corpus_tg_ids, msgs),
        signals.phone_origins([p for pk in draft.pks for p in corpus.phones.get(pk, ())]),
        signals.currencies([m for pk in draft.pks for m in corpus.money.get(pk, ())]),
        signals.language_mix(msgs),
        signals.no_ordinary_activity(msgs, corpus.corpus_counts),
    ) if e is not None]
    found += signals.utc_offsets(groups, msgs)
    return found


def title(text: str) -> str:
    """A short summary of a representative text: its first sentence, URLs dropped, at most `TITLE_CHARS`."""
    flat = " ".join(_URL.sub("", text).split())
    first = re.split(r"(?<=[.!?])\s", flat, maxsplit=1)[0]
    if len(first) <= TITLE_CHARS:
        return first
    cut = first[:TITLE_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def load(engine: Engine, *, min_size: int = 2) -> Corpus:
    """Read what assembly needs: clusters of `min_size`+ messages, their messages and enrichments,
    the coordination results, look-alike domains and corpus-wide account facts."""
    from fakewatch.enrich.normalize import normalise
    from fakewatch.store.db import has_table
    from fakewatch.store.tables import core, detect, enrich, outlets

    m, cm, cl = core.messages, detect.cluster_members, detect.clusters
    member_pks = select(cm.c.message_pk).join(cl, cl.c.id == cm.c.cluster_id).where(cl.c.size >= min_size)
    with engine.connect() as conn:
        clusters = {r.id: Cluster(r.id, r.kind, r.key, [], r.representative_pk)
                    for r in conn.execute(select(cl).where(cl.c.size >= min_size))}
        for cid, pk in conn.execute(select(cm.c.cluster_id, cm.c.message_pk).where(cm.c.cluster_id.in_(
                select(cl.c.id).where(cl.c.size >= min_size)))):
            clusters[cid].members.append(pk)
        wanted = m.c.id.in_(member_pks)
        e = enrich.enrichment
        msgs = {r.id: Msg(r.id, r.account_id, f"{r.platform}:{r.chat_id}", r.sent_at, r.forwarded_from,
                          r.forwarded_from_id, r.lang)
                for r in conn.execute(select(m.c.id, m.c.account_id, m.c.platform, m.c.chat_id, m.c.sent_at,
                                             m.c.forwarded_from, m.c.forwarded_from_id, e.c.lang)
                                      .outerjoin(e, e.c.message_pk == m.c.id).where(wanted))}
        quoting = or_(*(m.c.text.contains(mark) for mark in _QUOTE_MARKS))
        quotes = {pk for pk, text in conn.execute(select(m.c.id, m.c.text).where(wanted, quoting)) if is_quotation(text)}
        reps = [c.representative_pk for c in clusters.values() if c.representative_pk]
        texts = dict(_texts(conn, reps))
        corpus = Corpus(clusters=clusters, msgs=msgs, texts=texts, quotes=quotes)
        corpus.testimonies = {cid for cid, c in clusters.items()
                              if c.kind == "text" and is_testimony(texts.get(c.representative_pk or -1, ""))}
        corpus.group_of = dict(conn.execute(select(detect.coord_groups.c.account_id, detect.coord_groups.c.group_id)).all())
        for r in conn.execute(select(detect.seeders.c.cluster_id, detect.seeders.c.account_id, detect.seeders.c.rank)):
            corpus.seeders.setdefault(r.cluster_id, []).append((r.account_id, r.rank))
        for r in conn.execute(select(detect.waves)):
            corpus.waves.setdefault(r.cluster_id, []).append(
                {"start": r.start, "end": r.end, "messages": r.messages, "chats": r.chats})
        for r in conn.execute(select(detect.floods)):
            corpus.floods.setdefault(r.cluster_id, []).append(
                {"account_id": r.account_id, "chats": r.chats, "messages": r.messages, "start": r.start, "end": r.end})
        for r in conn.execute(select(enrich.phones).where(enrich.phones.c.message_pk.in_(member_pks))):
            corpus.phones.setdefault(r.message_pk, []).append(Phone(r.message_pk, r.e164, r.region, r.line_type))
            if r.watch_id is not None:
                corpus.watched_phones.add(r.e164)
        p = enrich.persons
        for r in conn.execute(select(p.c.message_pk, p.c.normal, p.c.name, p.c.watch_id)
                              .where(p.c.kind == "PER", p.c.message_pk.in_(member_pks))):
            corpus.persons.setdefault(r.message_pk, []).append((normalise(r.normal), r.normal, r.watch_id is not None))
        lk = enrich.links
        hosts: dict[str, str] = {}
        for pk, domain, host in conn.execute(select(lk.c.message_pk, lk.c.domain, lk.c.host).where(
                lk.c.message_pk.in_(member_pks), lk.c.tg_handle.is_(None), lk.c.shortener.is_(False))):
            corpus.domains.setdefault(pk, []).append(domain)
            hosts[host] = domain
        for r in conn.execute(select(enrich.money).where(enrich.money.c.message_pk.in_(member_pks))):
            corpus.money.setdefault(r.message_pk, []).append(Money(r.message_pk, r.amount, r.currency))
        for pk, pays, gathering in conn.execute(select(e.c.message_pk, e.c.pays, e.c.gathering)
                                                .where(e.c.message_pk.in_(member_pks))):
            if pays:
                corpus.pays.add(pk)
            if gathering:
                corpus.gathering.add(pk)
        corpus.adverts = {cid for cid, c in clusters.items() if c.kind in CONTENT_KINDS and is_advert(
            texts.get(c.representative_pk or -1, ""), priced=c.representative_pk in corpus.money)}
        # a number in a seller's or employer's advert is their own contact
        corpus.advert_msgs = {pk for pk, text in _texts(conn, sorted(corpus.phones))
                              if is_advert(text, priced=pk in corpus.money)}
        corpus.videos = set(conn.execute(select(core.media.c.message_pk).where(
            core.media.c.kind.in_(VIDEO_KINDS), core.media.c.message_pk.in_(member_pks))).scalars())
        if has_table(engine, "lookalikes"):
            la = outlets.lookalikes
            for r in conn.execute(select(la).order_by(la.c.score)):
                look = {"outlet": r.outlet_domain, "method": r.method, "score": r.score, "detail": r.detail}
                corpus.lookalikes[r.domain] = look
                corpus.lookalikes.setdefault(r.registrable, look)
        _match_outlets(engine, corpus, hosts)
        spread = [pk for c in clusters.values() if is_lookalike_cluster(corpus, c) for pk in c.members]
        corpus.bare_links = {pk for pk, text in _texts(conn, spread) if len(content_words(text)) < QUOTE_OWN_WORDS}
        corpus.corpus_counts = dict(conn.execute(
            select(m.c.account_id, func.count()).where(m.c.account_id.is_not(None)).group_by(m.c.account_id)).all())
        copied = {pk for c in clusters.values() if c.kind in CONTENT_KINDS for pk in c.members}
        clustered = Counter(msgs[pk].account for pk in copied if msgs[pk].account)
        corpus.clustered_counts = dict(clustered)
        corpus.corpus_tg_ids = sorted(n for a in corpus.corpus_counts if (n := signals.telegram_user_number(a)))
        totals: dict[tuple[str, str], int] = {}
        for e164, n in conn.execute(select(enrich.phones.c.e164, func.count(func.distinct(enrich.phones.c.message_pk)))
                                    .group_by(enrich.phones.c.e164)):
            totals[("phone", e164)] = n
        for domain, n in conn.execute(select(lk.c.domain, func.count(func.distinct(lk.c.message_pk)))
                                      .where(lk.c.tg_handle.is_(None)).group_by(lk.c.domain)):
            totals[("domain", domain)] = n
        origin = func.coalesce(m.c.forwarded_from_id, m.c.forwarded_from)
        for key, n in conn.execute(select(origin, func.count()).where(origin.is_not(None)).group_by(origin)):
            totals[("origin", key)] = n
        corpus.key_totals = totals
    return corpus


def _texts(conn: Any, pks: Sequence[int]) -> Iterator[tuple[int, str]]:
    """(pk, text) of the given messages, asked for `IN_CHUNK` at a time."""
    from fakewatch.store.tables import core

    for start in range(0, len(pks), IN_CHUNK):
        yield from conn.execute(select(core.messages.c.id, core.messages.c.text)
                                .where(core.messages.c.id.in_(pks[start:start + IN_CHUNK])))


def _match_outlets(engine: Engine, corpus: Corpus, hosts: dict[str, str]) -> None:
    """Match the linked hosts the look-alike detector has not judged against the known outlets."""
    from fakewatch.detect.impersonation import OutletIndex, match_domain
    from fakewatch.outlets import load_outlets

    todo = {h: d for h, d in hosts.items() if d not in corpus.lookalikes and h not in corpus.lookalikes}
    if not todo:
        return
    index = OutletIndex(load_outlets(engine))
    for host, domain in sorted(todo.items()):
        found = match_domain(host, index)
        if found:
            corpus.lookalikes.setdefault(domain, {"outlet": found.outlet.domain, "method": found.method,
                                                  "score": found.score, "detail": found.detail})


def store(engine: Engine, drafts: Sequence[Draft]) -> None:
    """Replace the stored campaigns with `drafts` (codes C1.. for reported, A1.. for coordinated activity,
    K1.. for candidates)."""
    from fakewatch.store.tables import campaigns as t

    with engine.begin() as conn:
        for table in (t.campaign_evidence, t.campaign_accounts, t.campaign_messages, t.campaign_clusters, t.campaigns):
            conn.execute(delete(table))
        counters: Counter[str] = Counter()
        for d in drafts:
            counters[d.cls] += 1
            code = f"{CODE_PREFIXES[d.cls]}{counters[d.cls]}"
            cid = conn.execute(insert(t.campaigns).values(
                code=code, title=d.title, score=d.score, reported=d.reported, first_seen=d.first_seen,
                last_seen=d.last_seen, data=d.data)).inserted_primary_key[0]
            conn.execute(insert(t.campaign_clusters), [{"campaign_id": cid, "cluster_id": c} for c in d.clusters])
            conn.execute(insert(t.campaign_messages), [{"campaign_id": cid, "message_pk": pk} for pk in d.pks])
            seeder_rank = {a: i for i, a in enumerate(d.data["seeders"], 1)}
            coordinated = set(d.data["coordinated_accounts"])
            conn.execute(insert(t.campaign_accounts), [
                {"campaign_id": cid, "account_id": a, "messages": n, "coordinated": a in coordinated,
                 "seeder_rank": seeder_rank.get(a)} for a, n in d.data["account_messages"].items()])
            if d.evidence:
                conn.execute(insert(t.campaign_evidence), [
                    {"campaign_id": cid, "kind": ev.kind, "detail": ev.detail, "data": ev.data or None,
                     "message_pks": ev.message_pks} for ev in d.evidence])


def run(engine: Engine, *, progress: Progress | None = None) -> CampaignReport:
    """The campaigns stage: load, assemble, store. Re-running replaces the previous campaigns."""
    if progress:
        progress("campaigns: load", 0, 3)
    corpus = load(engine)
    if progress:
        progress("campaigns: assemble", 1, 3)
    drafts = assemble(corpus)
    if progress:
        progress("campaigns: store", 2, 3)
    store(engine, drafts)
    if progress:
        progress("campaigns", 3, 3)
    kinds = Counter(d.cls for d in drafts)
    return CampaignReport(campaigns=kinds["campaign"], candidates=kinds["candidate"],
                          clusters_considered=len(corpus.clusters), activity=kinds["activity"])

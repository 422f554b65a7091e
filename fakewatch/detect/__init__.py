"""Detection: content clusters, coordinated accounts, cross-posting floods, seeders and waves.

`run(engine)` reads what ingest and enrich stored and rebuilds the detect tables:

1. content clusters - near-duplicate text (:mod:`.neardup`), same link, same
   domain, same phone number, same forward origin and same media file
   (:mod:`.keys`), after the extra detectors listed in :data:`EXTRA_DETECTORS`
   (perceptual media hashes, look-alike outlets);
2. coordination (:mod:`.coordination`) - accounts co-posting items of one
   cluster within a time window, repeatedly, grouped into Leiden communities;
   cross-posting floods of one account;
3. seeders (:mod:`.seeders`) and waves (:mod:`.waves`) per cluster.

Every threshold is a field of :class:`DetectParams` with its default, why, and
its equivalent in CooRTweet (Righetti & Balluff, R) and in
coordination-network-toolkit (QUT Digital Media Research Centre, Python).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
from sqlalchemy import Engine, delete, insert, select

from fakewatch.store.tables import detect as t

from . import coactivity, coordination
from .corpus import Corpus, load, to_datetime
from .keys import group_by_key
from .neardup import near_duplicates
from .seeders import Seeder, rank_seeders
from .waves import Waves, find_waves

Progress = Callable[[str, int, "int | None"], None]

KINDS = ("text", "link", "domain", "phone", "forward", "media")

EXTRA_DETECTORS: list[str] = ["fakewatch.detect.media:detect", "fakewatch.detect.lookalikes:detect"]
"""``module:function`` detectors run first (after the detect tables are emptied), called as
``function(engine, params=params, progress=progress)``. They write their own tables and may leave keys the
corpus reads (the media detector groups edited copies of a file under one key, used in place of its
SHA-256) or add rows to ``clusters`` / ``cluster_members``, which then take part in coordination, seeders
and waves like the built-in kinds. A module that does not exist is skipped."""


@dataclass
class DetectParams:
    """Every detection threshold, with its default and the equivalent in the two reference tools.

    CooRTweet = ``detect_groups()`` / ``generate_coordinated_network()`` /
    ``detect_similar_text()``; toolkit = coordination-network-toolkit's
    ``compute_networks`` (CLI ``compute_networks DB co_tweet|co_similar_tweet|co_link ...``).
    """

    similarity: float = 0.6
    """Jaccard similarity of character-5-gram sets at which two templates are one text. Templates already
    ignore phones, numbers, URLs, names, case, emoji and look-alike letters, so 0.6 is left for reworded
    copies. CooRTweet: ``detect_similar_text(min_similarity=0.8)`` (word n-grams); toolkit: ``co_similar_tweet
    --similarity_threshold 0.9`` (token-set Jaccard)."""
    bands: int = 16
    """LSH bands; with ``rows`` the candidate S-curve midpoint is (1/bands)**(1/rows) = 0.5 (see neardup).
    CooRTweet: ``textreuse::lsh(bands=80)`` over ``minhash_n=200``; toolkit: none (compares every pair)."""
    rows: int = 4
    """MinHash values per band (bands * rows hash functions in all)."""
    shingle: int = 5
    """Characters per shingle. CooRTweet: ``tokenize_ngrams`` (word 3-grams); toolkit: word tokens."""
    exact_below: int = 40
    """Templates shorter than this (characters) are grouped by exact equality only. CooRTweet:
    ``skip_short``; toolkit: ``co_tweet`` is exact matching of preprocessed text."""
    min_text_chars: int = 20
    """Templates shorter than this form no text cluster: "спасибо", "+1", "доброе утро" repeat
    everywhere by chance and would make giant clusters and chance co-posts. Toolkit: ``--min_document_size_similarity``
    (tokens); CooRTweet: none."""
    time_window: int = 300
    """Seconds within which two posts of one cluster are a co-post. Copy-paste campaigns hit dozens of chats
    within minutes; ordinary sharing of the same content spreads over hours. CooRTweet:
    ``detect_groups(time_window=10)`` (default, seconds); toolkit: ``--time_window`` (seconds, required)."""
    min_repetition: int = 2
    """Least co-posts (messages of each account posted with the other within the window) for an edge;
    one coincidence is not coordination. CooRTweet: ``min_participation=2`` (per account, on co-shares) and
    the ``edge_weight=0.5`` quantile flag on edges; toolkit: ``--min_edge_weight`` (default 1)."""
    max_chance: float | None = 0.01
    """Family-wise probability that an edge is chance: its co-posts must be unlikely (Poisson, Bonferroni over
    the pairs reaching ``min_repetition``) given how often both accounts post the same clusters over the period,
    so busy channels repeating routine headlines are not linked. ``None`` keeps every edge reaching
    ``min_repetition``. CooRTweet: none (``edge_weight`` keeps weights above a quantile instead); toolkit: none."""
    coordination_kinds: tuple[str, ...] = ("text", "link", "phone", "media")
    """Cluster kinds whose co-posts make edges. A phone number is content too: reworded variants of one
    announcement list the same "organisers'" phones, so accounts posting different variants in one burst
    still meet (a seller repeating their own phone meets nobody). Domains are too coarse (every news link
    of a popular site) and a forward origin is a source, not a content (one channel's hundred posts):
    forwards still count through their text and media clusters. CooRTweet: the object chosen in
    ``reshape_tweets(intent="retweet"|"hashtag"|"urls"|"cotweet")``; toolkit: the command,
    ``co_retweet``/``co_link``/``co_tweet``."""
    coactivity_window: int = 60
    """Seconds within which two accounts posting into one chat are co-active (:mod:`.coactivity`), whatever they
    posted. A network firing an event into a city's chats does it within a minute; independent members of a chat
    a hundred messages a day busy land that close by chance now and then, and the chance filter weighs how often.
    CooRTweet: none (its ``time_window`` applies to one shared object); toolkit: ``co_post --time_window``
    (posts of two accounts that close anywhere, offered as a null model, without a chance filter)."""
    coactivity_gap: int = 600
    """Seconds between a pair's co-posts that start a new occasion: one event's burst across chats, however many
    messages it holds, is one occasion, and so is a conversation that runs on for an hour."""
    coactivity_across_chats: bool = True
    """Count an occasion only when each of the two accounts also posted into another chat within
    ``coactivity_gap`` of it: networks fire an event into several chats at once; two members talking to each
    other do it in one chat at a time, however often and however fast they answer."""
    coactivity_min_occasions: int = 3
    """Least counted occasions for a co-active pair, before the chance filter (``max_chance``). Content-free
    evidence needs more repeats than shared content (``min_repetition``): two occasions happen to neighbours."""
    coactivity_min_lift: float = 10.0
    """Least ratio of a pair's counted occasions to the co-posts chance predicts from its activity. Independence is
    the wrong null for people who talk: in tests/test_detect_coactivity.py members answering each other across the
    chats they share meet 1.3-3.8 times as often as independent posters would (which the Poisson filter alone
    can call significant for two hyperactive members), while a network quiet between events meets 350-470 times
    as often. CooRTweet: none; toolkit: none."""
    resolution: float = 1.0
    """Leiden (modularity, RB configuration) resolution for groups; higher splits more. CooRTweet: none
    (``group_stats``/igraph community detection left to the user); toolkit: none (exports the graph)."""
    flood_window: int = 1800
    """Seconds in which one account posting one cluster into ``flood_min_chats`` chats is a flood. A seller
    re-posting an advert over a week is not; toolkit/CooRTweet: none (loops are dropped, not reported)."""
    flood_min_chats: int = 3
    """Distinct chats that make a flood."""
    wave_gap: int = 3600
    """Quiet seconds that end a wave of a cluster. CooRTweet: none (``flag_speed_share`` marks fast shares);
    toolkit: none."""
    wave_min_messages: int = 3
    """Messages a burst needs to be a wave."""
    seeders_per_cluster: int = 3
    """Seeders kept per cluster, best first."""
    seed: int = 1
    """Random seed of MinHash and Leiden: equal inputs and parameters give equal outputs."""


@dataclass
class DetectReport:
    """What a detect run found, and how long it took."""

    messages: int = 0
    clusters: dict[str, int] = field(default_factory=dict)
    edges: int = 0
    coactive_pairs: int = 0
    groups: int = 0
    coordinated_accounts: int = 0
    floods: int = 0
    seeders: int = 0
    waves: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Detection:
    """In-memory result of :func:`detect` over a corpus (account and row indices are corpus codes)."""

    kinds: list[str]  # per cluster (index = cluster number)
    keys: list[str]
    members: np.ndarray  # cluster number of each membership
    rows: np.ndarray  # message row of each membership
    similarity: np.ndarray
    edges: coordination.Edges  # co-share edges
    coactive: coactivity.Pairs
    groups: np.ndarray  # group per account code over co-share and co-activity edges, -1 none
    centrality: np.ndarray
    floods: list[coordination.Flood]
    seeders: list[Seeder]
    waves: Waves


def content_clusters(corpus: Corpus, params: DetectParams) -> tuple[list[str], list[str], np.ndarray, np.ndarray,
                                                                   np.ndarray]:
    """(kind, key) per cluster and memberships (cluster, row, similarity) of every content kind."""
    kinds: list[str] = []
    keys: list[str] = []
    members, rows, sims = [], [], []

    def add(kind: str, group_rows: np.ndarray, labels: np.ndarray, names: list[str], sim: np.ndarray) -> None:
        members.append(labels + len(kinds))
        rows.append(group_rows)
        sims.append(sim)
        kinds.extend([kind] * len(names))
        keys.extend(names)

    eligible = np.fromiter((i for i, text in enumerate(corpus.templates) if len(text) >= params.min_text_chars),
                           dtype=np.int64)
    nd = near_duplicates([corpus.templates[i] for i in eligible], threshold=params.similarity, bands=params.bands,
                         rows=params.rows, shingle=params.shingle, exact_below=params.exact_below, seed=params.seed)
    inside = nd.labels >= 0
    _, text_labels = np.unique(nd.labels[inside], return_inverse=True)
    text_rows = eligible[inside]
    first = np.full(text_labels.max() + 1 if len(text_labels) else 0, -1)
    first[text_labels[::-1]] = text_rows[::-1]  # rows are in time order: the earliest member represents
    add("text", text_rows, text_labels, [corpus.templates[r][:1000] for r in first.tolist()], nd.similarity[inside])
    for kind, g in (("link", group_by_key(corpus.link_rows, corpus.link_urls)),
                    ("domain", group_by_key(corpus.link_rows, corpus.link_domains)),
                    ("phone", group_by_key(corpus.phone_rows, corpus.phone_e164)),
                    ("forward", group_by_key(np.arange(len(corpus)), corpus.forward_keys)),
                    ("media", group_by_key(corpus.media_rows, corpus.media_keys))):
        add(kind, g.rows, g.labels, g.keys, np.ones(len(g.rows)))
    return kinds, keys, np.concatenate(members), np.concatenate(rows), np.concatenate(sims)


def _distinct_floods(found: list[coordination.Flood], size: np.ndarray) -> list[coordination.Flood]:
    """Drop a flood whose messages another flood of the same account already covers (text and link twins)."""
    kept: list[coordination.Flood] = []
    seen: dict[int, list[set[int]]] = {}
    for f in sorted(found, key=lambda f: (size[f.object], f.object)):
        msgs = set(f.messages.tolist())
        if any(msgs <= other or other <= msgs for other in seen.get(f.account, [])):
            continue
        seen.setdefault(f.account, []).append(msgs)
        kept.append(f)
    return kept


def coactive(corpus: Corpus, params: DetectParams) -> coactivity.Pairs:
    """Co-active account pairs over every message with a known author (message codes are corpus rows)."""
    known = np.flatnonzero(corpus.account >= 0)
    return coactivity.coactive_pairs(corpus.account[known], corpus.chat[known], known, corpus.time[known],
                                     window=params.coactivity_window, gap=params.coactivity_gap,
                                     across_chats=params.coactivity_across_chats,
                                     min_occasions=params.coactivity_min_occasions,
                                     min_lift=params.coactivity_min_lift, max_chance=params.max_chance)


def coordinate(corpus: Corpus, kinds: list[str], members: np.ndarray, rows: np.ndarray,
               params: DetectParams) -> tuple[coordination.Edges, coactivity.Pairs, np.ndarray, np.ndarray,
                                              list[coordination.Flood]]:
    """Co-share edges, co-active pairs, groups and centrality over both, and floods."""
    allowed = np.isin(np.asarray(kinds), list(params.coordination_kinds))
    use = allowed[members] & (corpus.account[rows] >= 0) if len(members) else np.zeros(0, bool)
    m, r = members[use], rows[use]
    edges = coordination.coordinate(m, corpus.account[r], r, corpus.time[r], window=params.time_window,
                                    min_repetition=params.min_repetition, max_chance=params.max_chance)
    pairs = coactive(corpus, params)
    graph = coordination.union(edges, pairs.edges())
    groups = coordination.communities(len(corpus.names), graph, resolution=params.resolution, seed=params.seed)
    central = coordination.centrality(len(corpus.names), graph)
    found = coordination.floods(m, corpus.account[r], corpus.chat[r], r, corpus.time[r], window=params.flood_window,
                                min_chats=params.flood_min_chats)
    return edges, pairs, groups, central, _distinct_floods(found, np.bincount(members, minlength=len(kinds)))


def detect(corpus: Corpus, params: DetectParams | None = None, *,
           extra: tuple[list[str], list[str], np.ndarray, np.ndarray] | None = None) -> Detection:
    """The whole detection over an in-memory corpus; `extra` adds clusters found elsewhere (kinds, keys, m, rows)."""
    params = params or DetectParams()
    kinds, keys, members, rows, sims = content_clusters(corpus, params)
    if extra:
        xk, xkeys, xm, xr = extra
        members = np.r_[members, xm + len(kinds)]
        rows = np.r_[rows, xr]
        sims = np.r_[sims, np.ones(len(xr))]
        kinds, keys = kinds + xk, keys + xkeys
    edges, pairs, groups, central, found = coordinate(corpus, kinds, members, rows, params)
    seeds = rank_seeders(members, rows, corpus.time, corpus.account, corpus.origin, central,
                         top=params.seeders_per_cluster)
    waves = find_waves(members, corpus.time[rows], corpus.chat[rows], gap=params.wave_gap,
                       min_messages=params.wave_min_messages)
    return Detection(kinds=kinds, keys=keys, members=members, rows=rows, similarity=sims, edges=edges,
                     coactive=pairs, groups=groups, centrality=central, floods=found, seeders=seeds, waves=waves)


# --- store ----------------------------------------------------------------------------------


def _run_extras(engine: Engine, params: DetectParams, progress: Progress | None, notes: list[str]) -> None:
    for spec in EXTRA_DETECTORS:
        module_name, func_name = spec.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        func = getattr(module, func_name, None)
        if func is None:
            notes.append(f"{spec}: no such function, skipped")
            continue
        func(engine, params=params, progress=progress)


def _write_clusters(conn, corpus: Corpus, det_kinds: list[str], keys: list[str], members: np.ndarray,
                    rows: np.ndarray, sims: np.ndarray) -> list[int]:
    """Insert clusters and members; return the store id of each cluster number."""
    n = len(det_kinds)
    if not n:
        return []
    size = np.bincount(members, minlength=n)
    order = np.lexsort((corpus.time[rows], members))
    first = np.searchsorted(members[order], np.arange(n))
    last = np.searchsorted(members[order], np.arange(n), side="right") - 1
    rep, last_row = rows[order][first], rows[order][last]

    def distinct(codes: np.ndarray) -> np.ndarray:
        known = codes >= 0  # an unnamed author is not an account
        width = int(codes.max()) + 1
        return np.bincount(np.unique(members[known] * width + codes[known]) // width, minlength=n)

    n_acc, n_chat = distinct(corpus.account[rows]), distinct(corpus.chat[rows])
    start = (conn.execute(select(t.clusters.c.id).order_by(t.clusters.c.id.desc()).limit(1)).scalar() or 0) + 1
    ids = list(range(start, start + n))
    conn.execute(insert(t.clusters), [
        {"id": ids[c], "kind": det_kinds[c], "key": keys[c], "size": int(size[c]), "accounts": int(n_acc[c]),
         "chats": int(n_chat[c]), "representative_pk": int(corpus.pk[rep[c]]),
         "first_seen": to_datetime(corpus.time[rep[c]]), "last_seen": to_datetime(corpus.time[last_row[c]])}
        for c in range(n)])
    pks = corpus.pk[rows].tolist()
    conn.execute(insert(t.cluster_members), [
        {"cluster_id": ids[c], "message_pk": p, "similarity": round(s, 3)}
        for c, p, s in zip(members.tolist(), pks, sims.tolist())])
    return ids


def _extra_clusters(conn, corpus: Corpus, after: int) -> tuple[list[str], list[str], np.ndarray, np.ndarray, list[int]]:
    """Clusters other detectors stored (ids > `after`), as memberships over corpus rows, and their ids."""
    found = conn.execute(select(t.clusters.c.id, t.clusters.c.kind, t.clusters.c.key)
                         .where(t.clusters.c.id > after).order_by(t.clusters.c.id)).all()
    number = {cid: i for i, (cid, _, _) in enumerate(found)}
    row_of = {int(p): i for i, p in enumerate(corpus.pk.tolist())}
    pairs = [(number[c], row_of[p]) for c, p in conn.execute(
        select(t.cluster_members.c.cluster_id, t.cluster_members.c.message_pk)
        .where(t.cluster_members.c.cluster_id > after)) if p in row_of]
    m = np.array([a for a, _ in pairs], dtype=np.int64)
    r = np.array([b for _, b in pairs], dtype=np.int64)
    return [k for _, k, _ in found], [key for _, _, key in found], m, r, [cid for cid, _, _ in found]


def clear(engine: Engine) -> None:
    """Delete every detect row (a run rebuilds them all)."""
    with engine.begin() as conn:
        for table in (t.seeders, t.waves, t.floods, t.coord_groups, t.coord_edges, t.coactivity_pairs,
                      t.cluster_members, t.clusters):
            conn.execute(delete(table))


def run(engine: Engine, *, params: DetectParams | None = None, progress: Progress | None = None) -> DetectReport:
    """Rebuild every detect table from the store; see the module docstring for the steps."""
    params = params or DetectParams()
    tick = progress or (lambda *_: None)
    began = time.perf_counter()
    report = DetectReport()
    tick("load", 0, None)
    clear(engine)
    _run_extras(engine, params, progress, report.notes)
    corpus = load(engine)  # after the extras: the media detector sets the keys copies are clustered by
    report.messages = len(corpus)
    with engine.connect() as conn:
        xk, xkeys, xm, xr, xids = _extra_clusters(conn, corpus, 0)
    tick("detect", 0, len(corpus))
    det = detect(corpus, params, extra=(xk, xkeys, xm, xr))
    own = len(det.kinds) - len(xk)
    mine = det.members < own
    name = corpus.names
    with engine.begin() as conn:
        ids = _write_clusters(conn, corpus, det.kinds[:own], det.keys[:own], det.members[mine], det.rows[mine],
                              det.similarity[mine]) + xids
        edges, groups, central, waves = det.edges, det.groups, det.centrality, det.waves
        if len(edges):
            conn.execute(insert(t.coord_edges), [
                {"account_a": name[a], "account_b": name[b], "weight": int(w),
                 "clusters": [ids[o] for o in objs.tolist()], "first_seen": to_datetime(f),
                 "last_seen": to_datetime(last)}
                for a, b, w, objs, f, last in zip(edges.a.tolist(), edges.b.tolist(), edges.weight.tolist(),
                                                   edges.objects, edges.first.tolist(), edges.last.tolist())])
        pairs = det.coactive
        if len(pairs):
            conn.execute(insert(t.coactivity_pairs), [
                {"account_a": name[a], "account_b": name[b], "occasions": int(n), "expected": round(float(e), 4),
                 "window_s": params.coactivity_window, "message_pks": corpus.pk[m].tolist(),
                 "chats": [corpus.chats[c] for c in ch.tolist()], "first_seen": to_datetime(f),
                 "last_seen": to_datetime(last)}
                for a, b, n, e, m, ch, f, last in zip(pairs.a.tolist(), pairs.b.tolist(), pairs.occasions.tolist(),
                                                       pairs.expected.tolist(), pairs.messages, pairs.chats,
                                                       pairs.first.tolist(), pairs.last.tolist())])
        grouped = np.flatnonzero(groups >= 0)
        if len(grouped):
            conn.execute(insert(t.coord_groups), [
                {"account_id": name[a], "group_id": int(groups[a]) + 1, "degree": round(float(central[a]), 4)}
                for a in grouped.tolist()])
        if det.floods:
            conn.execute(insert(t.floods), [
                {"account_id": name[f.account], "cluster_id": ids[f.object], "chats": f.chats,
                 "messages": len(f.messages), "start": to_datetime(f.start), "end": to_datetime(f.end)}
                for f in det.floods])
        if det.seeders:
            conn.execute(insert(t.seeders), [
                {"cluster_id": ids[s.cluster], "account_id": name[s.account], "rank": s.rank, "score": s.score,
                 "reasons": s.reasons} for s in det.seeders])
        if len(waves):
            conn.execute(insert(t.waves), [
                {"cluster_id": ids[c], "start": to_datetime(s), "end": to_datetime(e), "messages": int(m),
                 "chats": int(ch)}
                for c, s, e, m, ch in zip(waves.cluster.tolist(), waves.start.tolist(), waves.end.tolist(),
                                          waves.messages.tolist(), waves.chats.tolist())])
    report.clusters = {k: det.kinds.count(k) for k in dict.fromkeys(KINDS + tuple(det.kinds))}
    report.edges = len(edges)
    report.coactive_pairs = len(det.coactive)
    report.groups = len(np.unique(groups[grouped]))
    report.coordinated_accounts = len(grouped)
    report.floods, report.seeders, report.waves = len(det.floods), len(det.seeders), len(waves)
    report.seconds = round(time.perf_counter() - began, 2)
    tick("done", report.messages, report.messages)
    return report


__all__ = ["DetectParams", "DetectReport", "Detection", "detect", "run"]

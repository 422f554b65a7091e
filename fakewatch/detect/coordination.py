"""Coordinated accounts: who posts the same content within a short time window, repeatedly.

The core works on plain arrays of *shares* - (object, account, time[, content])
rows, where the object is whatever identifies "the same content" (a cluster id
in fakewatch, a retweeted tweet id or URL in CooRTweet) - so the same code runs
on the store and on third-party data such as CooRTweet's example set.

Co-shares
    Two shares of one object whose times differ by at most ``window`` seconds.
    :func:`window_pairs` enumerates them without a quadratic join: rows are
    sorted by (object, time) and each row is paired with the rows that follow it
    up to ``time + window`` (a ``searchsorted`` on a composite key), in chunks,
    so memory stays bounded even when a viral object has thousands of shares.

Two edge definitions are offered:

:func:`detect_groups` + :func:`coordinated_network`
    A faithful re-implementation of CooRTweet's ``detect_groups()`` and
    ``generate_coordinated_network()`` (Righetti & Balluff; R/detect_groups.R,
    R/generate_coordinated_network.R): accounts need ``min_participation``
    shares to enter, loops (same account, or the object being the content
    itself) are dropped, a co-share survives when at least one of its two
    accounts has ``min_participation`` coordinated shares, the edge weight is
    the number of co-share rows, and an edge is flagged when its weight exceeds
    the ``edge_weight`` quantile (R's default type 7, numpy's "linear") of all
    weights.

:func:`coordinate`
    fakewatch's own edges between accounts: the weight of (a, b) is the number
    of *co-posts*, ``min(#messages of a, #messages of b)`` among their co-shares,
    so the same pair of messages joined by several clusters (its text, its link
    and its forward origin) counts once, and one hyperactive account cannot
    inflate a pair alone (CooRTweet's edge-symmetry concern). Edges below
    ``min_repetition`` are dropped; groups are Leiden communities of the rest.

:func:`floods` finds the single-account pattern: one account posting one object
into many chats within a short span.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

PAIR_CHUNK = 4_000_000
"""Co-share pairs materialised at once; bounds memory (about 100 MB of index arrays per chunk)."""


def window_pairs(objects: np.ndarray, times: np.ndarray, window: float,
                 chunk: int = PAIR_CHUNK) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield index arrays (i, j) of rows with the same object and ``0 <= times[j] - times[i] <= window``.

    Every unordered pair of distinct rows is yielded once, the earlier row
    (by time, ties by input order) as ``i``. Indices refer to the input arrays.
    """
    n = len(objects)
    if n < 2:
        return
    objects = np.asarray(objects, dtype=np.int64)
    times = np.asarray(times, dtype=np.int64)
    order = np.lexsort((np.arange(n), times, objects))
    t = times[order] - times.min()
    span = int(t.max()) + int(window) + 1
    if int(objects.max()) + 1 > np.iinfo(np.int64).max // span:
        raise OverflowError("too many objects for the time span to build a composite key")
    key = objects[order] * span + t
    ends = np.searchsorted(key, key + int(window), side="right")
    counts = ends - np.arange(n) - 1
    cum = np.cumsum(counts)
    start = 0
    while start < n:
        base = int(cum[start - 1]) if start else 0
        stop = max(int(np.searchsorted(cum, base + chunk, side="right")), start + 1)
        k = counts[start:stop]
        total = int(k.sum())
        if total:
            i = np.repeat(np.arange(start, stop), k)
            offsets = np.arange(total) - np.repeat(np.cumsum(k) - k, k)
            yield order[i], order[i + 1 + offsets]
        start = stop


def codes(values) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values, integer code of each value): a factor, like R's ``as.factor``."""
    uniq, inv = np.unique(np.asarray(values), return_inverse=True)
    return uniq, inv.astype(np.int64)


# --- CooRTweet ------------------------------------------------------------------------------


@dataclass
class CoShares:
    """CooRTweet's ``detect_groups()`` result: one row per co-share, older share first.

    Fields are arrays of row indices into the input (``i`` older, ``j`` newer)
    and the absolute time difference.
    """

    i: np.ndarray
    j: np.ndarray
    time_delta: np.ndarray

    def __len__(self) -> int:
        return len(self.i)


def detect_groups(object_id, account_id, content_id, timestamp, *, time_window: float = 10,
                  min_participation: int = 2, remove_loops: bool = True) -> CoShares:
    """CooRTweet ``detect_groups(x, time_window, min_participation, remove_loops)`` on arrays.

    Steps, as in R/detect_groups.R: (1) keep accounts with at least
    ``min_participation`` shares; (2) all pairs of shares of one object within
    ``time_window`` seconds; (3) drop loops: same account, same content, or a
    content that *is* the object; (4) keep a pair when one of its two shares
    belongs to an account with ``min_participation`` shares among all shares
    that appear in some pair.
    """
    object_id = np.asarray(object_id)
    account_id = np.asarray(account_id)
    content_id = np.asarray(content_id)
    timestamp = np.asarray(timestamp, dtype=np.int64)
    _, acc = codes(account_id)
    per_account = np.bincount(acc)
    kept = np.flatnonzero(per_account[acc] >= min_participation)
    # objects and contents share one code space so "object == content" loops compare as in R
    _, both = codes(np.concatenate([object_id[kept], content_id[kept]]))
    obj, cont = both[: len(kept)], both[len(kept):]
    a = acc[kept]
    t = timestamp[kept]
    ii, jj = [], []
    for i, j in window_pairs(obj, t, time_window):
        if remove_loops:
            ok = (a[i] != a[j]) & (cont[i] != cont[j]) & (obj[i] != cont[i]) & (obj[i] != cont[j])
            i, j = i[ok], j[ok]
        ii.append(i)
        jj.append(j)
    i = np.concatenate(ii) if ii else np.empty(0, np.int64)
    j = np.concatenate(jj) if jj else np.empty(0, np.int64)
    if min_participation >= 1 and len(i):
        in_pairs = np.zeros(cont.max() + 1, dtype=bool)
        in_pairs[cont[i]] = in_pairs[cont[j]] = True
        rows = np.flatnonzero(in_pairs[cont])
        enough = np.bincount(a[rows], minlength=len(per_account)) >= min_participation
        good_content = np.zeros_like(in_pairs)
        good_content[cont[rows[enough[a[rows]]]]] = True
        ok = good_content[cont[i]] | good_content[cont[j]]
        i, j = i[ok], j[ok]
    return CoShares(i=kept[i], j=kept[j], time_delta=np.abs(timestamp[kept[j]] - timestamp[kept[i]]))


@dataclass
class Network:
    """CooRTweet's ``generate_coordinated_network()`` edges (``from`` < ``to`` as strings)."""

    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray
    avg_time_delta: np.ndarray
    n_content_id: np.ndarray
    n_content_id_y: np.ndarray
    edge_symmetry_score: np.ndarray
    weight_threshold: np.ndarray

    def __len__(self) -> int:
        return len(self.source)

    def pairs(self, *, flagged_only: bool = False) -> set[tuple[str, str]]:
        keep = self.weight_threshold.astype(bool) if flagged_only else np.ones(len(self), bool)
        return set(zip(self.source[keep].tolist(), self.target[keep].tolist()))


def coordinated_network(shares: CoShares, account_id, content_id, *, edge_weight: float = 0.5) -> Network:
    """CooRTweet ``generate_coordinated_network(x, edge_weight)`` (no fast network, no subgraph).

    Weight = number of co-share rows of the pair; ``n_content_id`` counts the
    distinct older contents and ``n_content_id_y`` the newer ones (R swaps the
    accounts into sorted order but not the contents); ``weight_threshold`` is 1
    where the weight exceeds the ``edge_weight`` quantile of all weights.
    """
    account_id = np.asarray(account_id)
    names, acc = codes(account_id)
    _, cont = codes(np.asarray(content_id))
    a, b = acc[shares.i], acc[shares.j]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    pair_keys, pair = np.unique(lo * len(names) + hi, return_inverse=True)
    weight = np.bincount(pair)
    avg = np.bincount(pair, weights=shares.time_delta) / weight

    def distinct(c: np.ndarray) -> np.ndarray:
        u = np.unique(pair * (cont.max() + 1) + c)
        return np.bincount(u // (cont.max() + 1), minlength=len(pair_keys))

    n_x, n_y = distinct(cont[shares.i]), distinct(cont[shares.j])
    threshold = np.quantile(weight, edge_weight) if len(weight) else 0.0
    return Network(
        source=names[pair_keys // len(names)], target=names[pair_keys % len(names)], weight=weight,
        avg_time_delta=avg, n_content_id=n_x, n_content_id_y=n_y,
        edge_symmetry_score=np.minimum(n_x, n_y) / np.maximum(n_x, n_y),
        weight_threshold=(weight > threshold).astype(np.int8),
    )


# --- fakewatch edges ------------------------------------------------------------------------


@dataclass
class Edges:
    """Account-pair edges: account codes ``a < b``, co-post weight, shared objects per edge."""

    a: np.ndarray
    b: np.ndarray
    weight: np.ndarray
    first: np.ndarray  # earliest co-share time of the pair
    last: np.ndarray
    objects: list[np.ndarray]  # distinct objects (clusters) behind each edge

    def __len__(self) -> int:
        return len(self.a)


def expected_co_posts(objects: np.ndarray, accounts: np.ndarray, messages: np.ndarray, a: np.ndarray,
                      b: np.ndarray, *, window: float, period: float) -> np.ndarray:
    """Co-posts of each pair (a[k], b[k]) expected by chance if every post fell uniformly over `period`.

    Two posts of one cluster land within ``window`` of each other with
    probability about ``2 * window / period``; summed over every pair of posts
    the two accounts made in the same cluster: ``sum_c n_a,c * n_b,c * 2w / T``.
    A post held by k clusters (its text, phone and link) counts 1/sqrt(k) in
    each, so two posts sharing all their clusters add one expected pair, not k,
    as the observed weight counts them once.
    """
    from scipy.sparse import csr_matrix

    k = np.bincount(messages)[messages]
    counts = csr_matrix((1 / np.sqrt(k), (accounts, objects)),
                        shape=(int(accounts.max()) + 1, int(objects.max()) + 1))
    shared = np.asarray(counts[a].multiply(counts[b]).sum(axis=1)).ravel()
    return shared * min(1.0, 2 * window / max(period, window))


def beyond_chance(observed: np.ndarray, expected: np.ndarray, max_chance: float) -> np.ndarray:
    """Which pairs met too often to be chance: Poisson P(>= observed | expected), Bonferroni over the pairs tested.

    Every pair handed in is one test, so the family-wise chance that any kept
    pair is a coincidence stays under ``max_chance``. Co-share edges
    (:func:`coordinate`) and co-activity pairs (:mod:`.coactivity`) both use it.
    """
    from scipy.stats import poisson

    if not len(observed):
        return np.zeros(0, dtype=bool)
    return poisson.sf(np.asarray(observed) - 1, expected) <= max_chance / len(observed)


def coordinate(objects: np.ndarray, accounts: np.ndarray, messages: np.ndarray, times: np.ndarray, *,
               window: float, min_repetition: int = 2, max_chance: float | None = 0.01) -> Edges:
    """Edges between accounts that co-post within ``window`` seconds at least ``min_repetition`` times.

    Rows are cluster memberships: ``objects[k]`` is the cluster, ``messages[k]``
    the message, ``accounts[k]`` its author (integer codes), ``times[k]`` its
    time in seconds. A message can sit in several clusters (text, link, media):
    it is still one post, so the weight of (a, b) counts distinct messages
    co-posted - the smaller of a's and b's count - not cluster rows.

    Busy accounts posting routine content (a news channel's recurring
    headlines, everyday questions) meet by chance now and then. With
    ``max_chance`` set, an edge must also be unlikely under chance: the Poisson
    probability of at least its weight given :func:`expected_co_posts` over the
    observed period must be at most ``max_chance`` divided by the number of
    pairs reaching ``min_repetition`` (Bonferroni: that many edges are tested).
    Twins of one post (its text, phone and link clusters) count as one post
    in the expectation as in the weight.
    """
    objects, accounts = np.asarray(objects, np.int64), np.asarray(accounts, np.int64)
    messages, times = np.asarray(messages, np.int64), np.asarray(times, np.int64)
    empty = Edges(*(np.empty(0, np.int64) for _ in range(5)), objects=[])
    if len(objects) < 2:
        return empty
    n_acc = int(accounts.max()) + 1
    n_msg = int(messages.max()) + 1
    chunks = []
    for i, j in window_pairs(objects, times, window):
        ok = accounts[i] != accounts[j]
        i, j = i[ok], j[ok]
        swap = accounts[i] > accounts[j]
        i, j = np.where(swap, j, i), np.where(swap, i, j)
        chunks.append((accounts[i] * n_acc + accounts[j], messages[i], messages[j], objects[i],
                       np.minimum(times[i], times[j]), np.maximum(times[i], times[j])))
    if not chunks:
        return empty
    pair, ma, mb, obj, t0, t1 = (np.concatenate(c) for c in zip(*chunks))
    keys, inv = np.unique(pair, return_inverse=True)
    n_a = np.bincount(np.unique(inv * n_msg + ma) // n_msg, minlength=len(keys))
    n_b = np.bincount(np.unique(inv * n_msg + mb) // n_msg, minlength=len(keys))
    weight = np.minimum(n_a, n_b)
    keep = weight >= min_repetition
    if max_chance is not None and keep.any():
        cand = np.flatnonzero(keep)
        expected = expected_co_posts(objects, accounts, messages, keys[cand] // n_acc, keys[cand] % n_acc,
                                     window=window, period=float(times.max() - times.min()))
        keep[cand] = beyond_chance(weight[cand], expected, max_chance)
    first = np.full(len(keys), np.iinfo(np.int64).max)
    np.minimum.at(first, inv, t0)
    last = np.full(len(keys), np.iinfo(np.int64).min)
    np.maximum.at(last, inv, t1)
    rows = keep[inv]
    n_obj = int(objects.max()) + 1
    edge_obj = np.unique(inv[rows] * n_obj + obj[rows])
    split = np.searchsorted(edge_obj // n_obj, np.flatnonzero(keep))
    per_edge = np.split(edge_obj % n_obj, split[1:]) if keep.any() else []
    return Edges(a=keys[keep] // n_acc, b=keys[keep] % n_acc, weight=weight[keep], first=first[keep],
                 last=last[keep], objects=per_edge)


def union(*parts: Edges) -> Edges:
    """One edge per account pair over several edge sets (co-shares, co-activity): weights add, objects join."""
    parts = tuple(p for p in parts if len(p))
    if len(parts) <= 1:
        return parts[0] if parts else Edges(*(np.empty(0, np.int64) for _ in range(5)), objects=[])
    a, b = np.concatenate([p.a for p in parts]), np.concatenate([p.b for p in parts])
    span = int(max(a.max(), b.max())) + 1
    keys, inv = np.unique(a * span + b, return_inverse=True)
    weight = np.bincount(inv, weights=np.concatenate([p.weight for p in parts])).astype(np.int64)
    first = np.full(len(keys), np.iinfo(np.int64).max)
    np.minimum.at(first, inv, np.concatenate([p.first for p in parts]))
    last = np.full(len(keys), np.iinfo(np.int64).min)
    np.maximum.at(last, inv, np.concatenate([p.last for p in parts]))
    objects: list[list[np.ndarray]] = [[] for _ in keys]
    for k, objs in zip(inv.tolist(), (o for p in parts for o in p.objects)):
        objects[k].append(objs)
    return Edges(a=keys // span, b=keys % span, weight=weight, first=first, last=last,
                 objects=[np.unique(np.concatenate(o)) for o in objects])


def communities(n_accounts: int, edges: Edges, *, resolution: float = 1.0, seed: int = 0) -> np.ndarray:
    """Group id per account (-1 for accounts without edges): Leiden communities, weighted modularity.

    Modularity with ``resolution`` 1 splits loosely bridged groups that share
    one account; a component of two or three accounts stays one group.
    """
    import igraph as ig
    import leidenalg

    group = np.full(n_accounts, -1, dtype=np.int64)
    if not len(edges):
        return group
    nodes = np.unique(np.concatenate([edges.a, edges.b]))
    local = np.searchsorted(nodes, np.stack([edges.a, edges.b], axis=1))
    g = ig.Graph(n=len(nodes), edges=local.tolist())
    g.es["weight"] = edges.weight.astype(float).tolist()
    part = leidenalg.find_partition(g, leidenalg.RBConfigurationVertexPartition, weights="weight",
                                    resolution_parameter=resolution, seed=seed)
    group[nodes] = np.asarray(part.membership, dtype=np.int64)
    return group


def centrality(n_accounts: int, edges: Edges) -> np.ndarray:
    """Weighted degree of each account in the coordination graph, scaled to [0, 1]."""
    degree = np.bincount(edges.a, weights=edges.weight, minlength=n_accounts)
    degree += np.bincount(edges.b, weights=edges.weight, minlength=n_accounts)
    top = degree.max() if len(degree) else 0
    return degree / top if top else degree


@dataclass
class Flood:
    """One account posting one object into ``chats`` distinct chats between ``start`` and ``end``."""

    account: int
    object: int
    chats: int
    start: int
    end: int
    messages: np.ndarray


def floods(objects: np.ndarray, accounts: np.ndarray, chats: np.ndarray, messages: np.ndarray,
           times: np.ndarray, *, window: float, min_chats: int) -> list[Flood]:
    """Cross-posting floods: the largest burst per (account, object) reaching ``min_chats`` chats in ``window`` s.

    A seller re-posting an advert into three chats over a week spreads over
    days and does not qualify; a campaign account pasting one text into ten
    city chats in a quarter of an hour does.
    """
    objects, accounts = np.asarray(objects, np.int64), np.asarray(accounts, np.int64)
    chats, messages, times = np.asarray(chats, np.int64), np.asarray(messages, np.int64), np.asarray(times, np.int64)
    if not len(objects):
        return []
    order = np.lexsort((times, objects, accounts))
    acc, obj, ch, ts = accounts[order], objects[order], chats[order], times[order]
    new = np.r_[True, (acc[1:] != acc[:-1]) | (obj[1:] != obj[:-1])]
    starts = np.flatnonzero(new)
    sizes = np.diff(np.r_[starts, len(order)])
    found = []
    for s, size in zip(starts[sizes >= min_chats].tolist(), sizes[sizes >= min_chats].tolist()):
        t, c = ts[s:s + size], ch[s:s + size]
        if len(np.unique(c)) < min_chats:
            continue
        best = None
        ends = np.searchsorted(t, t + window, side="right")
        for k in range(size):
            n = len(np.unique(c[k:ends[k]]))
            if n >= min_chats and (best is None or n > best[0]):
                best = (n, k, ends[k])
        if best:
            n, k, e = best
            found.append(Flood(account=int(acc[s]), object=int(obj[s]), chats=n, start=int(t[k]),
                               end=int(t[e - 1]), messages=messages[order[s + k:s + e]]))
    return found

"""Seeders: the accounts most likely to have put a cluster into circulation, ranked per cluster.

Three signals, each in [0, 1], weighted into one score:

- ``first``: 1 / k for the k-th account to post in the cluster (the earliest
  poster is the obvious first suspect, but in a chat export only for the chats
  we have);
- ``forward origin``: twice the share of the cluster's messages forwarded from
  the account, capped at 1 (the source of half the copies is the source) - a
  forward names its source even when the source posted in no chat we hold;
- ``central``: the account's weighted degree in the coordination graph, scaled
  to [0, 1] - the hub of a coordinated group is likelier to direct it than a
  peripheral member.

The weights favour evidence of origin (first post, forward source) over
position in the graph, which only says the account was busy in the group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

W_FIRST = 0.35
W_ORIGIN = 0.5
W_CENTRAL = 0.15
CANDIDATES = 5
"""Earliest posters considered per cluster besides forward origins; later ones cannot outrank them."""


@dataclass
class Seeder:
    cluster: int
    account: int
    rank: int
    score: float
    reasons: list[str] = field(default_factory=list)


def rank_seeders(clusters: np.ndarray, rows: np.ndarray, times: np.ndarray, accounts: np.ndarray,
                 origins: np.ndarray, centrality: np.ndarray, *, top: int = 3) -> list[Seeder]:
    """Up to `top` seeders per cluster from membership rows (cluster id, message row).

    ``times``, ``accounts`` (code, -1 unknown) and ``origins`` (code of the forward
    source, -1 when not a forward) are per message row; ``centrality`` per account code.

    >>> s = rank_seeders(np.array([7, 7, 7]), np.array([0, 1, 2]), np.array([10, 5, 20]), np.array([0, 1, 2]),
    ...                  np.array([-1, 3, 3]), np.zeros(4))
    >>> [(x.account, x.rank, x.reasons[0]) for x in s]
    [(3, 1, 'forward origin of 2/3'), (1, 2, 'first post'), (0, 3, 'posted #2')]
    """
    clusters, rows = np.asarray(clusters, np.int64), np.asarray(rows, np.int64)
    if not len(rows):
        return []
    acc, t, org = accounts[rows], times[rows], origins[rows]
    size = {int(c): int(n) for c, n in zip(*np.unique(clusters, return_counts=True))}
    candidates: dict[int, dict[int, dict[str, float]]] = {}
    known = acc >= 0
    c, a, tt = clusters[known], acc[known], t[known]
    order = np.lexsort((tt, a, c))
    c, a, tt = c[order], a[order], tt[order]
    first_of_pair = np.r_[True, (c[1:] != c[:-1]) | (a[1:] != a[:-1])]
    c, a, tt = c[first_of_pair], a[first_of_pair], tt[first_of_pair]
    order = np.lexsort((a, tt, c))
    c, a = c[order], a[order]
    start = np.r_[0, np.flatnonzero(c[1:] != c[:-1]) + 1]
    position = np.arange(len(c)) - np.repeat(start, np.diff(np.r_[start, len(c)]))
    early = position < CANDIDATES
    for cl, ac, pos in zip(c[early].tolist(), a[early].tolist(), position[early].tolist()):
        candidates.setdefault(cl, {})[ac] = {"first": 1.0 / (pos + 1), "origin": 0.0}
    fwd = org >= 0
    if fwd.any():
        pairs, counts = np.unique(np.stack([clusters[fwd], org[fwd]], axis=1), axis=0, return_counts=True)
        for (cl, ac), n in zip(pairs.tolist(), counts.tolist()):
            candidates.setdefault(cl, {}).setdefault(ac, {"first": 0.0, "origin": 0.0})["origin"] = n / size[cl]
    found = []
    for cl, accs in candidates.items():
        scored = []
        for ac, s in accs.items():
            central = float(centrality[ac]) if s["first"] else 0.0
            score = W_FIRST * s["first"] + W_ORIGIN * min(1.0, 2 * s["origin"]) + W_CENTRAL * central
            reasons = []
            if s["origin"]:
                reasons.append(f"forward origin of {round(s['origin'] * size[cl])}/{size[cl]}")
            if s["first"] == 1.0:
                reasons.append("first post")
            elif s["first"]:
                reasons.append(f"posted #{round(1 / s['first'])}")
            if central:
                reasons.append(f"coordination degree {central:.2f}")
            scored.append((-score, ac, reasons))
        for rank, (neg, ac, reasons) in enumerate(sorted(scored)[:top], start=1):
            found.append(Seeder(cluster=cl, account=ac, rank=rank, score=round(-neg, 4), reasons=reasons))
    return found

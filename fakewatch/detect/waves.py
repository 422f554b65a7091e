"""Waves: the bursts in which a cluster spread, split wherever the cluster went quiet.

A campaign text typically arrives in waves - pasted into dozens of chats in a
quarter of an hour, again the next morning - while ordinary recurring content
trickles. A wave is a maximal run of a cluster's messages in which no two
consecutive messages are more than ``gap`` seconds apart; runs with fewer than
``min_messages`` messages are not waves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Waves:
    """One entry per wave: its cluster, first and last time (seconds), messages and distinct chats."""

    cluster: np.ndarray
    start: np.ndarray
    end: np.ndarray
    messages: np.ndarray
    chats: np.ndarray

    def __len__(self) -> int:
        return len(self.cluster)


def find_waves(clusters: np.ndarray, times: np.ndarray, chats: np.ndarray, *, gap: float,
               min_messages: int) -> Waves:
    """Waves of every cluster from membership rows (cluster id, time in seconds, chat code).

    >>> w = find_waves(np.array([1, 1, 1, 1, 2]), np.array([0, 60, 120, 90_000, 5]), np.array([1, 2, 2, 3, 1]),
    ...                gap=3600, min_messages=2)
    >>> w.cluster.tolist(), w.messages.tolist(), w.chats.tolist()
    ([1], [3], [2])
    """
    clusters, times, chats = (np.asarray(a, dtype=np.int64) for a in (clusters, times, chats))
    if not len(clusters):
        return Waves(*(np.empty(0, np.int64) for _ in range(5)))
    order = np.lexsort((times, clusters))
    c, t, ch = clusters[order], times[order], chats[order]
    new = np.r_[True, (c[1:] != c[:-1]) | (np.diff(t) > gap)]
    wave = np.cumsum(new) - 1
    size = np.bincount(wave)
    first = np.flatnonzero(new)
    last = np.r_[first[1:], len(c)] - 1
    n_chats = np.bincount(np.unique(wave * (int(ch.max()) + 1) + ch) // (int(ch.max()) + 1), minlength=len(size))
    keep = size >= min_messages
    return Waves(cluster=c[first][keep], start=t[first][keep], end=t[last][keep], messages=size[keep],
                 chats=n_chats[keep])

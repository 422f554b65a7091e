"""Exact-key clusters: messages sharing one link, domain, forward origin, media file or short text.

One function serves every exact key, so link, domain, forward-origin, media
SHA-256 and short-text clusters are built, counted and stored the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class KeyGroups:
    """Memberships of groups with at least two distinct messages: ``rows[k]`` is in group ``labels[k]``."""

    rows: np.ndarray  # message row index
    labels: np.ndarray  # 0..len(keys)-1
    keys: list[str]  # the key of each group


def group_by_key(rows: Sequence[int] | np.ndarray, keys: Sequence[str | None], *, min_messages: int = 2) -> KeyGroups:
    """Group message rows by equal key; a message listed twice under one key counts once; None keys are skipped.

    >>> g = group_by_key([0, 1, 1, 2, 3], ["a.kz/x", "a.kz/x", "a.kz/x", "b.kz", None])
    >>> g.rows.tolist(), g.labels.tolist(), g.keys
    ([0, 1], [0, 0], ['a.kz/x'])
    """
    index: dict[str, int] = {}
    code = np.fromiter((-1 if k is None else index.setdefault(k, len(index)) for k in keys), dtype=np.int64,
                       count=len(keys))
    rows = np.asarray(rows, dtype=np.int64)
    has = code >= 0
    rows, code = rows[has], code[has]
    if not len(rows):
        return KeyGroups(np.empty(0, np.int64), np.empty(0, np.int64), [])
    width = int(rows.max()) + 1
    pairs = np.unique(code * width + rows)
    code, rows = pairs // width, pairs % width
    big = np.bincount(code, minlength=len(index)) >= min_messages
    keep = big[code]
    new_label = np.cumsum(big) - 1
    names = list(index)
    return KeyGroups(rows=rows[keep], labels=new_label[code[keep]], keys=[names[i] for i in np.flatnonzero(big)])

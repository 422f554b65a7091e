"""Exact radius search over 256-bit hashes (PDQ) by multi-index hashing (Norouzi et al., 2012).

Split every hash into M = 16 substrings of 16 bits. If two hashes differ in at most r = 31 bits,
the pigeonhole principle puts at most floor(31 / 16) = 1 differing bit in at least one substring.
So a query looks up, in each of the 16 substring tables, its own substring and the 16 substrings one
bit away (16 x 17 = 272 keys), takes the union of the stored hashes found there as candidates, and
keeps those whose full Hamming distance is <= r. Nothing within r is missed (the search is exact);
at 1M stored hashes each table bucket holds ~15 entries, so a query checks a few thousand candidates
instead of a million.

The tables are one array of row numbers sorted by key `(substring number << 16) | substring value`
plus the offset where each of the 2**20 keys starts, so a bucket is two array reads (no binary
search, whose cache misses dominated), building is one sort, and lookups are vectorised numpy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

BITS = 256
BYTES = BITS // 8
PARTS = 16  # substrings per hash
PART_BITS = BITS // PARTS
# Largest radius the 1-bit-flip probing is exact for: 2 * PARTS - 1.
MAX_RADIUS = 2 * PARTS - 1

# The 17 masks a substring is probed with: itself, and each single bit flipped.
_FLIPS = np.array([0] + [1 << b for b in range(PART_BITS)], dtype=np.uint32)


def as_matrix(hashes: Sequence[bytes] | np.ndarray) -> np.ndarray:
    """Hashes as an (n, 32) uint8 array."""
    if isinstance(hashes, np.ndarray):
        return np.ascontiguousarray(hashes, dtype=np.uint8).reshape(-1, BYTES)
    if not hashes:
        return np.zeros((0, BYTES), np.uint8)
    return np.frombuffer(b"".join(hashes), np.uint8).reshape(-1, BYTES)


def _parts(matrix: np.ndarray) -> np.ndarray:
    """(n, PARTS) uint32 substring values (big-endian 16-bit words)."""
    return matrix.view(">u2").astype(np.uint32)


def _popcount_rows(x: np.ndarray) -> np.ndarray:
    """Bits set per row of an (n, 32) uint8 array."""
    return np.bitwise_count(x.view(np.uint64)).sum(axis=1)


class HashIndex:
    """Stored 256-bit hashes, each with an integer label, searchable by Hamming radius.

    >>> idx = HashIndex([b"\\x00" * 32, b"\\xff" * 32], labels=[7, 9])
    >>> idx.search(b"\\x00" * 31 + b"\\x01")
    [(7, 1)]
    """

    def __init__(self, hashes: Sequence[bytes] | np.ndarray = (), labels: Sequence[int] | np.ndarray | None = None):
        self.matrix = as_matrix(hashes)
        n = len(self.matrix)
        self.labels = np.arange(n, dtype=np.int64) if labels is None else np.asarray(labels, dtype=np.int64)
        if len(self.labels) != n:
            raise ValueError(f"{n} hashes but {len(self.labels)} labels")
        keys = (np.arange(PARTS, dtype=np.uint32)[None, :] << PART_BITS) | _parts(self.matrix)
        flat = keys.ravel()
        order = np.argsort(flat, kind="stable")
        self._rows = (order // PARTS).astype(np.int64)
        self._starts = np.zeros((PARTS << PART_BITS) + 1, np.int64)
        np.cumsum(np.bincount(flat, minlength=PARTS << PART_BITS), out=self._starts[1:])

    def __len__(self) -> int:
        return len(self.matrix)

    def _candidates(self, query: np.ndarray) -> np.ndarray:
        probes = ((np.arange(PARTS, dtype=np.uint32) << PART_BITS) | _parts(query[None, :])[0])[:, None] ^ _FLIPS
        probes = probes.ravel()
        lo = self._starts[probes]
        sizes = self._starts[probes + 1] - lo
        total = int(sizes.sum())
        if not total:
            return np.zeros(0, np.int64)
        # Concatenate the ranges [lo, lo + size) without a Python loop; a row found in several
        # buckets is checked more than once, which is cheaper than deduplicating thousands of rows.
        starts = np.repeat(lo - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes)
        return self._rows[starts + np.arange(total)]

    def search(self, query: bytes | np.ndarray, radius: int = MAX_RADIUS) -> list[tuple[int, int]]:
        """(label, distance) of every stored hash within `radius` bits of `query`, nearest first."""
        if radius > MAX_RADIUS:
            raise ValueError(f"multi-index search is exact up to radius {MAX_RADIUS}, not {radius}")
        q = as_matrix([query] if isinstance(query, bytes) else query)[0]
        rows = self._candidates(q)
        if not rows.size:
            return []
        dist = _popcount_rows(self.matrix[rows] ^ q)
        keep = dist <= radius
        rows, first = np.unique(rows[keep], return_index=True)
        dist = dist[keep][first]
        order = np.argsort(dist, kind="stable")
        return [(int(self.labels[r]), int(d)) for r, d in zip(rows[order], dist[order])]


def brute_force(stored: np.ndarray, query: np.ndarray, radius: int) -> np.ndarray:
    """Rows of `stored` within `radius` of `query` by scanning them all (the reference the index is tested against)."""
    return np.flatnonzero(_popcount_rows(stored ^ query) <= radius)

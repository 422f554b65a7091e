"""Near-duplicate text clusters: vectorised MinHash over character shingles, banded LSH, verified joins.

Campaign texts are pasted into many chats with small edits (a different phone,
city or emoji, look-alike letters). The enrichment stage's
:func:`fakewatch.enrich.normalize.template` already undoes the cosmetic edits
and replaces phones, numbers, URLs and names by placeholders; this module
groups templates that are still *nearly* the same.

Algorithm
---------
1. Identical templates are merged first (copy-paste is the common case), so the
   expensive steps see each distinct text once.
2. Templates shorter than ``exact_below`` characters are grouped by equality
   only: a handful of character shingles gives MinHash nothing to work with,
   and short texts that differ are different texts.
3. Every longer template becomes the set of its character ``shingle``-grams
   (5 by default, robust to a changed word: one six-letter word in a 100
   character text keeps the Jaccard similarity near 0.8). Shingles are hashed
   with a polynomial rolling hash over the whole corpus at once (numpy over the
   UTF-32 code points, no Python loop per message), then mixed to 32 bits
   (Fibonacci hashing).
4. MinHash: ``bands * rows`` hash functions ``h_k(x) = a_k * x`` (mod 2**32,
   ``a_k`` odd: a bijection, so each is a random permutation of the mixed
   hashes); the signature holds the minimum per text and function
   (``np.minimum.reduceat``). Two texts agree on one function with probability
   equal to their Jaccard similarity ``s``.
5. Banded LSH, as in datasketch's ``MinHashLSH``: the signature is cut into
   ``bands`` bands of ``rows`` values; texts agreeing on a whole band become
   candidates. A pair with similarity ``s`` is a candidate with probability
   ``1 - (1 - s**rows) ** bands``; the S-curve's midpoint is about
   ``(1 / bands) ** (1 / rows)``. With the defaults (16 bands x 4 rows = 64
   functions) the midpoint is 0.50 and the probability is 0.89 at s = 0.6,
   0.99 at s = 0.7 and > 0.9999 at s = 0.8; a cluster of many copies is found
   even at the threshold because one member only needs one link. More rows
   means fewer false candidates, more bands means fewer missed ones.
6. Verification before joining: a candidate pair is joined when the share of
   equal signature values (an unbiased estimate of ``s``) is clearly above the
   threshold, and otherwise when the exact Jaccard similarity of the two
   shingle sets, computed for the borderline pairs only, reaches
   ``threshold``. Candidates are formed within an LSH bucket as a star around
   its first text plus a chain, which links every true member at linear cost.
7. Paraphrases (optional, ``word_threshold``): a copy with its word order
   shuffled in chunks and a third of its words replaced keeps few character
   5-grams (Jaccard 0.2-0.35) but most of its *content words* (letters-only
   words of four letters or more, placeholders dropped). A second MinHash/LSH
   pass over those word sets (the corpus's commonest words dropped), for
   texts of at least ``min_words`` of them, verified the same way against
   ``word_threshold``, adds its pairs to the graph. Two texts on one topic
   share a few words ("марш", "акимат", "апреля"), not a third of them.
8. Union-find (connected components over the verified pairs) gives clusters;
   only groups of at least two messages are kept.

Example::

    >>> labels = near_duplicate_labels(["вы получите <num> тенге за участие в марше <phone>",
    ...                                 "вы получите <num> тенге за участие в марше, звоните <phone>",
    ...                                 "hello"])
    >>> bool(labels[0] == labels[1]), int(labels[2])
    (True, -1)
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

SHINGLE = 5
"""Characters per shingle."""
BANDS = 16
ROWS = 4
THRESHOLD = 0.6
"""Jaccard similarity of shingle sets at which two templates are the same text."""
EXACT_BELOW = 40
"""Templates shorter than this (characters) are grouped by equality only."""
SURE_MARGIN = 0.2
"""Signature agreement this far above the threshold is accepted without the exact check (estimate s.d. <= 0.06)."""
THREADS = min(2, os.cpu_count() or 1)
"""Threads computing MinHash permutations (numpy runs them outside the GIL)."""
CHUNK_SHINGLES = 8_000_000
# Below this many shingles signatures are computed in one broadcast (at most 64 MB with 256 permutations).
SMALL_SHINGLES = 65_536
"""Shingles hashed at once: bounds memory to a few hundred MB whatever the corpus size."""

WORD_BANDS = 16
WORD_ROWS = 2
"""Word-pass LSH: midpoint (1/16)**(1/2) = 0.25, a pair at 0.3 is a candidate with probability 0.79 and one at 0.4
with 0.94; a cluster of several copies needs only one link per copy."""
MIN_WORDS = 8
"""Content words a text needs for the word pass: with fewer, one shared name or place is a large share of the set,
and short texts on one topic ("марш", "акимат", "суббота") reach any threshold together."""
MIN_WORD_LETTERS = 4
"""Letters a content word needs: shorter words are mostly prepositions, pronouns and particles ("все", "что", "как",
"для") that any two texts of one language share."""

CHARS_PER_CONTENT_WORD = 10
"""Template characters per content word below which a text cannot reach ``min_words`` in practice (a content
word of 4+ letters comes with a space and, in chat, about one short word beside it): a cheap length test that
keeps the word pass off the short chatter that makes most of a chat corpus."""
COMMON_SHARE = 0.01
"""Texts a word may appear in (share of the word pass's texts) before it stops telling texts apart: on Zipf-like
word frequencies this drops the hundred-odd commonest words, about half of all word occurrences, while the
names, places and rarer verbs a paraphrase keeps stay."""
COMMON_MIN = 20
"""A word in fewer texts than this is never common: in a small corpus one campaign's copies are a large share."""

_WORD = re.compile(rf"[^\W\d_]{{{MIN_WORD_LETTERS},}}")
_PLACEHOLDER = re.compile(r"<\w+>")  # template placeholders: <phone>, <num>, <url>, <name>


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the bits of a band's values into one bucket key."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _shingle_hashes(texts: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Mixed hashes of all k-character shingles of `texts` (each at least k long), and each text's first index."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    cp = np.frombuffer("".join(texts).encode("utf-32-le", errors="replace"), dtype=np.uint32).astype(np.uint64)
    n_sh = lengths - k + 1
    starts_cp = np.r_[0, np.cumsum(lengths)[:-1]]
    # rolling hash at every position of the concatenation (contiguous slices, no gathers), then keep the
    # positions whose k characters lie inside one text
    m = len(cp) - k + 1
    h = cp[:m].copy()
    with np.errstate(over="ignore"):
        for q in range(1, k):
            h *= np.uint64(1_000_003)
            h += cp[q:q + m]
        # Fibonacci hashing: the high 32 bits of h * 2**64/phi depend on every bit of h; 32 bits halve the
        # memory traffic of each permutation below
        h *= np.uint64(0x9E3779B97F4A7C15)
        h = (h >> np.uint64(32)).astype(np.uint32)
    first = np.repeat(starts_cp - np.r_[0, np.cumsum(n_sh)[:-1]], n_sh) + np.arange(int(n_sh.sum()))
    return h[first], np.r_[0, np.cumsum(n_sh)[:-1]]


@lru_cache(maxsize=8)
def _multipliers(num_perm: int, seed: int) -> np.ndarray:
    """The odd multipliers that stand for `num_perm` random permutations of 32-bit hashes."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**32, size=num_perm, dtype=np.uint32) | np.uint32(1)
    a.flags.writeable = False
    return a


def _minhash_into(sig: np.ndarray, h: np.ndarray, starts: np.ndarray, a: np.ndarray) -> None:
    """Fill `sig` (one row per set) with the minimum of each permutation over the hashes of each set.

    Set r's hashes are ``h[starts[r]:starts[r + 1]]``; no set is empty.
    """
    if len(h) <= SMALL_SHINGLES:
        # a few texts (the public check): one broadcast beats the thread pool's start-up
        sig[:] = np.minimum.reduceat(h[:, None] * a[None, :], starts, axis=0)
        return

    def permute(perms: range) -> None:
        permuted = np.empty_like(h)
        for p in perms:
            np.multiply(h, a[p], out=permuted)  # wraps mod 2**32: a bijection for odd a
            sig[:, p] = np.minimum.reduceat(permuted, starts)

    # numpy releases the GIL in these loops: threads sharing the hashes use every core at no copying cost
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(permute, [range(t, len(a), THREADS) for t in range(THREADS)]))


def signatures(texts: list[str], *, num_perm: int = BANDS * ROWS, k: int = SHINGLE, seed: int = 1) -> np.ndarray:
    """MinHash signatures, shape (len(texts), num_perm), of texts at least `k` characters long."""
    a = _multipliers(num_perm, seed)
    sig = np.empty((len(texts), num_perm), dtype=np.uint32)
    ends = np.cumsum(np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts)))
    lo = 0
    while lo < len(texts):
        # take texts until the chunk holds about CHUNK_SHINGLES characters (one shingle each, nearly)
        hi = max(int(np.searchsorted(ends, (ends[lo - 1] if lo else 0) + CHUNK_SHINGLES, side="right")), lo + 1)
        h, starts = _shingle_hashes(texts[lo:hi], k)
        _minhash_into(sig[lo:hi], h, starts, a)
        lo = hi
    return sig


def content_words(text: str) -> frozenset[str]:
    """The words a paraphrase keeps: letters-only words of ``MIN_WORD_LETTERS`` or more, placeholders dropped."""
    return frozenset(_WORD.findall(_PLACEHOLDER.sub(" ", text)))


def word_signatures(sets: list[frozenset[str]], *, num_perm: int, seed: int = 1) -> np.ndarray:
    """MinHash signatures of non-empty word sets; words are numbered in order of first appearance (stable
    across runs, unlike Python's salted string hash) and the numbers mixed to 32 bits."""
    vocab: dict[str, int] = {}
    ids = np.fromiter((vocab.setdefault(w, len(vocab)) for ws in sets for w in sorted(ws)), dtype=np.uint64)
    sizes = np.fromiter((len(ws) for ws in sets), dtype=np.int64, count=len(sets))
    with np.errstate(over="ignore"):
        h = ((ids + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15) >> np.uint64(32)).astype(np.uint32)
    sig = np.empty((len(sets), num_perm), dtype=np.uint32)
    if len(sets):
        _minhash_into(sig, h, np.r_[0, np.cumsum(sizes)[:-1]], _multipliers(num_perm, seed))
    return sig


def _bucket_pairs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs among rows with equal `keys`: a star around each bucket's first row plus a chain."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    same = sk[1:] == sk[:-1]
    if not same.any():
        return np.empty(0, np.int64), np.empty(0, np.int64)
    head = np.maximum.accumulate(np.where(np.r_[True, ~same], np.arange(len(sk)), 0))
    pos = np.flatnonzero(same) + 1
    chain_i, chain_j = order[pos - 1], order[pos]
    star = pos[head[pos] != pos - 1]
    return np.r_[chain_i, order[head[star]]], np.r_[chain_j, order[star]]


def _jaccard(x: str, y: str, k: int) -> float:
    a = {x[i:i + k] for i in range(len(x) - k + 1)}
    b = {y[i:i + k] for i in range(len(y) - k + 1)}
    return len(a & b) / len(a | b)


def _word_jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    return len(x & y) / len(x | y)


def _similar_pairs(sig: np.ndarray, bands: int, rows: int, threshold: float, seed: int,
                   exact: Callable[[int, int], float]) -> tuple[np.ndarray, np.ndarray]:
    """Rows (i, j) of `sig` whose sets reach `threshold`: banded LSH candidates, verified (module docstring, 5-6)."""
    n = len(sig)
    mult = np.random.default_rng(seed + 1).integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)

    def band_pairs(band: int) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(over="ignore"):
            cols = sig[:, band * rows:(band + 1) * rows].astype(np.uint64)
            return _bucket_pairs(np.bitwise_xor.reduce(_mix(cols * mult), axis=1))

    with ThreadPoolExecutor(THREADS) as pool:
        found = list(pool.map(band_pairs, range(bands)))
    i = np.concatenate([f[0] for f in found]) if found else np.empty(0, np.int64)
    j = np.concatenate([f[1] for f in found]) if found else np.empty(0, np.int64)
    if not len(i):
        return i, j
    pair = np.unique(np.minimum(i, j) * n + np.maximum(i, j))
    i, j = pair // n, pair % n
    est = (sig[i] == sig[j]).mean(axis=1)
    sure = est >= threshold + SURE_MARGIN
    maybe = np.flatnonzero(~sure & (est >= threshold - SURE_MARGIN))
    ok = sure.copy()
    ok[maybe] = np.fromiter((exact(int(i[m]), int(j[m])) >= threshold for m in maybe), dtype=bool, count=len(maybe))
    return i[ok], j[ok]


@dataclass
class NearDup:
    """Cluster label per input text (-1: no near-duplicate) and estimated similarity to its cluster's first text."""

    labels: np.ndarray
    similarity: np.ndarray
    paraphrase_links: int = 0  # verified word-set pairs joining texts the character pass had kept apart


def near_duplicates(texts: list[str], *, threshold: float = THRESHOLD, bands: int = BANDS, rows: int = ROWS,
                    shingle: int = SHINGLE, exact_below: int = EXACT_BELOW, seed: int = 1,
                    word_threshold: float | None = None, word_bands: int = WORD_BANDS, word_rows: int = WORD_ROWS,
                    min_words: int = MIN_WORDS) -> NearDup:
    """Group `texts` (templates) into near-duplicate clusters; see the module docstring for the method.

    With `word_threshold`, a second pass joins texts of at least `min_words`
    content words whose word sets reach that Jaccard similarity (paraphrases).
    """
    index: dict[str, int] = {}
    inv = np.fromiter((index.setdefault(t, len(index)) for t in texts), dtype=np.int64, count=len(texts))
    uniq = list(index)
    n = len(uniq)
    long_idx = np.fromiter((i for i, t in enumerate(uniq) if len(t) >= max(exact_below, shingle)), dtype=np.int64)
    sig = signatures([uniq[i] for i in long_idx], num_perm=bands * rows, k=shingle, seed=seed)
    i, j = _similar_pairs(sig, bands, rows, threshold, seed,
                          lambda x, y: _jaccard(uniq[long_idx[x]], uniq[long_idx[y]], shingle))
    i, j = long_idx[i], long_idx[j]
    links = 0
    if word_threshold is not None and len(long_idx):
        wi, wj, links = _paraphrase_pairs(uniq, long_idx, i, j, word_threshold, word_bands, word_rows, min_words,
                                          seed)
        i, j = np.r_[i, wi], np.r_[j, wj]
    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    label = comp[inv]
    # a cluster needs two messages; first message of each cluster is the reference for similarity
    counts = np.bincount(label)
    label = np.where(counts[label] >= 2, label, -1)
    similarity = np.ones(len(texts))
    if len(long_idx):
        row_of = np.full(n, -1)
        row_of[long_idx] = np.arange(len(long_idx))
        first = np.full(len(counts), -1)
        members = np.flatnonzero(label >= 0)
        first[label[members[::-1]]] = members[::-1]
        ref = row_of[inv[first[label[members]]]]
        mine = row_of[inv[members]]
        both = (ref >= 0) & (mine >= 0)
        similarity[members[both]] = (sig[ref[both]] == sig[mine[both]]).mean(axis=1)
    return NearDup(labels=label, similarity=similarity, paraphrase_links=links)


def _paraphrase_pairs(uniq: list[str], long_idx: np.ndarray, ci: np.ndarray, cj: np.ndarray, threshold: float,
                      bands: int, rows: int, min_words: int, seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Word-set pairs (indices into `uniq`) among texts of `min_words` content words, minus those the character
    pass (pairs `ci`, `cj`) already connects; and how many there are.

    Words in more than ``COMMON_SHARE`` of the texts are dropped from every set first: the language's common
    words ("сегодня", "только", "очень") and the corpus's topic words are what unrelated texts share."""
    long_enough = [t for t in long_idx.tolist() if len(uniq[t]) >= min_words * CHARS_PER_CONTENT_WORD]
    sets = [content_words(uniq[t]) for t in long_enough]
    df = Counter(w for ws in sets for w in ws)
    common = {w for w, n in df.items() if n > max(COMMON_MIN, COMMON_SHARE * len(sets))}
    kept = [(t, ws - common) for t, ws in zip(long_enough, sets) if len(ws) >= min_words]
    del sets, df
    kept = [(t, ws) for t, ws in kept if len(ws) >= min_words]
    if len(kept) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64), 0
    wordy = np.array([t for t, _ in kept], dtype=np.int64)  # indices into uniq
    wsets = [ws for _, ws in kept]
    wsig = word_signatures(wsets, num_perm=bands * rows, seed=seed)
    i, j = _similar_pairs(wsig, bands, rows, threshold, seed, lambda x, y: _word_jaccard(wsets[x], wsets[y]))
    i, j = wordy[i], wordy[j]
    n = len(uniq)
    _, comp = connected_components(coo_matrix((np.ones(len(ci), dtype=np.int8), (ci, cj)), shape=(n, n)),
                                   directed=False)
    new = comp[i] != comp[j]
    return i[new], j[new], int(new.sum())


def near_duplicate_labels(texts: list[str], **kwargs) -> np.ndarray:
    """Cluster label per text, -1 for texts without a near-duplicate."""
    return near_duplicates(texts, **kwargs).labels

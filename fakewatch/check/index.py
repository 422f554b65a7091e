"""In-memory index of every stored campaign's texts, for answering one public check in milliseconds.

The check must compare an incoming message with the stored campaigns exactly as
detection compared messages with each other, so it uses the same keys:
:func:`fakewatch.enrich.normalize.template` (look-alike letters undone, phones,
numbers, links and names turned into placeholders) and the detect stage's
MinHash :func:`fakewatch.detect.neardup.signatures` over character shingles.

Index layout: each distinct template of each campaign is one *variant*; templates without a content
word (:mod:`fakewatch.check.content`: empty or emoji-only captions, "+", "ok") are left out, and a query
without one finds nothing, so a thumbs-up never matches a campaign's empty video caption. Short
templates (under the detector's ``EXACT_BELOW``) match by equality only, as in
detection. Longer ones keep their MinHash signature; for each of the
``BANDS`` LSH bands the band's ``ROWS`` values are folded into one 64-bit key
(salted with the band number) and all keys are kept in one sorted array, so a
query finds the variants sharing a band with one vectorised binary search of its
``BANDS`` keys, never a scan. Similarity is the share of equal
signature values, the unbiased estimate of Jaccard similarity detection uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fakewatch.check.content import has_content
from fakewatch.detect.neardup import BANDS, EXACT_BELOW, ROWS, SHINGLE, signatures

# Odd multipliers folding a band's values into one key (a linear hash mod 2**64): any fixed odd
# constants with well-mixed bits work; these are the golden-ratio, xxHash, MurmurHash3 and splitmix64 ones.
_FOLD = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                  0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
                 dtype=np.uint64)


def band_keys(sig: np.ndarray, bands: int = BANDS, rows: int = ROWS) -> np.ndarray:
    """One uint64 key per (text, band), shape (len(sig), bands); the band number is mixed in, so the keys
    of all bands can share one sorted array (two equal keys from different bands: odds 2**-64)."""
    with np.errstate(over="ignore"):
        folded = sig.reshape(len(sig), bands, rows) * _FOLD[:rows]
        salt = np.arange(1, bands + 1, dtype=np.uint64) * _FOLD[rows % len(_FOLD)]
        return folded.sum(axis=2, dtype=np.uint64) ^ salt


@dataclass
class CampaignIndex:
    """Variants of every campaign's texts: exact templates, signatures, sorted band keys."""

    exact: dict[str, set[int]] = field(default_factory=dict)  # template -> campaign numbers
    owner: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # variant -> campaign number
    sigs: np.ndarray = field(default_factory=lambda: np.empty((0, BANDS * ROWS), np.uint64))
    keys: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))  # every band key, sorted
    variant: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # variant of each key

    @classmethod
    def build(cls, variants: list[tuple[str, int]]) -> CampaignIndex:
        """Index (template, campaign number) pairs; duplicates and templates without content are dropped."""
        variants = [(t, c) for t, c in variants if has_content(t)]
        exact: dict[str, set[int]] = {}
        for tmpl, camp in variants:
            exact.setdefault(tmpl, set()).add(camp)
        long_pairs = sorted({(t, c) for t, c in variants if len(t) >= max(EXACT_BELOW, SHINGLE)})
        index = cls(exact=exact)
        if not long_pairs:
            return index
        index.owner = np.fromiter((c for _t, c in long_pairs), dtype=np.int64, count=len(long_pairs))
        index.sigs = signatures([t for t, _c in long_pairs], num_perm=BANDS * ROWS, k=SHINGLE)
        keys = band_keys(index.sigs).ravel()  # row-major: key i belongs to variant i // BANDS
        order = np.argsort(keys, kind="stable")
        index.keys, index.variant = keys[order], order // BANDS
        return index

    def __len__(self) -> int:
        return len(self.exact)

    def query(self, tmpl: str) -> dict[int, float]:
        """Campaign number -> best similarity of `tmpl` to any of that campaign's variants."""
        if not has_content(tmpl):
            return {}
        found = {camp: 1.0 for camp in self.exact.get(tmpl, ())}
        if len(tmpl) < max(EXACT_BELOW, SHINGLE) or not len(self.owner):
            return found
        sig = signatures([tmpl], num_perm=BANDS * ROWS, k=SHINGLE)
        qkeys = band_keys(sig)[0]
        lo = np.searchsorted(self.keys, qkeys, side="left")
        hi = np.searchsorted(self.keys, qkeys, side="right")
        shared = np.flatnonzero(hi > lo)
        if not len(shared):
            return found
        cand = np.unique(np.concatenate([self.variant[lo[b]:hi[b]] for b in shared]))
        sims = (self.sigs[cand] == sig[0]).mean(axis=1)
        for camp, sim in zip(self.owner[cand].tolist(), sims.tolist()):
            if sim > found.get(camp, 0.0):
                found[camp] = sim
        return found

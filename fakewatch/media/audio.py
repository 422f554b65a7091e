"""Voice notes and audio: Chromaprint fingerprints matched by subsequence, so trims and excerpts match.

`fpcalc -raw` (Debian's libchromaprint-tools) turns audio into one 32-bit item per ~0.124 s. Alegre
compares two fingerprints at offsets of +-20 items and only when their lengths are within 0.8-1.2 of
each other, so a copy with its first 3 seconds cut (an offset of ~24 items) or an excerpt is missed.
Here the shorter fingerprint slides over the whole of the longer one: at every offset the bit error
rate (share of differing bits) over the overlap is computed, and two recordings match when some
offset with at least MIN_OVERLAP items of overlap has a bit error rate <= MAX_BER (stricter for short
overlaps, see `limit`). Unrelated audio
sits near 0.5 (random bits); the same audio, trimmed or re-encoded, sits under 0.1.

Candidates for that alignment come from an inverted index on the items' top ITEM_KEY_BITS bits:
recordings of the same audio share many exact items, unrelated ones hardly any.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ITEM_SECONDS = 0.1238  # Chromaprint's item hop (4096 samples at 11025 Hz / 3)
MAX_BER = 0.2  # bit error rate at or below which two aligned fingerprints are the same audio (unrelated speech: ~0.3-0.5)
LONG_OVERLAP = 16  # items (~2 s of fingerprint; a 5 s excerpt yields ~19) over which MAX_BER applies
# Shorter overlaps (down to MIN_OVERLAP; 4 s of audio yields ~12 items) are noisier, so they must agree more
# closely; a trimmed or excerpted copy of the same audio still sits under 0.1.
MIN_OVERLAP = 10
SHORT_MAX_BER = 0.12
MAX_SECONDS = 1800  # longest stretch fingerprinted
FPCALC_TIMEOUT = 120


class FpcalcMissing(RuntimeError):
    """fpcalc (Debian package libchromaprint-tools) is not installed."""


@dataclass(slots=True)
class AudioPrint:
    items: np.ndarray  # uint32 Chromaprint items
    duration: float

    def to_bytes(self) -> bytes:
        return self.items.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, raw: bytes, duration: float = 0.0) -> AudioPrint:
        items = np.frombuffer(raw, "<u4").astype(np.uint32)
        return cls(items, duration or len(items) * ITEM_SECONDS)


def fingerprint(path: str | Path) -> AudioPrint:
    """The raw Chromaprint fingerprint of an audio (or video) file's sound."""
    exe = shutil.which("fpcalc")
    if not exe:
        raise FpcalcMissing("fpcalc not found: install Debian's libchromaprint-tools")
    done = subprocess.run([exe, "-raw", "-json", "-length", str(MAX_SECONDS), str(path)],
                          capture_output=True, text=True, timeout=FPCALC_TIMEOUT)
    # fpcalc 1.5 exits non-zero on a benign "End of file" at the end of some WAV files while still
    # printing a complete fingerprint, so the output decides, not the exit code.
    try:
        data = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise ValueError(f"fpcalc could not read {path}: {done.stderr.strip()[:200]}") from None
    return AudioPrint(np.asarray(data.get("fingerprint") or [], dtype=np.uint32), float(data.get("duration") or 0.0))


def _bit_errors(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.bitwise_count(a ^ b).astype(np.int64)


def limit(overlap: int) -> float:
    """Highest bit error rate at which an alignment of `overlap` items is the same audio."""
    return MAX_BER if overlap >= LONG_OVERLAP else SHORT_MAX_BER


def best_alignment(a: AudioPrint, b: AudioPrint) -> tuple[float, int, int]:
    """(bit error rate, offset of b's start within a in items, overlap in items) of the best offset.

    Every offset with at least MIN_OVERLAP items of overlap is tried (the shorter recording may sit
    anywhere inside the longer); the best is the one furthest under its `limit`. Returns (1.0, 0, 0)
    when the two are too short to compare.
    """
    x, y = a.items, b.items
    best = (1.0, 0, 0)
    margin = 1.0
    for offset in range(-(len(y) - MIN_OVERLAP), len(x) - MIN_OVERLAP + 1):
        lo, hi = max(0, offset), min(len(x), offset + len(y))
        overlap = hi - lo
        if overlap < MIN_OVERLAP:
            continue
        ber = _bit_errors(x[lo:hi], y[lo - offset:hi - offset]).sum() / (32 * overlap)
        if ber - limit(overlap) < margin:
            margin = ber - limit(overlap)
            best = (float(ber), offset, overlap)
    return best


ITEM_KEY_BITS = 20  # top bits of an item used for candidate lookup; the low bits flip more often
MIN_SHARED_KEYS = 3  # shared item keys that make a recording a candidate


class AudioIndex:
    """Stored fingerprints with an inverted index on item keys, for finding copies of a recording."""

    def __init__(self) -> None:
        self.prints: dict[int, AudioPrint] = {}
        self._postings: dict[int, set[int]] = {}

    def add(self, label: int, fp: AudioPrint) -> None:
        self.prints[label] = fp
        for key in set((fp.items >> (32 - ITEM_KEY_BITS)).tolist()):
            self._postings.setdefault(key, set()).add(label)

    def search(self, fp: AudioPrint) -> list[tuple[int, float]]:
        """(label, bit error rate) of stored recordings that share a stretch with `fp`, best first."""
        counts: dict[int, int] = {}
        for key in set((fp.items >> (32 - ITEM_KEY_BITS)).tolist()):
            for label in self._postings.get(key, ()):
                counts[label] = counts.get(label, 0) + 1
        found = []
        for label, shared in counts.items():
            if shared >= MIN_SHARED_KEYS:
                ber, _, overlap = best_alignment(self.prints[label], fp)
                if overlap and ber <= limit(overlap):
                    found.append((label, ber))
        return sorted(found, key=lambda x: x[1])

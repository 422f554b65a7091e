"""Media benchmark: robustness (recall per edit, false matches among unrelated media) and speed.

    .venv/bin/python bench/media_bench.py [--quick]

Prints a Markdown table for bench/README.md ("Media" section). Times are CPU seconds of this process
(time.process_time), so other work on a shared machine does not inflate them. Full size: 100 pictures
against 1,000 unrelated, 6 videos against 100 unrelated clips (each clip's frames also sit in the PDQ
index), 20 voice notes against 1,000 unrelated; lookups at 100k and 1M stored hashes. Voice notes are
timed by the wall clock (fpcalc runs as a subprocess).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fakewatch.media import image, robustness, synth  # noqa: E402
from fakewatch.media.index import HashIndex  # noqa: E402


def lookups_per_second(stored: int, queries: int = 2000) -> tuple[float, float]:
    """(lookups/s at radius 31, build seconds) over `stored` random hashes, queries 0-31 bits from stored ones."""
    rng = np.random.default_rng(0)
    db = rng.integers(0, 256, (stored, 32), dtype=np.uint8)
    began = time.process_time()
    idx = HashIndex(db)
    build = time.process_time() - began
    q = db[rng.integers(0, stored, queries)].copy()
    bits = np.unpackbits(q, axis=1)
    for row in bits:
        row[rng.choice(256, int(rng.integers(0, 32)), replace=False)] ^= 1
    q = np.packbits(bits, axis=1)
    began = time.process_time()
    for x in q:
        idx.search(x, image.PDQ_THRESHOLD)
    return queries / (time.process_time() - began), build


def images_per_second(n: int = 200) -> float:
    rng = random.Random(1)
    pictures = [synth.random_image(rng, (640, 480)) for _ in range(n)]
    began = time.process_time()
    for p in pictures:
        image.hash_image(p)
    return n / (time.process_time() - began)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small corpora (a minute), for a smoke run")
    quick = ap.parse_args().quick
    sizes = ((20, 150), (2, 10), (6, 50)) if quick else ((100, 1000), (6, 100), (20, 1000))
    rows = []
    for measure in (robustness.images(*sizes[0]), robustness.videos(*sizes[1]), robustness.audios(*sizes[2])):
        for edit, recall in measure.recall.items():
            rows.append((measure.kind, edit, recall, measure.copies, measure.unrelated, measure.false_matches))
        print(f"{measure.kind}: {measure.seconds_per_item:.3f} {'s' if measure.kind == 'audio' else 'CPU s'} per "
              f"{'video minute' if measure.kind == 'video' else 'item'}", flush=True)
    print("\n| kind | edit | recall | copies | unrelated | false matches |\n| --- | --- | --- | --- | --- | --- |")
    for kind, edit, recall, copies, unrelated, false in rows:
        print(f"| {kind} | {edit} | {recall:.0%} | {copies} | {unrelated} | {false} |")
    print(f"\nimages hashed per second (640x480, all hashes): {images_per_second(50 if quick else 200):.0f}")
    for stored in ((100_000,) if quick else (100_000, 1_000_000)):
        rate, build = lookups_per_second(stored)
        print(f"lookups per second at {stored:,} stored hashes: {rate:,.0f} (index built in {build:.1f} s)")


if __name__ == "__main__":
    main()

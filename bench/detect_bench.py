"""Detection benchmark: fakewatch vs coordination-network-toolkit on the same generated corpora.

A corpus of N messages (chatter over two weeks in 200 chats, 10 % with a link
from a popular-URL pool) gets planted groups of 8 accounts: half paste
one-word variants of a text into two chats each within four minutes, five times;
half post the same fresh URL the same way. Both tools get a 300 s window and
need two co-posts for an edge; the toolkit's ``co_similar_tweet`` uses token
Jaccard >= 0.7 (its variants score about 0.88) and ``co_link`` exact URLs.

Each tool runs in its own process (wall time of the detection itself, peak RSS
of the whole process, which includes building the corpus); recall is the
share of planted accounts of each behaviour that end up with an edge (the
toolkit) or in a coordinated group (fakewatch), "others" the non-planted
accounts that do.

    python bench/detect_bench.py                 # 100k both tools, 1M fakewatch; writes the README table
    python bench/detect_bench.py --sizes 100000  # one size
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
from sqlalchemy import select

from fakewatch.detect import DetectParams, detect
from fakewatch.detect.corpus import Corpus
from fakewatch.store.tables.detect import coord_groups

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
WINDOW = 300
MIN_EDGE = 2
PERIOD = 14 * 86_400
GROUP = 8
BURSTS = 5
TOOLKIT = "coordination-network-toolkit"
TOOLKIT_LIMIT = 200_000
"""Largest corpus the toolkit is run on: its co_similar_tweet compares every pair of messages within the window
in Python (at 1M messages about 100x the 100k work, hours on this machine)."""


def corpus(n: int, seed: int = 1) -> dict:
    """Messages as plain lists plus the planted accounts per behaviour."""
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("абвгдеёжзийклмнопрстуфхцчшщыэюя") for _ in range(rng.randint(2, 9)))
             for _ in range(20_000)]
    weights = 1 / np.arange(1, len(vocab) + 1)
    urls = [f"https://news{u % 300}.kz/a/{u}" for u in range(5_000)]
    n_groups = max(2, n // 10_000)
    accounts = max(500, n // 20)
    planted: dict[str, list[str]] = {"text": [], "link": []}
    rows: list[tuple[str, str, int, str, list[str]]] = []
    for g in range(n_groups):
        kind = "text" if g % 2 == 0 else "link"
        members = [f"p{g}_{k}" for k in range(GROUP)]
        planted[kind] += members
        for _ in range(BURSTS):
            start = rng.randrange(PERIOD)
            base = rng.choices(vocab, weights, k=25)
            url = f"https://fresh{g}.info/{rng.randrange(10**9)}"
            for member in members:
                for _ in range(2):
                    at = start + rng.randrange(240)
                    if kind == "text":
                        words = list(base)
                        words[rng.randrange(len(words))] = rng.choice(vocab)
                        rows.append((member, f"c{rng.randrange(200)}", at, " ".join(words), []))
                    else:
                        rows.append((member, f"c{rng.randrange(200)}", at,
                                     " ".join(rng.choices(vocab, weights, k=6)), [url]))
    np_rng = np.random.default_rng(seed)
    chatter = n - len(rows)
    words = np_rng.choice(len(vocab), size=chatter * 25, p=weights / weights.sum())
    lengths = np_rng.integers(5, 25, chatter)
    authors = np_rng.integers(0, accounts, chatter)
    chats = np_rng.integers(0, 200, chatter)
    times = np_rng.integers(0, PERIOD, chatter)
    has_link = np_rng.random(chatter) < 0.1
    link = np_rng.choice(len(urls), size=chatter, p=(w := 1 / np.arange(1, len(urls) + 1)) / w.sum())
    for i in range(chatter):
        text = " ".join(vocab[w] for w in words[i * 25:i * 25 + lengths[i]])
        rows.append((f"u{authors[i]}", f"c{chats[i]}", int(times[i]), text, [urls[link[i]]] if has_link[i] else []))
    rows.sort(key=lambda r: r[2])
    return {"rows": rows, "planted": planted}


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the toolkit computes in worker processes)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_fakewatch(n: int) -> dict:

    data = corpus(n)
    rows = data["rows"]
    c = Corpus.of(accounts=[r[0] for r in rows], chats=[r[1] for r in rows], times=np.array([r[2] for r in rows]),
                  templates=[r[3] for r in rows], links=[r[4] for r in rows])
    began, cpu = time.perf_counter(), _cpu()
    det = detect(c, DetectParams(time_window=WINDOW, min_repetition=MIN_EDGE))
    seconds, cpu = time.perf_counter() - began, _cpu() - cpu
    found = {c.names[a] for a in np.flatnonzero(det.groups >= 0)}
    return {"seconds": seconds, "cpu": cpu, "found": {"text": found, "link": found}, "planted": data["planted"]}


def run_store(n: int) -> dict:
    """`fakewatch.detect.run()` on a SQLite store holding the corpus (messages, templates and links inserted
    directly, as ingest and enrich would leave them): reading, detecting and writing every detect table."""
    from datetime import datetime, timedelta

    from sqlalchemy import insert

    from fakewatch.detect import run
    from fakewatch.store import open_store
    from fakewatch.store.tables.core import inputs, messages
    from fakewatch.store.tables.enrich import enrichment, links

    data = corpus(n)
    rows = data["rows"]
    start = datetime(2025, 4, 14)
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(f"sqlite:///{tmp}/store.db")
        with engine.begin() as conn:
            conn.execute(insert(inputs), [{"id": 1, "path": "bench", "sha256": "0" * 64, "format": "bench",
                                           "messages": n, "added": n, "chats": 200, "accounts": 0,
                                           "ingested_at": start}])
            conn.execute(insert(messages), [
                {"id": i + 1, "platform": "bench", "chat_id": r[1], "message_id": str(i), "account_id": r[0],
                 "sent_at": start + timedelta(seconds=r[2]), "kind": "message", "text": r[3], "input_id": 1}
                for i, r in enumerate(rows)])
            conn.execute(insert(enrichment), [
                {"message_pk": i + 1, "lang": "ru", "lang_conf": 1.0, "norm": r[3], "template": r[3], "norm_hash": "",
                 "template_hash": "", "has_phone": False, "has_link": bool(r[4]), "has_money": False, "pays": False,
                 "cta": False} for i, r in enumerate(rows)])
            conn.execute(insert(links), [
                {"message_pk": i + 1, "url": u, "host": u.split("/")[2], "domain": u.split("/")[2], "suffix": "kz",
                 "shortener": False, "from_entity": False} for i, r in enumerate(rows) for u in r[4]])
        began, cpu = time.perf_counter(), _cpu()
        run(engine, params=DetectParams(time_window=WINDOW, min_repetition=MIN_EDGE))
        seconds, cpu = time.perf_counter() - began, _cpu() - cpu
        with engine.connect() as conn:
            found = {a for a, in conn.execute(select(coord_groups.c.account_id))}
    return {"seconds": seconds, "cpu": cpu, "found": {"text": found, "link": found}, "planted": data["planted"]}


def run_toolkit(n: int) -> dict:
    from coordination_network_toolkit import compute_networks as cn
    from coordination_network_toolkit.preprocess import preprocess_data

    data = corpus(n)
    found = {}
    with tempfile.TemporaryDirectory() as tmp, open(os.devnull, "w") as quiet, redirect_stdout(quiet):
        db = str(Path(tmp) / "toolkit.db")
        preprocess_data(db, ((str(i), r[0], r[0], None, None, r[3], r[2], r[4]) for i, r in enumerate(data["rows"])))
        began, cpu = time.perf_counter(), _cpu()
        cn.compute_co_similar_tweet(db, WINDOW, n_threads=2, similarity_threshold=0.7, min_edge_weight=MIN_EDGE)
        cn.compute_co_link_network(db, WINDOW, n_threads=2, min_edge_weight=MIN_EDGE)
        seconds = time.perf_counter() - began
        gc.collect()  # the toolkit never shuts its process pools down: collect them so their CPU is counted
        multiprocessing.active_children()
        cpu = _cpu() - cpu
        import sqlite3

        con = sqlite3.connect(db)
        for kind, table in (("text", "co_similar_tweet_network"), ("link", "co_link_network")):
            found[kind] = {u for row in con.execute(f"select user_1, user_2 from {table} where user_1 != user_2")
                           for u in row}
        con.close()
    return {"seconds": seconds, "cpu": cpu, "found": found, "planted": data["planted"]}


def measure(tool: str, n: int) -> dict:
    """Run one tool on one size in a fresh process; wall time, peak RSS, recall per behaviour, others."""
    out = subprocess.run([sys.executable, __file__, "--one", tool, str(n)], capture_output=True, text=True,
                         cwd=HERE.parent, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def one(tool: str, n: int) -> None:
    result = {"fakewatch": run_fakewatch, "fakewatch-store": run_store, TOOLKIT: run_toolkit}[tool](n)
    planted = result["planted"]
    everyone = set(planted["text"]) | set(planted["link"])
    found_any = result["found"]["text"] | result["found"]["link"]
    print(json.dumps({
        "tool": tool, "messages": n, "seconds": round(result["seconds"], 2), "cpu_s": round(result["cpu"], 2),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "recall_text": round(len(result["found"]["text"] & set(planted["text"])) / len(planted["text"]), 3),
        "recall_link": round(len(result["found"]["link"] & set(planted["link"])) / len(planted["link"]), 3),
        "others": len(found_any - everyone),
    }))


def table(results: list[dict]) -> str:
    lines = ["| tool | messages | detection wall s | CPU s | peak RSS MB | recall co-similar-text | recall co-link "
             "| other accounts |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        lines.append(f"| {r['tool']} | {r['messages']:,} | {r['seconds']} | {r['cpu_s']} | {r['rss_mb']:,} | "
                     f"{r['recall_text']} | {r['recall_link']} | {r['others']} |")
    return "\n".join(lines)


def speedups(results: list[dict]) -> str:
    """One line per size run by both tools: how many times faster fakewatch was, wall and CPU."""
    lines = []
    for n in sorted({r["messages"] for r in results}):
        mine = [r for r in results if r["messages"] == n and r["tool"] == "fakewatch"]
        theirs = [r for r in results if r["messages"] == n and r["tool"] == TOOLKIT]
        if mine and theirs:
            lines.append(f"At {n:,} messages fakewatch is {theirs[0]['seconds'] / mine[0]['seconds']:.1f}x faster in "
                         f"wall time and {theirs[0]['cpu_s'] / mine[0]['cpu_s']:.1f}x in CPU time (target 10x).")
    return "\n".join(lines)


def write_readme(text: str) -> None:
    """Replace the "## Detection" section of bench/README.md (other stages own the other sections)."""
    old = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    head, sep, rest = old.partition("\n## Detection\n")
    tail = rest[rest.find("\n## "):] if sep and "\n## " in rest else ""
    README.write_text(head.rstrip("\n") + "\n\n## Detection\n\n" + text.strip() + "\n" + tail, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--one", nargs=2, metavar=("TOOL", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--no-readme", action="store_true", help="print the table only")
    args = parser.parse_args()
    if args.one:
        one(args.one[0], int(args.one[1]))
        return
    results = []
    for n in args.sizes:
        for tool in ("fakewatch", "fakewatch-store", TOOLKIT):
            if tool == TOOLKIT and n > TOOLKIT_LIMIT:
                continue
            results.append(measure(tool, n))
            print(json.dumps(results[-1]), flush=True)
    text = table(results)
    print(text)
    if not args.no_readme:
        write_readme(
            "`python bench/detect_bench.py` (part of `make bench`); one process per tool and size, 2-core machine "
            f"shared with other work. Window {WINDOW} s, {MIN_EDGE} co-posts per edge. fakewatch time = "
            "`fakewatch.detect.detect()` on an in-memory corpus (near-duplicate, link and domain clusters, "
            "coordination with the chance filter, Leiden groups, floods, seeders, waves); fakewatch-store time = "
            "`fakewatch.detect.run()` reading the same corpus from a SQLite store and writing every detect table "
            "(peak RSS there includes filling the store); toolkit time = "
            "`compute_co_similar_tweet` + `compute_co_link_network` (2 processes) after `preprocess_data`. "
            f"The toolkit is not run above {TOOLKIT_LIMIT:,} messages (its pairwise Python similarity would take "
            "hours). Targets: 10x the toolkit at 100k with equal or better recall; 1M messages in 2 minutes "
            "and 4 GB.\n\n" + text + "\n\n" + speedups(results))


if __name__ == "__main__":
    main()

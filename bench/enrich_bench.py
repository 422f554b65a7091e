"""Enrichment benchmark: every extractor over the demo corpus (1M messages by default) in a fresh store.

Generates the demo scenario with `fakewatch.demo.generate(..., messages=N)`,
ingests it, then times `fakewatch.enrich.run` in a fresh interpreter (so that
generating and ingesting do not count): wall time, CPU seconds of the main
process and of its worker processes, and peak resident memory of each. Target
(issue 4): 1M messages in at most 5 minutes on 2 cores. CPU seconds per message
say what an idle 2-core machine would do when other work shares the cores.

    .venv/bin/python bench/enrich_bench.py [--messages 1000000] [--workers 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from readme_section import write_section  # noqa: E402

TARGET_SECONDS = 300
TARGET_MESSAGES = 1_000_000

_MEASURE = """
import json, resource, sys, time
from fakewatch.enrich import run
from fakewatch.store import open_store
engine = open_store("sqlite:///" + sys.argv[1])
start = time.perf_counter()
report = run(engine, workers=int(sys.argv[2]))
seconds = time.perf_counter() - start
own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "seconds": seconds, "messages": report.messages, "phones": report.phones, "links": report.links,
    "persons": report.persons, "money": report.money, "languages": dict(report.languages),
    "rss_mb": own.ru_maxrss / 1024, "worker_rss_mb": workers.ru_maxrss / 1024,
    "cpu": own.ru_utime + own.ru_stime, "worker_cpu": workers.ru_utime + workers.ru_stime,
}))
"""


def build_store(folder: Path, messages: int) -> Path:
    """A store holding the demo scenario with about `messages` messages."""
    from fakewatch.demo import generate, inputs
    from fakewatch.ingest import ingest
    from fakewatch.store import open_store

    start = time.perf_counter()
    generate(folder / "demo", messages=messages)
    print(f"generated the demo scenario ({messages:,} messages) in {time.perf_counter() - start:.1f} s", flush=True)
    store = folder / "bench.db"
    store.unlink(missing_ok=True)
    start = time.perf_counter()
    report = ingest(open_store(f"sqlite:///{store}"), inputs(folder / "demo"))
    print(f"ingested {report.added:,} messages in {time.perf_counter() - start:.1f} s", flush=True)
    return store


def section(r: dict, workers: int) -> str:
    """The "Enrichment" section of bench/README.md for one measurement."""
    n = r["messages"]
    cpu = r["cpu"] + r["worker_cpu"]
    at_1m = r["seconds"] * TARGET_MESSAGES / n
    idle = cpu * TARGET_MESSAGES / n / 2
    verdict = "met" if at_1m <= TARGET_SECONDS else ("met on an idle machine" if idle <= TARGET_SECONDS else "MISSED")
    return (
        "## Enrichment\n\n"
        "`python bench/enrich_bench.py` (part of `make bench`): `fakewatch.enrich.run` over the demo corpus "
        f"(`fakewatch.demo.generate(..., messages={n:,})`, ingested into SQLite), {workers} worker processes, "
        "every extractor (normalise/template, language, phones, links, names, money, calls), on the shared "
        "2-core machine. CPU = main process + workers; \"idle 2 cores\" = CPU time / 2, what the run takes "
        "when nothing else competes for the cores. Target: 1M messages in 300 s on 2 cores.\n\n"
        "| messages | wall s | messages/s | CPU s | CPU µs/message | idle 2 cores, s per 1M | peak RSS main / worker MB "
        "| target |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n"
        f"| {n:,} | {r['seconds']:,.0f} | {n / r['seconds']:,.0f} | {cpu:,.0f} | {cpu * 1e6 / n:,.0f} | {idle:,.0f} "
        f"| {r['rss_mb']:,.0f} / {r['worker_rss_mb']:,.0f} | {verdict} |\n\n"
        f"Found {r['phones']:,} phones, {r['links']:,} links, {r['persons']:,} names, {r['money']:,} amounts; "
        f"languages {', '.join(f'{k} {v:,}' for k, v in sorted(r['languages'].items(), key=lambda kv: -kv[1]))}.\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=TARGET_MESSAGES)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="folder to write the corpus and store into (kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fakewatch-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        store = build_store(folder, args.messages)
        out = subprocess.run([sys.executable, "-c", _MEASURE, str(store), str(args.workers)], check=True,
                             capture_output=True, text=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
    n = r["messages"]
    cpu = r["cpu"] + r["worker_cpu"]
    scaled = r["seconds"] * TARGET_MESSAGES / n if n else float("inf")
    print(f"enrich: {n:,} messages in {r['seconds']:.1f} s = {n / r['seconds']:,.0f} messages/s "
          f"({args.workers} workers); at 1M: {scaled:,.0f} s (target {TARGET_SECONDS} s)")
    print(f"CPU: main {r['cpu']:.1f} s + workers {r['worker_cpu']:.1f} s = {cpu * 1e6 / max(n, 1):,.0f} µs/message; "
          f"an idle 2-core machine: {cpu * TARGET_MESSAGES / max(n, 1) / 2:,.0f} s per 1M")
    print(f"peak RSS: main {r['rss_mb']:,.0f} MB, largest worker {r['worker_rss_mb']:,.0f} MB")
    print(f"found: {r['phones']:,} phones, {r['links']:,} links, {r['persons']:,} names, {r['money']:,} amounts; "
          f"languages {r['languages']}")
    if n:
        write_section("Enrichment", section(r, args.workers))
    return 0


if __name__ == "__main__":
    sys.exit(main())

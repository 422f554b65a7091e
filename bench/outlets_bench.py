"""Look-alike outlets benchmark: matching speed and accuracy, page extraction speed, the detector over a store.

- match speed: :func:`fakewatch.detect.impersonation.match_domain` over real
  hosts (links of 24 Russian Telegram news channels, ../shared/data/tg-news-ru)
  and over dnstwist's permutations of every bundled outlet (IDN-heavy: most
  homoglyph permutations are punycode);
- accuracy: dnstwist recall per family (brands of 5+ letters), Meta's 2022
  Doppelganger spoofs tied to the right outlet, false positives on ordinary
  domains, on the real Telegram hosts and on the registry against itself;
- page extraction: saved pages per second (the demo's fake and real articles);
- detector: `fakewatch.detect.lookalikes.detect` over a store with many linked hosts.

    .venv/bin/python bench/outlets_bench.py [--hosts 20000]
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import random
import re
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from readme_section import write_section  # noqa: E402

from fakewatch.detect.impersonation import OutletIndex, match_domain  # noqa: E402
from fakewatch.outlets import bundled_outlets  # noqa: E402
from tests.test_impersonation import DOPPELGANGER, DOPPELGANGER_TARGETS, FAMILIES  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


def timed(fn, *args):
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return result, time.perf_counter() - start, time.process_time() - cpu


def telegram_hosts() -> list[str]:
    hosts: set[str] = set()
    for path in (SHARED / "tg-news-ru" / "raw").glob("*.json"):
        for post in json.loads(path.read_text(encoding="utf-8")):
            hosts.update(h.lower() for h in re.findall(r"https?://([^/\s)\]\"'>]+)", post.get("text") or ""))
    return sorted(hosts)


def dnstwist_cases() -> list[tuple[str, str, str]]:
    import dnstwist

    cases = []
    for outlet in bundled_outlets():
        if len(outlet.label) < 5:
            continue
        fuzzer = dnstwist.Fuzzer(outlet.domain, dictionary=["news", "online", "today", "my"],
                                 tld_dictionary=["com", "info", "ltd", "life", "ru", "kz", "net", "top"])
        fuzzer.generate(fuzzers=FAMILIES + ["homoglyph"])
        cases += [(outlet.domain, p["fuzzer"], p["domain"]) for p in fuzzer.permutations() if p["fuzzer"] != "*original"]
    return cases


def accuracy(index: OutletIndex, cases: list[tuple[str, str, str]]) -> dict:
    total, found = collections.Counter(), collections.Counter()
    for outlet, family, domain in cases:
        if index.is_outlet(domain):
            continue
        total[family] += 1
        m = match_domain(domain, index)
        found[family] += bool(m and outlet in (m.outlet.domain, *m.also))
    rows = csv.DictReader((SHARED / "meta-doppelganger-2022" / DOPPELGANGER).open(encoding="utf-8"))
    spoofs = strict = tied = brands = 0
    for row in rows:
        if row["indicator_type"] != "domain_name":
            continue
        target = next((o for p, o in DOPPELGANGER_TARGETS.items() if re.match(p, row["indicator_value"])), None)
        m = match_domain(row["indicator_value"], index)
        if target is None:
            brands += m is not None
            continue
        spoofs += 1
        strict += bool(m and m.outlet.domain == target)
        tied += bool(m and target in (m.outlet.domain, *m.also))
    ordinary = [line.strip() for line in (ROOT / "tests" / "fixtures" / "ordinary_domains.txt").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    hosts = telegram_hosts()
    return {
        "families": {f: (found[f], total[f]) for f in sorted(total)},
        "recall": sum(found.values()) / sum(total.values()),
        "doppelganger": (tied, strict, spoofs, brands),
        "ordinary_fp": (sum(match_domain(d, index) is not None for d in ordinary), len(ordinary)),
        "telegram_fp": (sum(match_domain(h, index) is not None for h in hosts), len(hosts)),
    }


def extraction_speed(rounds: int = 25) -> tuple[float, int]:
    from fakewatch.demo import pages
    from fakewatch.enrich.article import extract

    datas = [pages.render(p).encode() for p in pages.PAGES]
    for data in datas:  # warm up: the language models load on first use
        extract(data)
    start = time.process_time()
    for _ in range(rounds):
        for data in datas:
            extract(data)
    return rounds * len(datas) / (time.process_time() - start), sum(map(len, datas)) // len(datas)


def detector_run(n_hosts: int) -> tuple[float, float, int, int, int]:
    """Seconds (wall, CPU) of the detector over a store with `n_hosts` linked hosts; planted spoofs found of
    those planted, and random hosts tied to an outlet."""
    from sqlalchemy import insert

    from fakewatch.detect.lookalikes import detect, impersonations
    from fakewatch.store import open_store
    from fakewatch.store.tables.core import inputs, messages
    from fakewatch.store.tables.enrich import links

    rng = random.Random(7)
    outlets = [o.domain for o in bundled_outlets()]
    letters = "abcdefghijklmnopqrstuvwxyz"
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(f"sqlite:///{tmp}/bench.db")
        with engine.begin() as conn:
            conn.execute(insert(inputs).values(path="x", sha256="0" * 64, format="telegram", messages=0, added=0,
                                               chats=1, accounts=0, ingested_at=datetime(2025, 4, 1)))
            msg_rows, link_rows, planted = [], [], set()
            for i in range(n_hosts):
                if i % 50 == 0:  # a sprinkling of spoofs among random hosts
                    host = rng.choice(outlets).replace(".", "-", 1) + ".info"
                    planted.add(host)
                else:
                    host = "".join(rng.choice(letters) for _ in range(rng.randint(4, 14))) + rng.choice(
                        [".com", ".ru", ".kz", ".org", ".net", ".info"])
                msg_rows.append({"id": i + 1, "platform": "telegram", "chat_id": "1", "message_id": str(i),
                                 "sent_at": datetime(2025, 4, 1) + timedelta(minutes=i), "kind": "message",
                                 "text": host, "input_id": 1, "account_id": f"telegram:user{i % 300}"})
                link_rows.append({"message_pk": i + 1, "url": f"https://{host}/news/{i}", "host": host,
                                  "domain": host, "suffix": host.rsplit(".", 1)[1], "shortener": False,
                                  "tg_handle": None, "from_entity": False})
            conn.execute(insert(messages), msg_rows)
            conn.execute(insert(links), link_rows)
        _report, wall, cpu = timed(detect, engine)
        found = {i.domain for i in impersonations(engine)}
        engine.dispose()
    return wall, cpu, len(found & planted), len(planted), len(found - planted)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=20_000)
    args = parser.parse_args()
    index, index_s, _ = timed(OutletIndex, bundled_outlets())
    hosts = telegram_hosts()
    _, tg_wall, tg_cpu = timed(lambda: [match_domain(h, index) for h in hosts])
    cases = dnstwist_cases()
    _, dt_wall, dt_cpu = timed(lambda: [match_domain(d, index) for _o, _f, d in cases])
    acc = accuracy(index, cases)
    pages_per_s, page_bytes = extraction_speed()
    det_wall, det_cpu, det_found, det_planted, det_random = detector_run(args.hosts)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tied, strict, spoofs, brands = acc["doppelganger"]
    fam = ", ".join(f"{f} {a}/{b}" for f, (a, b) in acc["families"].items())
    text = f"""## Look-alike outlets

`python bench/outlets_bench.py` (part of `make bench`); 2-core machine shared with other work; registry of
{len(bundled_outlets())} bundled outlets (index built in {index_s * 1000:.0f} ms).

| measure | figure |
| --- | --- |
| `match_domain`, real Telegram link hosts (ASCII) | {len(hosts) / tg_wall:,.0f} hosts/s wall ({len(hosts) / tg_cpu:,.0f}/s CPU), {len(hosts):,} hosts |
| `match_domain`, dnstwist permutations (mostly punycode) | {len(cases) / dt_wall:,.0f} domains/s wall ({len(cases) / dt_cpu:,.0f}/s CPU), {len(cases):,} domains |
| detector over a store of {args.hosts:,} linked hosts (random names, 1 in 50 an `outlet-tld.info` spoof) | {det_wall:.1f} s wall, {det_cpu:.1f} s CPU; {det_found}/{det_planted} spoofs found, {det_random} random names tied to an outlet |
| page extraction (demo articles, {page_bytes / 1024:.1f} KB each) | {pages_per_s:,.0f} pages/s per core (CPU time) |
| peak memory | {rss:,.0f} MB |
| dnstwist recall, brands of 5+ letters, all families | {acc['recall']:.4f} ({fam}) |
| Meta Doppelganger 2022: outlet spoofs tied to the right outlet | {tied}/{spoofs} ({strict} as the single best match; the rest tie between sister outlets delfi.lv/.lt/.ee and rbc.ru/.ua) |
| Doppelganger invented brands (warhheit.pw, ...) tied to any outlet | {brands}/{313 - spoofs} |
| ordinary domains tied to an outlet (tests/fixtures) | {acc['ordinary_fp'][0]}/{acc['ordinary_fp'][1]} |
| real Telegram link hosts tied to an outlet | {acc['telegram_fp'][0]}/{acc['telegram_fp'][1]} (sister outlets forbes.com, interfax.com.ua, interfax-russia.ru, epravda.com.ua among them) |
"""
    write_section("Look-alike outlets", text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

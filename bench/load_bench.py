"""Mixed loopback load on `fakewatch serve` while an ingest writes: no 5xx, p95 held, memory flat, limits effective.

Threads, each bounded by the deadline, play: people using the public check (each
from its own address through X-Forwarded-For, under the default limit of 1/s,
burst 20), one script hammering the check from one address (must get 429s),
analysts searching and reading campaigns through the API and the pages, an
analyst uploading a small export every UPLOAD_EVERY seconds (a job runs the
pipeline on the shared store), and a password guesser (must be locked out with
429). Meanwhile `fakewatch ingest` writes a large export into the same store.
The server's memory (its process tree's RSS) is sampled every SAMPLE_EVERY
seconds; "flat" compares the last minute with the second. Only 127.0.0.1 is
contacted. Rewrites the "Load" section of bench/README.md.

    python bench/load_bench.py [--messages N] [--seconds S] [--no-readme]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from investigate_bench import tree_rss  # noqa: E402
from readme_section import write_section  # noqa: E402
from serve_bench import _free_port, samples, store  # noqa: E402

PEOPLE = 6  # public-check users, one request every PERSON_PACE seconds each: within the per-client limit
PERSON_PACE = 1.5
ANALYSTS = 3
UPLOAD_EVERY = 90.0  # seconds between upload jobs (each runs the whole pipeline on the store)
SAMPLE_EVERY = 5.0
INGEST_MESSAGES = 200_000  # the export written into the store during the run
PASSWORD = "load bench password"


class Recorder:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.lock = threading.Lock()

    def call(self, kind: str, client: httpx.Client, method: str, url: str, **kw) -> httpx.Response | None:
        began = time.perf_counter()
        try:
            answer = client.request(method, url, **kw)
        except httpx.HTTPError:
            with self.lock:
                self.status[kind][0] += 1  # no answer at all (connection or timeout)
            return None
        with self.lock:
            self.latency[kind].append(time.perf_counter() - began)
            self.status[kind][answer.status_code] += 1
        return answer


def big_export(folder: Path, n: int) -> Path:
    path = folder / "ingest-during-load.json"
    msgs = [{"id": i, "type": "message", "date_unixtime": str(1744974000 + i), "from_id": f"user{i % 997}",
             "text": f"обычная болтовня {i} в чате"} for i in range(1, n + 1)]
    path.write_text(json.dumps({"name": "load", "type": "private_group", "id": 777001, "messages": msgs}))
    return path


def run(messages: int, seconds: int, upload_every: float = UPLOAD_EVERY) -> dict:
    url, _ = store(messages, 2025)
    fake, plain = samples(url, 2025)
    work = Path(tempfile.mkdtemp(prefix="fakewatch-load-"))
    fw = [sys.executable, "-m", "fakewatch.cli"]
    subprocess.run([*fw, "user", "add", "loader", "--password", PASSWORD, "--db", url],  # exists on a second run
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    token = subprocess.run([*fw, "token", "create", "loader", "--db", url], capture_output=True, text=True,
                           check=True).stdout.strip()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*fw, "serve", "--db", url, "--data-dir", str(work / "web"), "--port", str(port)],
                              env=os.environ | {"FAKEWATCH_TRUST_PROXY": "1"}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(240):
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    rec, memory = Recorder(), []
    deadline = time.monotonic() + seconds
    bearer = {"Authorization": f"Bearer {token}"}
    texts = fake + plain
    codes = [c["code"] for c in httpx.get(f"{base}/api/campaigns", headers=bearer, timeout=60).json()][:5] or ["C1"]
    words = [w for t in texts[:50] for w in t.split() if len(w) > 4][:40] or ["марш"]

    def person(i: int) -> None:
        rng = random.Random(i)
        with httpx.Client(base_url=base, timeout=30, headers={"X-Forwarded-For": f"10.0.0.{i + 1}"}) as c:
            while time.monotonic() < deadline:
                rec.call("check (people)", c, "POST", "/api/check", json={"text": rng.choice(texts)})
                time.sleep(PERSON_PACE)

    def script() -> None:
        with httpx.Client(base_url=base, timeout=30, headers={"X-Forwarded-For": "10.9.9.9"}) as c:
            while time.monotonic() < deadline:
                rec.call("check (script)", c, "POST", "/api/check", json={"text": random.choice(texts)})

    def analyst(i: int) -> None:
        rng = random.Random(100 + i)
        with httpx.Client(base_url=base, timeout=60, headers=bearer) as c:
            while time.monotonic() < deadline:
                code = rng.choice(codes)
                rec.call("search", c, "GET", "/api/search", params={"q": rng.choice(words)})
                rec.call("campaign API", c, "GET", f"/api/campaigns/{code}")
                rec.call("campaign page", c, "GET", f"/campaigns/{code}")
                rec.call("campaign messages", c, "GET", f"/api/campaigns/{code}/messages")

    def uploader() -> None:
        n = 0
        with httpx.Client(base_url=base, timeout=120, headers=bearer) as c:
            while upload_every and time.monotonic() < deadline:
                n += 1
                body = json.dumps({"name": f"u{n}", "type": "private_group", "id": 880000 + n, "messages": [
                    {"id": i, "type": "message", "date_unixtime": str(1744974000 + i), "from_id": "user5",
                     "text": random.choice(texts)} for i in range(1, 201)]})
                rec.call("upload", c, "POST", "/api/jobs", files={"files": (f"u{n}.json", body, "application/json")})
                time.sleep(upload_every)

    def guesser() -> None:
        with httpx.Client(base_url=base, timeout=30, headers={"X-Forwarded-For": "10.6.6.6"}) as c:
            while time.monotonic() < deadline:
                form = c.get("/login")
                csrf = form.text.split('name="csrf" value="', 1)[-1].split('"', 1)[0]
                rec.call("login guesses", c, "POST", "/login", data={"name": "loader", "password": "guess",
                                                                      "csrf": csrf})
                time.sleep(0.5)

    def sampler() -> None:
        began = time.monotonic()
        while time.monotonic() < deadline:
            memory.append((round(time.monotonic() - began), tree_rss(server.pid)))
            time.sleep(SAMPLE_EVERY)

    threads = [threading.Thread(target=person, args=(i,)) for i in range(PEOPLE)]
    threads += [threading.Thread(target=analyst, args=(i,)) for i in range(ANALYSTS)]
    threads += [threading.Thread(target=f) for f in (script, uploader, guesser, sampler)]
    for t in threads:
        t.start()
    export = big_export(work, INGEST_MESSAGES)
    ingest_began = time.monotonic()
    ingest = subprocess.run([*fw, "ingest", str(export), "--db", url], capture_output=True, text=True)
    ingest_seconds = time.monotonic() - ingest_began
    for t in threads:
        t.join()
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)
    per_kind = {}
    for kind, values in sorted(rec.latency.items()):
        values.sort()
        per_kind[kind] = {"requests": len(values), "p50_ms": round(1000 * values[len(values) // 2], 1),
                          "p95_ms": round(1000 * values[int(len(values) * 0.95)], 1),
                          "status": dict(sorted(rec.status[kind].items()))}
    minute = int(60 / SAMPLE_EVERY)
    second_minute = [m for _, m in memory[minute:2 * minute]] or [m for _, m in memory]
    last_minute = [m for _, m in memory[-minute:]]
    return {"seconds": seconds, "messages": messages, "upload_every": upload_every, "ingest_ok": ingest.returncode == 0,
            "ingest_seconds": round(ingest_seconds, 1), "per_kind": per_kind,
            "server_5xx": sum(n for s in rec.status.values() for code, n in s.items() if code >= 500),
            "no_answer": sum(s.get(0, 0) for s in rec.status.values()),
            "rss_mb_second_minute": round(statistics.mean(second_minute) / 1e6),
            "rss_mb_last_minute": round(statistics.mean(last_minute) / 1e6),
            "rss_mb_peak": round(max(m for _, m in memory) / 1e6)}


def section(f: dict) -> str:
    rows = "\n".join(f"| {k} | {v['requests']:,} | {v['p50_ms']} | {v['p95_ms']} | "
                     f"{', '.join(f'{c}: {n:,}' for c, n in v['status'].items())} |" for k, v in f["per_kind"].items())
    return (f"## Load\n\n`python bench/load_bench.py --messages {f['messages']} --seconds {f['seconds']}`: "
            f"`fakewatch serve` (one worker) over the investigated {f['messages']:,}-message demo store, loopback only, "
            f"for {f['seconds']} s, on the 2-core machine shared with the load generator and other work. Meanwhile "
            f"`fakewatch ingest` wrote a {INGEST_MESSAGES:,}-message export into the same store "
            f"({'done' if f['ingest_ok'] else 'FAILED'} in {f['ingest_seconds']} s)"
            + (f" and an upload job ran every {f['upload_every']:.0f} s." if f["upload_every"] else ", no uploads.")
            + f" {PEOPLE} people check at one request per {PERSON_PACE} s each (own addresses), one "
            f"script from a single address as fast as it can, {ANALYSTS} analysts search and read campaigns, one client "
            f"guesses passwords.\n\n"
            "| requests | count | p50 ms | p95 ms | answers |\n| --- | ---: | ---: | ---: | --- |\n" + rows + "\n\n"
            f"Server errors (5xx): {f['server_5xx']}; requests without an answer: {f['no_answer']}. Server memory "
            f"(process tree RSS): {f['rss_mb_second_minute']} MB in the second minute, {f['rss_mb_last_minute']} MB in "
            f"the last, {f['rss_mb_peak']} MB at the peak. The script's 429s and the guesser's 429s are the rate limit "
            f"and the login throttle working; the people were never limited.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--upload-every", type=float, default=UPLOAD_EVERY,
                        help="seconds between upload jobs; 0 for none (memory of the server alone)")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    figures = run(args.messages, args.seconds, args.upload_every)
    print(json.dumps(figures, indent=1))
    if not args.no_readme:
        write_section("Load", section(figures))
    sys.exit(0 if figures["server_5xx"] == 0 and figures["ingest_ok"] else 1)


if __name__ == "__main__":
    main()

"""Web benchmark: the public check (`POST /api/check`) under load, against `fakewatch serve` on loopback.

The store holds the investigated demo corpus (default one million messages; built
once into a cache folder, not timed). The server runs as `fakewatch serve` in a
child process with the per-client rate limit lifted (every request comes from
127.0.0.1). Debian's `wrk` drives 50 concurrent connections from 2 threads,
bounded by a request count and a time limit, cycling through request bodies
sampled from the store: half are texts of reported campaign messages, half
ordinary chatter. A Lua hook collects p50/p95/p99 latency. Target: p95 < 50 ms.
Prints the figures and rewrites the "Web" section of bench/README.md.

    python bench/serve_bench.py [--messages N] [--seed S] [--seconds S] [--clients C] [--workers W]
                                [--no-readme]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
TARGET_P95_MS = 50.0
SAMPLES = 400  # distinct request bodies of each kind
TRUTH_SAMPLE = 150  # planted campaign messages and benign viral ones checked for the verdict figures
THREADS = 2  # wrk threads; the request limit is counted per thread

sys.path.insert(0, str(HERE))
from investigate_bench import corpus  # noqa: E402  (the same cached demo corpus as the investigate benchmark)
from readme_section import write_section  # noqa: E402

LUA = r"""
local bodies = {%s}
local counter = 0
function setup(thread) thread:set("id", tostring(math.random(1, 1000000))) end
function init(args) counter = math.random(1, #bodies) end
function request()
  counter = counter + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, bodies[(counter %% #bodies) + 1])
end
function done(summary, latency, requests)
  io.write(string.format('{"requests": %%d, "seconds": %%.3f, "errors": %%d, "non2xx": %%d, ' ..
    '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d}\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def store(messages: int, seed: int) -> tuple[str, float | None]:
    """URL of the investigated demo store (built once, in a child process); seconds it took when built now."""
    folder = Path(tempfile.gettempdir()) / f"fakewatch-serve-bench-{messages}-{seed}"
    url = f"sqlite:///{folder / 'store.db'}"
    if (folder / "findings.json").exists():
        return url, None
    data = corpus(messages, seed)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; from fakewatch.pipeline import investigate; "
                    "investigate([sys.argv[1]], sys.argv[2], db=sys.argv[3])", str(data), str(folder), url], check=True)
    return url, time.perf_counter() - began


def samples(url: str, seed: int) -> tuple[list[str], list[str]]:
    """Texts of reported campaigns' messages and of messages in no campaign, from the store."""
    from sqlalchemy import create_engine, func, select

    from fakewatch.store.tables.campaigns import campaign_messages, campaigns
    from fakewatch.store.tables.core import messages

    engine = create_engine(url)
    with engine.connect() as conn:
        fake = conn.execute(select(messages.c.text).distinct()
                            .join(campaign_messages, campaign_messages.c.message_pk == messages.c.id)
                            .join(campaigns, campaigns.c.id == campaign_messages.c.campaign_id)
                            .where(campaigns.c.reported.is_(True), func.length(messages.c.text) > 40)
                            .limit(SAMPLES)).scalars().all()
        top = conn.execute(select(func.max(messages.c.id))).scalar()
        rng = random.Random(seed)
        picks = [rng.randint(1, top) for _ in range(SAMPLES * 3)]
        plain = conn.execute(select(messages.c.text).where(messages.c.id.in_(picks), messages.c.text != "",
                                                           ~messages.c.id.in_(select(campaign_messages.c.message_pk)))
                             .limit(SAMPLES)).scalars().all()
    return list(fake), list(plain)


def truth_texts(url: str, data: Path, seed: int) -> tuple[list[str], list[str]]:
    """Texts of the planted campaigns' messages and of the benign viral ones, per the demo's truth.json."""
    from sqlalchemy import and_, create_engine, or_, select

    from fakewatch.store.tables.core import messages

    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    planted = [m for c in truth["campaigns"] for m in c["messages"]]
    picks = {"planted": rng.sample(planted, min(TRUTH_SAMPLE, len(planted))),
             "benign": rng.sample(truth["benign_viral"], min(TRUTH_SAMPLE, len(truth["benign_viral"])))}
    engine = create_engine(url)
    out = {}
    with engine.connect() as conn:
        for kind, ids in picks.items():
            wanted = or_(*(and_(messages.c.platform == m["platform"], messages.c.chat_id == m["chat_id"],
                                messages.c.message_id == m["message_id"]) for m in ids))
            out[kind] = [t for t in conn.execute(select(messages.c.text).where(wanted)).scalars() if t.strip()]
    return out["planted"], out["benign"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lua_string(text: str) -> str:
    level = "=" * 4
    while f"]{level}]" in text:
        level += "="
    return f"[{level}[{text}]{level}]"


def run(messages: int, seed: int, seconds: int, clients: int, workers: int) -> dict:
    url, built = store(messages, seed)
    fake, plain = samples(url, seed)
    planted, benign = truth_texts(url, corpus(messages, seed), seed)
    port = _free_port()
    web_dir = tempfile.mkdtemp(prefix="fakewatch-serve-bench-")
    env = os.environ | {"FAKEWATCH_CHECK_RATE": "1e9", "FAKEWATCH_CHECK_BURST": "1000000000",
                        "FAKEWATCH_WEB_DIR": web_dir}
    server = subprocess.Popen([sys.executable, "-m", "fakewatch.cli", "serve", "--db", url, "--port", str(port),
                               "--workers", str(workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        began = time.perf_counter()
        for _ in range(workers * 4):  # every worker process loads its own index
            httpx.post(f"{base}/api/check", json={"text": "warm up"}, timeout=600)
        warm = time.perf_counter() - began
        verdicts: dict[str, list[str]] = {"planted": [], "benign": []}
        for kind, texts in (("planted", planted), ("benign", benign)):
            for text in texts:
                verdicts[kind].append(httpx.post(f"{base}/api/check", json={"text": text}, timeout=30)
                                      .json()["verdict"])
        bodies = [json.dumps({"text": t}, ensure_ascii=False) for pair in zip(fake, plain) for t in pair]
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as script:
            script.write(LUA % ",".join(_lua_string(b) for b in bodies))
        busy = os.getloadavg()[0]  # the machine is shared: say how busy it was
        proc = subprocess.run(["wrk", f"-t{THREADS}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name,
                               f"{base}/api/check"], capture_output=True, text=True, check=True)
        os.unlink(script.name)
        load = json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(web_dir, ignore_errors=True)
    return {
        "messages": messages, "seed": seed, "clients": clients, "workers": workers, "cores": os.cpu_count(),
        "store_built_seconds": round(built, 1) if built else None,
        "first_check_seconds": round(warm, 2),  # loads campaigns and builds the in-memory index
        "requests": load["requests"], "seconds": round(load["seconds"], 2),
        "throughput": round(load["requests"] / load["seconds"], 1),
        "p50_ms": load["p50_us"] / 1000, "p95_ms": load["p95_us"] / 1000, "p99_ms": load["p99_us"] / 1000,
        "max_ms": load["max_us"] / 1000, "errors": load["errors"], "non2xx": load["non2xx"],
        "planted_checked": len(verdicts["planted"]), "benign_checked": len(verdicts["benign"]),
        "planted_known_fake": round(verdicts["planted"].count("known_fake") / max(1, len(verdicts["planted"])), 3),
        "benign_known_fake": round(verdicts["benign"].count("known_fake") / max(1, len(verdicts["benign"])), 3),
        "bodies": len(bodies), "load_average": round(busy, 1),
    }


def section(fig: dict) -> str:
    ok = fig["p95_ms"] < TARGET_P95_MS and not fig["errors"] and not fig["non2xx"]
    return (f"## Web\n\n`python bench/serve_bench.py`: `POST /api/check` against `fakewatch serve --workers"
            f" {fig['workers']}` on"
            f" loopback, store holding the {fig['messages']:,}-message demo corpus (seed {fig['seed']}) investigated;"
            f" `wrk` with {fig['clients']} concurrent connections, {fig['bodies']} distinct bodies (half campaign"
            f" messages, half chatter), {fig['cores']} cores shared by server and load generator"
            f" (load average {fig['load_average']} when the run began).\n\n"
            f"| requests | throughput | p50 | p95 | p99 | errors | target p95 < {TARGET_P95_MS:.0f} ms |\n"
            f"| --- | --- | --- | --- | --- | --- | --- |\n"
            f"| {fig['requests']:,} in {fig['seconds']:.0f} s | {fig['throughput']:,.0f} req/s | {fig['p50_ms']:.1f} ms"
            f" | {fig['p95_ms']:.1f} ms | {fig['p99_ms']:.1f} ms | {fig['errors'] + fig['non2xx']} |"
            f" {'met' if ok else 'MISSED'} |\n\n"
            f"The first {4 * fig['workers']} checks after start-up (each worker builds its MinHash band index in"
            f" the background as it starts) took {fig['first_check_seconds']} s."
            f" Verdicts against the demo's truth.json: {fig['planted_known_fake']:.0%} of {fig['planted_checked']}"
            f" sampled planted campaign messages are `known_fake`; {fig['benign_known_fake']:.0%} of"
            f" {fig['benign_checked']} benign viral messages (official statements, warnings) are.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="fakewatch serve --workers (default: one per core)")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    fig = run(args.messages, args.seed, args.seconds, args.clients, args.workers)
    print(json.dumps(fig, indent=2))
    if not args.no_readme:
        write_section("Web", section(fig))


if __name__ == "__main__":
    main()

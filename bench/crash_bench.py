"""Crash consistency of the whole pipeline and of a web upload job: kill -9 at random moments, then re-run.

`fakewatch investigate` over the demo corpus runs ingest, enrich, detect and
campaigns; it is killed (SIGKILL to its process group) at seeded random moments
over the length of a clean run, `--kills` times on the same store. After each
kill the store must pass doctor's store checks (integrity, migrations, every
message with its raw record). A last run completes and its campaigns must equal
a clean run's (same message sets, accounts and scores). Then `fakewatch serve`
takes an upload of the same exports as a zip and is killed while the job runs;
restarted, it reports the job interrupted, has removed the unpacked copy, and a
second upload completes to the same campaigns. Rewrites the "Crash consistency"
section of bench/README.md.

    python bench/crash_bench.py [--messages N] [--seed S] [--kills K] [--no-readme]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from investigate_bench import corpus  # noqa: E402
from readme_section import write_section  # noqa: E402
from serve_bench import _free_port  # noqa: E402

FAKEWATCH = [sys.executable, "-m", "fakewatch.cli"]
PASSWORD = "crash bench password"


def inputs(folder: Path) -> list[str]:
    return [str(p) for p in sorted(folder.iterdir()) if p.name != "truth.json"]


def campaigns(findings: Path) -> list[tuple]:
    """What a run found, without what differs between runs (input paths, times of the run)."""
    data = json.loads(findings.read_text(encoding="utf-8"))
    return sorted((round(c["score"], 6), tuple(sorted(json.dumps(m, sort_keys=True) for m in c["messages"])),
                   tuple(sorted(c["accounts"]))) for c in data["campaigns"])


def investigate(data: Path, out: Path, db: str, kill_after: float | None = None) -> float:
    """One `fakewatch investigate` in its own process group, killed after `kill_after` s; the seconds it ran."""
    began = time.monotonic()
    # no --tz: a web upload job has no such option, and its campaigns are compared with these
    child = subprocess.Popen([*FAKEWATCH, "investigate", *inputs(data), "--out", str(out), "--db", db],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        child.wait(kill_after)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    return time.monotonic() - began


def store_problems(db: str) -> list[str]:
    from fakewatch.doctor import check_store

    return [f.message for f in check_store(db) if not f.ok]


def pipeline_kills(data: Path, work: Path, kills: int, seed: int) -> dict:
    clean_db = f"sqlite:///{work / 'clean.db'}"
    clean_seconds = investigate(data, work / "clean", clean_db)
    clean = campaigns(work / "clean" / "findings.json")
    db = f"sqlite:///{work / 'killed.db'}"
    rng = random.Random(seed)
    moments, problems = [], []
    for _ in range(kills):
        fraction = rng.uniform(0.05, 0.95)
        moments.append(round(fraction, 2))
        investigate(data, work / "killed", db, kill_after=fraction * clean_seconds)
        problems += store_problems(db)
    rerun_seconds = investigate(data, work / "killed", db)
    same = campaigns(work / "killed" / "findings.json") == clean
    return {"clean_seconds": round(clean_seconds, 1), "rerun_seconds": round(rerun_seconds, 1), "kills": kills,
            "moments": moments, "store_problems": problems, "campaigns": len(clean), "same_findings": same}


def serve(db: str, data_dir: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen([*FAKEWATCH, "serve", "--db", db, "--data-dir", str(data_dir), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
    raise RuntimeError("fakewatch serve did not start")


def upload_kill(data: Path, work: Path, clean: list[tuple], seed: int, clean_seconds: float) -> dict:
    db, web = f"sqlite:///{work / 'web.db'}", work / "web"
    subprocess.run([*FAKEWATCH, "user", "add", "crash", "--password", PASSWORD, "--db", db], check=True,
                   stdout=subprocess.DEVNULL)
    token = subprocess.run([*FAKEWATCH, "token", "create", "crash", "--db", db], check=True, capture_output=True,
                           text=True).stdout.strip()
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in inputs(data):
            for file in [Path(path)] if Path(path).is_file() else sorted(Path(path).rglob("*")):
                if file.is_file():
                    zf.write(file, file.relative_to(data))
    port = _free_port()
    base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}

    def upload() -> int:
        answer = httpx.post(f"{base}/api/jobs", headers=headers, timeout=120,
                            files={"files": ("case.zip", bundle.getvalue(), "application/zip")})
        answer.raise_for_status()
        return answer.json()["id"]

    server = serve(db, web, port)
    first = upload()
    time.sleep(random.Random(seed).uniform(0.2, 0.8) * clean_seconds)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait()
    problems = store_problems(db)
    server = serve(db, web, port)
    try:
        interrupted = httpx.get(f"{base}/api/jobs/{first}", headers=headers, timeout=30).json()
        left = [str(p) for p in (web / "jobs").glob("*/unpacked")]
        second = upload()
        deadline = time.monotonic() + 30 * max(clean_seconds, 10)
        while (job := httpx.get(f"{base}/api/jobs/{second}", headers=headers, timeout=30).json())["status"] in (
                "queued", "running") and time.monotonic() < deadline:
            time.sleep(1)
        findings = httpx.get(f"{base}/api/downloads/findings.json", headers=headers, timeout=60)
        same = job["status"] == "done" and campaigns_from(findings.content, work) == clean
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    return {"first_status": interrupted["status"], "first_error": interrupted.get("error"), "unpacked_left": left,
            "store_problems": problems, "second_status": job["status"], "same_findings": same}


def campaigns_from(content: bytes, work: Path) -> list[tuple]:
    path = work / "web-findings.json"
    path.write_bytes(content)
    return campaigns(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    data = corpus(args.messages, 2025)
    work = Path(tempfile.mkdtemp(prefix="fakewatch-crash-"))
    pipe = pipeline_kills(data, work, args.kills, args.seed)
    web = upload_kill(data, work, campaigns(work / "clean" / "findings.json"), args.seed, pipe["clean_seconds"])
    figures = {"messages": args.messages, "pipeline": pipe, "upload": web}
    print(json.dumps(figures, indent=1))
    if not args.no_readme:
        write_section("Crash consistency", section(figures))
    held = (not pipe["store_problems"] and pipe["same_findings"] and not web["store_problems"]
            and not web["unpacked_left"] and web["same_findings"])
    sys.exit(0 if held else 1)


def section(f: dict) -> str:
    p, w = f["pipeline"], f["upload"]
    return (f"## Crash consistency\n\n`python bench/crash_bench.py --messages {f['messages']} --kills {p['kills']}` "
            f"on the 2-core machine shared with other work. `fakewatch investigate` over the {f['messages']:,}-message "
            f"demo corpus (clean run {p['clean_seconds']} s wall) killed with SIGKILL {p['kills']} times on one store "
            f"at fractions {', '.join(map(str, p['moments']))} of a clean run (the stage each kill hit is "
            f"not recorded), then run to the end ({p['rerun_seconds']} s).\n\n"
            "| check | result |\n| --- | --- |\n"
            f"| store problems after the kills (doctor: integrity, migrations, raw records) | "
            f"{len(p['store_problems'])} |\n"
            f"| re-run's campaigns equal a clean run's ({p['campaigns']} campaigns) | {p['same_findings']} |\n"
            f"| web upload job killed with the server: job on restart | {w['first_status']} ({w['first_error']}) |\n"
            f"| unpacked copies left after the restart | {len(w['unpacked_left'])} |\n"
            f"| store problems after the server kill | {len(w['store_problems'])} |\n"
            f"| second upload: status, campaigns equal a clean run's | {w['second_status']}, {w['same_findings']} |\n")


if __name__ == "__main__":
    main()

"""Investigate benchmark: `investigate` end to end on the demo corpus (default one million messages).

Generates the demo scenario once into a cache folder (not timed), then runs
`fakewatch investigate` on it in a child process, timing every stage from its
progress reports and sampling the resident memory of the child and its worker
processes together (their sum at the worst moment). Targets: at most
5 minutes and 4 GB on 2 cores. Prints the figures, scores findings.json against
truth.json, and rewrites the "Investigate" section of bench/README.md.

    python bench/investigate_bench.py [--messages N] [--seed S] [--no-readme]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from readme_section import corpus_bench  # noqa: E402

TARGET_SECONDS = 300
TARGET_BYTES = 4 * 1024**3

CHILD = """
import json, sys, time
from fakewatch.pipeline import investigate
stages, last = {}, [None, time.perf_counter()]
def tick(stage, done, total):
    now = time.perf_counter()
    name = stage.split(":")[0].split(" · ")[0]  # "detect: load" and "ingest · a.json" count as their stage
    if name != last[0]:
        if last[0] is not None:
            stages[last[0]] = stages.get(last[0], 0) + now - last[1]
        last[0], last[1] = name, now
began = time.perf_counter()
from fakewatch.demo import inputs
path = investigate(inputs(sys.argv[1]), sys.argv[2], options={"tz": "Asia/Almaty"}, progress=tick)
stages[last[0]] = stages.get(last[0], 0) + time.perf_counter() - last[1]
print(json.dumps({"seconds": time.perf_counter() - began, "stages": stages, "findings": str(path)}))
"""


def corpus(messages: int, seed: int) -> Path:
    """The demo scenario of `messages` messages, generated once and kept under the temp folder."""
    from fakewatch.demo import generate

    folder = Path(tempfile.gettempdir()) / f"fakewatch-demo-{messages}-{seed}"
    if not (folder / "truth.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, seed=seed, messages=messages)
    return folder


def tree_rss(root: int) -> int:
    """Resident bytes of process `root` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    family, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    return sum(rss.get(pid, 0) for pid in family)


def run(messages: int, seed: int) -> dict:
    data = corpus(messages, seed)
    out = Path(tempfile.mkdtemp(prefix="fakewatch-investigate-bench-"))
    try:
        began = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(data), str(out)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.5)
        stdout, stderr = proc.communicate()
        wall = time.perf_counter() - began
        if proc.returncode:
            raise SystemExit(f"investigate failed:\n{stderr[-4000:]}")
        result = json.loads(stdout.strip().splitlines()[-1])
        from fakewatch.evaluate import evaluate, line

        findings = json.loads(Path(result["findings"]).read_text(encoding="utf-8"))
        truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
        return {"messages": messages, "seed": seed, "seconds": round(wall, 1), "peak_bytes": peak,
                "stages": {k: round(v, 1) for k, v in result["stages"].items()},
                "eval": line(evaluate(findings, truth)), "cores": os.cpu_count(), "load": os.getloadavg()[0]}
    finally:
        shutil.rmtree(out, ignore_errors=True)


def section(fig: dict) -> str:
    ok = fig["seconds"] <= TARGET_SECONDS and fig["peak_bytes"] <= TARGET_BYTES
    stages = ", ".join(f"{k} {v:.0f} s" for k, v in fig["stages"].items())
    return (f"## Investigate\n\n`python bench/investigate_bench.py`: `investigate` end to end (ingest, enrich, detect,"
            f" campaigns, reports) on the {fig['messages']:,}-message demo corpus (seed {fig['seed']}),"
            f" {fig['cores']} cores shared with other work (load average {fig['load']:.1f} at the end).\n\n"
            f"| wall time | peak memory (all processes) | target (5 min, 4 GB) |\n| --- | --- | --- |\n"
            f"| {fig['seconds']:.0f} s | {fig['peak_bytes'] / 1024**3:.2f} GB | {'met' if ok else 'MISSED'} |\n\n"
            f"Stages: {stages}.\n\nEval: {fig['eval']}\n\n"
            "The corpus is generated without media files (the demo's default sink), so the deepfake-video "
            "campaign has only its short captions to be found by; `fakewatch demo` and the accuracy test write the "
            "real campaign media, where it is found (recall 0.98-0.99 at 2,500 messages).\n")


def main() -> None:
    corpus_bench(__doc__, "Investigate", run, section)


if __name__ == "__main__":
    main()

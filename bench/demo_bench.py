"""Demo generator benchmark: `fakewatch.demo.generate` at one million messages.

The 1M demo corpus is every other benchmark's input, so writing it must stay
well under a minute. Reports wall and CPU time (the target is on CPU time), peak resident memory and bytes
written, checks that truth.json counts the requested size, and rewrites the
"Demo generator" section of bench/README.md.

    python bench/demo_bench.py [--messages 1000000] [--seed 2025] [--no-readme]
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from readme_section import corpus_bench  # noqa: E402

TARGET_SECONDS = 60


def run(messages: int, seed: int) -> dict:
    from fakewatch.demo import TRUTH, generate

    out = Path(tempfile.mkdtemp(prefix="fakewatch-demo-bench-"))
    try:
        began, cpu = time.perf_counter(), time.process_time()
        generate(out, seed=seed, messages=messages)
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        truth = json.loads((out / TRUTH).read_text(encoding="utf-8"))
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {"messages": truth["messages"], "requested": messages, "seed": seed, "seconds": round(wall, 1),
            "cpu_seconds": round(cpu, 1), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "bytes": size, "campaign_messages": sum(len(c["messages"]) for c in truth["campaigns"]),
            "load": round(os.getloadavg()[0], 1), "cores": os.cpu_count()}


def _met(fig: dict) -> bool:
    """CPU time decides: on a shared machine the wall time measures the neighbours as much as the generator."""
    return fig["cpu_seconds"] <= TARGET_SECONDS and fig["messages"] == fig["requested"]


def section(fig: dict) -> str:
    ok = _met(fig)
    return (f"## Demo generator\n\n`python bench/demo_bench.py`: `fakewatch.demo.generate` writing the"
            f" {fig['messages']:,}-message demo corpus (seed {fig['seed']}; {fig['campaign_messages']} of them"
            f" planted campaign messages), {fig['cores']} cores, load average {fig['load']} while it ran.\n\n"
            "| wall time | CPU time | peak memory | written | target (< 60 s CPU) |\n| --- | --- | --- | --- | --- |\n"
            f"| {fig['seconds']:.1f} s | {fig['cpu_seconds']:.1f} s | {fig['peak_mb']} MB |"
            f" {fig['bytes'] / 1024**2:.0f} MB | {'met' if ok else 'MISSED'} |\n")


def main() -> int:
    fig = corpus_bench(__doc__, "Demo generator", run, section)
    return 0 if _met(fig) else 1


if __name__ == "__main__":
    sys.exit(main())

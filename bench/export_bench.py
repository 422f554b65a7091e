"""Export benchmark: STIX 2.1 bundle and MISP event of a case, their size, time and the STIX validator's verdict.

For each findings.json given (default: `investigate` of the generated demo corpus, --messages N), times
building and serialising the STIX bundle and the MISP event (imports excluded, they are paid once per
process), and, when a store sits beside the findings (`fakewatch.db`, or the demo's `../demo.db`), the
whole export from the store (`findings.build` included). Runs stix2-validator on the bundle and counts
its errors and warnings by code. Rewrites the "Export" section of bench/README.md.

    python bench/export_bench.py [FINDINGS ...] [--messages N] [--seed S] [--no-readme]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from readme_section import write_section  # noqa: E402


def timed(fn):
    """fn's value and its (wall, CPU) seconds: on the shared machine the wall time follows the load."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, (time.perf_counter() - wall, time.process_time() - cpu)


def store_beside(findings: Path) -> Path | None:
    for candidate in (findings.parent / "fakewatch.db", findings.parent.parent / "demo.db"):
        if candidate.exists():
            return candidate
    return None


def measure(findings_path: Path) -> dict:
    from stix2validator import ValidationOptions, validate_string

    from fakewatch.export import misp, stix
    from fakewatch.export.case import Case, from_store, read

    doc = json.loads(findings_path.read_text(encoding="utf-8"))
    case = read(findings_path)
    bundle, stix_s = timed(lambda: stix.dumps(stix.build(case)))
    event, misp_s = timed(lambda: misp.dumps(misp.build(case)))
    redacted, redacted_s = timed(lambda: stix.dumps(stix.build(Case(doc, "bench", redact_phones=True))))
    result, validate_s = timed(lambda: validate_string(bundle, ValidationOptions(version="2.1")))
    warnings = Counter(re.search(r": \{(\d+)\} ", w).group(1) for w in result.warnings)
    fig = {"findings": str(findings_path), "messages": sum(i.get("messages", 0) for i in doc.get("inputs", [])),
           "campaigns": len(doc["campaigns"]), "stix_bytes": len(bundle.encode()), "stix_s": stix_s,
           "stix_objects": len(json.loads(bundle)["objects"]), "stix_redacted_s": redacted_s,
           "misp_bytes": len(event.encode()), "misp_s": misp_s,
           "misp_attributes": len(json.loads(event)["Event"].get("Attribute", [])),
           "misp_objects": len(json.loads(event)["Event"].get("Object", [])),
           "valid": result.is_valid, "errors": len(result.errors), "warnings": dict(sorted(warnings.items())),
           "validate_s": validate_s, "load": os.getloadavg()[0]}
    db = store_beside(findings_path)
    if db is not None:
        _, fig["stix_from_store_s"] = timed(lambda: stix.dumps(stix.build(from_store(f"sqlite:///{db}"))))
    return fig


def investigated(messages: int, seed: int) -> Path:
    from investigate_bench import corpus

    from fakewatch.demo import inputs
    from fakewatch.pipeline import investigate

    out = Path(tempfile.gettempdir()) / f"fakewatch-export-bench-{messages}-{seed}"
    if not (out / "findings.json").exists():
        investigate(inputs(corpus(messages, seed)), out, options={"tz": "Asia/Almaty"})
    return out / "findings.json"


def _s(seconds: tuple[float, float]) -> str:
    return f"{seconds[0]:.2f} s ({seconds[1]:.2f} CPU)"


def section(figs: list[dict]) -> str:
    rows = "\n".join(
        f"| {f['messages']:,} | {f['campaigns']} | {f['stix_objects']:,} | {f['stix_bytes'] / 1024:,.0f} KB | "
        f"{_s(f['stix_s'])} | {_s(f['stix_from_store_s']) if 'stix_from_store_s' in f else '-'} | "
        f"{f['misp_attributes']:,} + {f['misp_objects']:,} objects | {f['misp_bytes'] / 1024:,.0f} KB | "
        f"{_s(f['misp_s'])} | {'valid' if f['valid'] else 'INVALID'}, {f['errors']} errors ({_s(f['validate_s'])}) |"
        for f in figs)
    codes = Counter()
    for f in figs:
        codes.update(f["warnings"])
    warned = ", ".join(f"{{{k}}} x{v:,}" for k, v in sorted(codes.items()))
    return ("## Export\n\n`python bench/export_bench.py [FINDINGS ...]`: `fakewatch export stix` and `export misp` "
            "of whole cases (build + serialise in one process, imports excluded; \"from store\" adds "
            "`findings.build` over the store), then stix2-validator (STIX 2.1) on each bundle; wall seconds "
            "with CPU seconds in brackets. Load average "
            f"{max(f['load'] for f in figs):.1f} on the shared 2-core machine.\n\n"
            "| case messages | campaigns | STIX objects | bundle | STIX time | from store | MISP attributes | "
            "event | MISP time | validator |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
            f"{rows}\n\nValidator warnings, all by design (docs/export.md, \"Validator\"): {warned}. The bundle's "
            "size follows the campaigns' evidence, accounts and chats, not the size of the corpus they came from.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("findings", nargs="*", type=Path)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    paths = args.findings or [investigated(args.messages, args.seed)]
    figs = [measure(p) for p in paths]
    print(json.dumps(figs, indent=2))
    if not args.no_readme:
        write_section("Export", section(figs))


if __name__ == "__main__":
    main()

"""Replace one `## Section` of bench/README.md with fresh figures, leaving the other sections alone."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def write_section(title: str, text: str, readme: Path = README) -> None:
    """Put `text` (which starts with `## {title}`) in place of that section, or append it."""
    old = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"## {re.escape(title)}\n.*?(?=\n## |\Z)", re.S)
    body = text.rstrip("\n") + "\n"
    new = pattern.sub(lambda _m: body, old) if pattern.search(old) else old.rstrip("\n") + "\n\n" + body
    readme.write_text(new, encoding="utf-8")


def corpus_bench(doc: str, title: str, run: Callable[[int, int], dict], section: Callable[[dict], str]) -> dict:
    """Command line of a benchmark over the generated demo corpus: size, seed, and whether to touch the README."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    fig = run(args.messages, args.seed)
    print(json.dumps(fig, indent=2, default=str))
    if not args.no_readme:
        write_section(title, section(fig))
    return fig

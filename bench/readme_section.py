"""Replace one `## Section` of bench/README.md with fresh figures, leaving the other sections alone."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def write_section(title: str, text: str, readme: Path = README) -> None:
    """Put `text` (which starts with `## {title}`) in place of that section, or append it."""
    old = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"## {re.escape(title)}\n.*?(?=\n## |\Z)", re.S)
    body = text.rstrip("\n") + "\n"
    new = pattern.sub(lambda _m: body, old) if pattern.search(old) else old.rstrip("\n") + "\n\n" + body
    readme.write_text(new, encoding="utf-8")

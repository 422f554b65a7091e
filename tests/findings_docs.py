"""Which findings.json fields docs/ does not name: the check behind "every findings field is documented"."""

from __future__ import annotations

from typing import Any

from conftest import ROOT

DOCS = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))
# Maps keyed by data, not by field name (account ids, signal figures), whose keys are not fields.
KEYED_BY_DATA = {"account_messages", "data", "score_parts"}


def fields(record: Any, path: str = "") -> set[str]:
    """Every field name in `record`, at any depth, skipping maps keyed by data."""
    found: set[str] = set()
    if isinstance(record, dict):
        for key, value in record.items():
            found.add(key)
            if key not in KEYED_BY_DATA:
                found |= fields(value, f"{path}.{key}")
    elif isinstance(record, list):
        for item in record:
            found |= fields(item, path)
    return found


def undocumented(record: dict) -> list[str]:
    """The fields of `record` that docs/*.md never names as `field`."""
    return sorted(f for f in fields(record) if f"`{f}`" not in DOCS)

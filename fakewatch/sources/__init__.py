"""Input formats. Each module yields the same Chat/Message records; `detect` picks one by content."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from . import table, telegram, telegram_api, web, whatsapp
from .base import ReadContext, ReadError, Record

# Tried in this order by `detect`; a new format is one module here (web pages: `sources/web.py`).
SOURCES: list[ModuleType] = [telegram, telegram_api, whatsapp, table, web]
SNIFF_BYTES = 64 * 1024


def by_name(name: str) -> ModuleType:
    for source in SOURCES:
        if source.NAME == name:
            return source
    raise KeyError(name)


def detect(path: Path) -> ModuleType | None:
    """The source that can read `path`, judged from its first bytes (and name, for tie-breaks)."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    for source in SOURCES:
        if source.sniff(path, head):
            return source
    return None


__all__ = ["SOURCES", "ReadContext", "ReadError", "Record", "by_name", "detect"]

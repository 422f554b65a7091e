"""Input formats. Each module yields the same Chat/Message records; `detect` picks one by content."""

from __future__ import annotations

from pathlib import Path, PurePath
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
        return sniff(path, fh.read(SNIFF_BYTES))


def sniff(path: PurePath, head: bytes) -> ModuleType | None:
    """The source that can read a file named `path` whose first SNIFF_BYTES are `head` (a zip member, say)."""
    for source in SOURCES:
        if source.sniff(path, head):
            return source
    return None


__all__ = ["SOURCES", "ReadContext", "ReadError", "Record", "by_name", "detect", "sniff"]

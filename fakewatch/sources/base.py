"""What every source shares: the read context, the error it raises, and time helpers.

A source is a module with `NAME`, `sniff(path, head) -> bool` and
`read(ctx) -> Iterator[Chat | Message | other]`, registered in `SOURCES` in
`sources/__init__.py`. Sources do not write Chat/Message records themselves;
a source that yields records of its own kind (web pages, say) also provides
`store(conn, records, input_id) -> int`, which ingest calls with each batch of
them inside the file's transaction and which returns how many were new.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from fakewatch.model import Chat, Media, Message

Record = Chat | Message

MAX_TEXT = 200_000  # characters kept of one message; longer text is cut and noted


class ReadError(Exception):
    """A malformed input: names the file, the position in it, and what is wrong."""

    def __init__(self, path: Path | str, position: str, problem: str) -> None:
        self.path = str(path)
        self.position = position
        self.problem = problem
        super().__init__(f"{self.path}: {position}: {problem}")

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:
        # rebuilt from its three parts when it crosses from a reader process
        return (ReadError, (self.path, self.position, self.problem))


@dataclass
class ReadContext:
    path: Path
    root: Path  # folder that relative media paths resolve against
    shown: Path | None = None  # the path as the user gave it (inside a zip: archive.zip/member)
    options: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def fail(self, position: str, problem: str) -> ReadError:
        return ReadError(self.path, position, problem)


# Accept times between these bounds; anything else is a corrupt record, not history.
MIN_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc)
MAX_TIME = datetime(2100, 1, 1, tzinfo=timezone.utc)


def from_unix(value: Any, ctx: ReadContext, position: str) -> datetime:
    """UTC datetime from epoch seconds given as int, float or digit string."""
    try:
        seconds = float(value)
        moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        raise ctx.fail(position, f"expected epoch seconds, got {value!r:.60}") from None
    return check_range(moment, ctx, position)


def check_range(moment: datetime, ctx: ReadContext, position: str) -> datetime:
    if not MIN_TIME <= moment < MAX_TIME:
        raise ctx.fail(position, f"date out of range: {moment.isoformat()}")
    return moment


def clip_text(text: str, ctx: ReadContext, position: str) -> str:
    """Text bounded to MAX_TEXT characters, NUL replaced (PostgreSQL text cannot hold it)."""
    if len(text) > MAX_TEXT:
        ctx.note(f"{position}: text longer than {MAX_TEXT} characters was cut")
        text = text[:MAX_TEXT]
    if "\x00" in text:
        ctx.note("NUL characters in text were replaced by U+FFFD")
        text = text.replace("\x00", "\ufffd")
    return text


def hash_media(item: Media, ctx: ReadContext) -> None:
    """Hash a media file the export carries; paths that leave the export folder are not followed."""
    if item.path is None:
        return
    root = ctx.root.resolve()
    target = (root / item.path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        return
    digest = hashlib.sha256()
    with target.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    item.sha256 = digest.hexdigest()
    item.size = target.stat().st_size
    item.file_absent = False
    item.stored_path = str(target)

"""Messages of a single-chat Telegram export cut at the exporter's line layout, each parsed by orjson.

Telegram Desktop writes one space of indent per level and closes every message
on a line of its own at the message's indent (formats.md); compact files put a
message on one line. Cutting there and parsing each message with orjson is
about three times faster than a streaming parser, and the bytes cut are the
message's record as the file has it (kept as evidence without writing it again).

A cut is trusted only when orjson parses it as one object: the text from a
message's opening brace that parses whole is the message the JSON grammar
gives, so no layout can fool it. Anything else (another layout, a broken file)
hands the rest of the file to ijson, which reads what is valid and says where
it is not. Numbers beyond 64 bits come out as floats here where ijson refuses
them; the message reader drops such values either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson
import orjson

READ = 1 << 20  # bytes read at a time
MAX_ITEM = 64 * 1024**2  # a message longer than this is left to the streaming parser
MAX_HEAD = 1 << 20  # the chat's fields before `messages`: a few lines
_START = re.compile(rb'"messages"[ \t\r\n]*:[ \t\r\n]*\[')
_SPACE = b" \t\r\n"

Item = tuple[Any, bytes | None]  # a message object and its record as the file has it (None from ijson)


class _Chain:
    """A file-like object reading `head`, then the rest of `tail`."""

    def __init__(self, head: bytes, tail: BinaryIO) -> None:
        self._head, self._tail = head, tail

    def read(self, size: int = -1) -> bytes:
        if self._head:
            size = len(self._head) if size < 0 else size
            out, self._head = self._head[:size], self._head[size:]
            return out
        return self._tail.read(size)


def items(fh: BinaryIO) -> Iterator[Item]:
    """The messages of the single-chat export `fh` (read from its start), in order."""
    buf = b""
    while (start := _START.search(buf)) is None:
        block = fh.read(READ)
        if not block or len(buf) > MAX_HEAD:
            yield from _streamed(_Chain(buf + block, fh))
            return
        buf += block
    if not _root_ends_at(buf[:start.end()]):
        yield from _streamed(_Chain(buf, fh))
        return
    pos, first = start.end(), True
    while True:
        while (pos := _skip_space(buf, pos)) == len(buf):
            buf, _, pos, more = _more(buf, pos, pos, fh)
            if not more:
                yield from _rest(buf, pos, first, fh)
                return
        if buf[pos] == 0x5D:  # "]": the end of the list
            _check_end(buf[pos + 1:] + fh.read())
            return
        at = pos
        if not first:
            if buf[pos] != 0x2C:  # ","
                yield from _rest(buf, at, first, fh)
                return
            pos += 1
        end, closing, buf, at, pos = _cut(buf, at, pos, fh)
        if end is None:
            yield from _rest(buf, at, first, fh)
            return
        piece = buf[pos:end]
        try:
            obj = orjson.loads(piece)
        except orjson.JSONDecodeError:
            yield from _rest(buf, at, first, fh)
            return
        yield obj, piece
        pos, first = end, False
        if closing is None:
            continue
        # the exporter's layout: the next message opens right after `,\n` and the indent; this loop is
        # most of the file, and whatever it does not expect goes back to the checks above
        next_item = b",\n" + closing[1:-1] + b"{"
        while buf.startswith(next_item, pos):
            start = pos + len(next_item) - 1
            found = buf.find(closing, start)
            if found == -1:
                break
            end = found + len(closing)
            piece = buf[start:end]
            try:
                obj = orjson.loads(piece)
            except orjson.JSONDecodeError:
                break
            yield obj, piece
            pos = end


def _cut(buf: bytes, at: int, pos: int, fh: BinaryIO) -> tuple[int | None, bytes | None, bytes, int, int]:
    """Where the message opening at or after `pos` ends by the layout, reading on as needed.

    Returns (end or None when it is not laid out so, the closing line's text or None
    for a message on one line, buf, at, pos); `buf` may be refilled, the positions
    come back shifted with it and `pos` on the opening brace.
    """
    while True:
        pos = _skip_space(buf, pos)
        line = buf.find(b"\n", pos) if pos < len(buf) else -1
        if line != -1 or len(buf) - at > MAX_ITEM:
            break
        buf, at, pos, more = _more(buf, at, pos, fh)
        if not more:
            break
    if pos >= len(buf) or buf[pos] != 0x7B or buf[buf.rfind(b"\n", 0, pos) + 1:pos].strip(_SPACE):
        return None, None, buf, at, pos  # not an object opening its line
    if line != -1:
        stripped = buf[pos:line].rstrip(b" \t\r,")
        if stripped.endswith(b"}"):  # the message on one line
            return pos + len(stripped), None, buf, at, pos
    closing = b"\n" + buf[buf.rfind(b"\n", 0, pos) + 1:pos] + b"}"
    while (found := buf.find(closing, pos)) == -1:
        more = len(buf) - at <= MAX_ITEM
        if more:
            buf, at, pos, more = _more(buf, at, pos, fh)
        if not more:
            return None, None, buf, at, pos
    return found + len(closing), closing, buf, at, pos


def _more(buf: bytes, at: int, pos: int, fh: BinaryIO) -> tuple[bytes, int, int, bool]:
    """`buf` from the line of `at` on (indents are read back from line starts) with the next block read
    on; `at` and `pos` shifted with it; False when the file has ended."""
    block = fh.read(READ)
    keep = max(buf.rfind(b"\n", 0, at), 0)
    return buf[keep:] + block, at - keep, pos - keep, bool(block)


def _skip_space(buf: bytes, pos: int) -> int:
    while pos < len(buf) and buf[pos] in _SPACE:
        pos += 1
    return pos


def _root_ends_at(head: bytes) -> bool:
    """Whether `head` is the root object's text up to the opening of its `messages` list."""
    try:
        root = orjson.loads(head + b"]}")
    except orjson.JSONDecodeError:
        return False
    return type(root) is dict and list(root)[-1:] == ["messages"]


def _check_end(tail: bytes) -> None:
    """The text after the list must close the root object (other keys allowed), as a parser would demand."""
    if tail.strip(_SPACE) == b"}":
        return
    orjson.loads(b'{"messages":[]' + tail)  # raises orjson.JSONDecodeError, a ValueError


def _rest(buf: bytes, at: int, first: bool, fh: BinaryIO) -> Iterator[Item]:
    """The messages from byte `at` of `buf` on (a separator, or the first message), by the streaming parser."""
    # `{"messages":[` and a placeholder 0 before a separator make the rest a whole JSON object again
    yield from _streamed(_Chain((b'{"messages":[' if first else b'{"messages":[0') + buf[at:], fh),
                         skip=0 if first else 1)


def _streamed(stream: Any, *, skip: int = 0) -> Iterator[Item]:
    """The items of `messages` of the JSON text `stream`, but the first `skip`, by ijson."""
    parsed = ijson.items(stream, "messages.item", use_float=True)
    for _ in range(skip):
        next(parsed, None)
    for obj in parsed:
        yield obj, None
